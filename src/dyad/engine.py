"""The one engine boundary: only this module imports duckdb (and, for ``spark``, pyspark).

Measures are Ibis expressions; they run on whatever backend :func:`connect` returns.
Engine quirks live in :data:`OVERRIDES`, one table per backend, never in scattered branches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import ibis

# What each backend supports; code asks here instead of testing the backend's name.
OVERRIDES: dict[str, dict[str, Any]] = {
    "duckdb": {"transactions": True, "fts": True},
    "spark": {"transactions": False, "fts": False},
}

ENGINES = tuple(OVERRIDES)


def raw_connect(path: str | Path | None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a raw DuckDB connection (the store's transactional side)."""
    target = ":memory:" if path is None else str(path)
    return duckdb.connect(target, read_only=read_only)


def wrap(raw: duckdb.DuckDBPyConnection):
    """An Ibis backend over an existing DuckDB connection (shares its transaction state)."""
    return ibis.duckdb.from_connection(raw)


def scratch() -> duckdb.DuckDBPyConnection:
    """A throwaway in-memory DuckDB connection, for parsing files fast in source adapters."""
    return duckdb.connect(":memory:")


def memtable(frame):
    """An engine-neutral in-memory table."""
    return ibis.memtable(frame)


def supports(engine: str, feature: str) -> bool:
    return bool(OVERRIDES.get(engine, {}).get(feature, False))


def duckdb_error_types() -> tuple[type[BaseException], ...]:
    """Exception classes the DuckDB driver raises, for callers that translate them into clear errors."""
    return (duckdb.Error,)
