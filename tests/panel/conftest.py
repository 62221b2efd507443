import pytest
from tests.conftest import need_data


@pytest.fixture(scope="session")
def ps_store(tmp_path_factory):
    """Alliances, disputes, capabilities and IGO memberships (peacesciencer .rda files) in one store."""
    from dyad.store import open_store

    s = open_store(tmp_path_factory.mktemp("ps") / "store.duckdb")
    for name in ("atop_alliance.rda", "cow_nmc.rda", "cow_mid_ddydisps.rda", "td_rivalries.rda",
                 "ccode_democracy.rda"):
        s.ingest("peacesciencer", need_data("politics", name))
    yield s
    s.close()
