"""dyad: an observatory of bilateral relations between countries.

The Python API is what the command line is thin over::

    import dyad
    store = dyad.open_store("dyad.duckdb")
    store.ingest("unvotes", "../shared/data/unvotes")
    dyad.indicator("un_agreement").compute(store, "CHN", "RUS", by="year")
"""

from __future__ import annotations

__version__ = "0.1.0"

from dyad.countries import Country, CountryError, resolve  # noqa: E402
from dyad.store import Store, open_store  # noqa: E402


def indicator(indicator_id: str):
    """Return the registered indicator named ``indicator_id``."""
    from dyad.indicators import get

    return get(indicator_id)


__all__ = ["Country", "CountryError", "Store", "__version__", "indicator", "open_store", "resolve"]
