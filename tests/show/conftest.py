"""Fixtures for the report and dashboard tests: a data folder holding only the UN votes (a symlink to
../shared/data/unvotes, so these tests do not depend on other sources), and a store built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="session")
def unvotes_dir(shared_data, tmp_path_factory) -> Path:
    """A --data folder with only ``unvotes/`` in it (a symlink to the real release)."""
    folder = tmp_path_factory.mktemp("data")
    (folder / "unvotes").symlink_to(shared_data / "unvotes", target_is_directory=True)
    return folder


@pytest.fixture(scope="session")
def built_store(unvotes_dir, tmp_path_factory) -> Path:
    """Path of a store filled by the report's layout ingest, closed so tests can open it read-only."""
    from dyad.report.ingest import ingest_layout
    from dyad.store import open_store

    path = tmp_path_factory.mktemp("store") / "show.duckdb"
    with open_store(path) as store:
        plan = ingest_layout(store, unvotes_dir, show_progress=False)
    assert [o.status for o in plan.outcomes if o.source == "unvotes"] == ["ingested"]
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def raw_agreement(shared_data):
    """CHN-RUS share of identical votes per year, computed straight from the unvotes CSV export with SQL
    (independent of the adapter and the measures): {year: (share, n)}."""
    import duckdb

    folder = shared_data / "unvotes"
    con = duckdb.connect()
    rows = con.execute(f"""
        WITH v AS (SELECT * FROM read_csv_auto('{folder / "un_votes.csv.gz"}')),
             r AS (SELECT rcid, year(date) AS y FROM read_csv_auto('{folder / "un_roll_calls.csv.gz"}'))
        SELECT y, avg((a.vote = b.vote)::INT), count(*) FROM v a JOIN v b USING (rcid) JOIN r USING (rcid)
        WHERE a.country_code = 'CN' AND b.country_code = 'RU' GROUP BY y""").fetchall()
    con.close()
    return {int(y): (share, n) for y, share, n in rows}
