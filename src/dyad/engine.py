"""The one engine boundary: only this module imports duckdb (and, for ``spark``, pyspark).

Measures are Ibis expressions; they run on whatever backend :func:`connect` returns.
Engine quirks live in :data:`OVERRIDES`, one table per backend, never in scattered branches.
"""

from __future__ import annotations

import os
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


ENV_MEMORY = "DYAD_MEMORY_LIMIT"


def raw_connect(path: str | Path | None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a raw DuckDB connection (the store's transactional side).

    ``$DYAD_MEMORY_LIMIT`` (e.g. ``1GB``) caps DuckDB's memory; beyond it DuckDB spills to disk. Unset,
    DuckDB may use most of the machine's memory for a big ingest.
    """
    target = ":memory:" if path is None else str(path)
    config = {"memory_limit": os.environ[ENV_MEMORY]} if os.environ.get(ENV_MEMORY) else {}
    return duckdb.connect(target, read_only=read_only, config=config)


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
