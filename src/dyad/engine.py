"""The one engine boundary: only this module imports duckdb (and, for ``spark``, pyspark).

Measures are Ibis expressions; they run on whatever backend the store's engine gives them through
:func:`table` (``Store.table`` calls it). DuckDB reads the store file directly. Spark reads Parquet
snapshots of the canonical tables that DuckDB writes, cached by table and by the store's provenance
state, so a snapshot is rewritten only after an ingest changed the data.

Engine quirks live in :data:`OVERRIDES`, one entry per backend, never in scattered branches.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import duckdb
import ibis

ENV_ENGINE = "DYAD_ENGINE"
ENV_CACHE = "DYAD_ENGINE_CACHE"          # where Parquet snapshots for Spark are written
ENV_SPARK_MASTER = "DYAD_SPARK_MASTER"   # e.g. spark://host:7077, yarn, local[8]
ENV_SPARK_CONF = "DYAD_SPARK_CONF"       # extra Spark settings: "key=value;key=value"

# What each backend supports and how it is set up; code asks here instead of testing the backend's name.
OVERRIDES: dict[str, dict[str, Any]] = {
    "duckdb": {"transactions": True, "fts": True, "reads": "store"},
    "spark": {
        "transactions": False, "fts": False,
        # Spark cannot open a DuckDB file: it reads Parquet snapshots of the canonical tables.
        "reads": "parquet",
        "master": "local[2]",
        # A local session binds to loopback (no warning about the host name resolving to 127.0.0.1).
        "local_ip": "127.0.0.1",
        "conf": {
            # Small local jobs: two shuffle partitions instead of Spark's 200 (adaptive execution
            # still coalesces on a cluster, where DYAD_SPARK_CONF can raise it).
            "spark.sql.shuffle.partitions": "2",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            # Dates are calendar dates; never shift them by the driver's time zone.
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.execution.arrow.pyspark.enabled": "true",
            "spark.driver.memory": "2g",
        },
    },
}

ENGINES = tuple(OVERRIDES)


ENV_MEMORY = "DYAD_MEMORY_LIMIT"


class EngineError(RuntimeError):
    """An engine cannot be started or used; the message says what to install or set."""


def raw_connect(path: str | Path | None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a raw DuckDB connection (the store's transactional side).

    ``$DYAD_MEMORY_LIMIT`` (e.g. ``1GB``) caps DuckDB's memory; beyond it DuckDB spills to disk. Unset,
    DuckDB may use most of the machine's memory for a big ingest.
    """
    target = ":memory:" if path is None else str(path)
    config = {"memory_limit": os.environ[ENV_MEMORY]} if os.environ.get(ENV_MEMORY) else {}
    con = duckdb.connect(target, read_only=read_only, config=config)
    # dyad draws its own progress bars (quiet when not on a terminal); DuckDB's would mix into command output.
    con.execute("SET enable_progress_bar = false").fetchall()
    return con


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


def check_engine(name: str | None) -> str:
    """The engine to use: ``name``, else ``$DYAD_ENGINE``, else duckdb; unknown names are an error."""
    name = name or os.environ.get(ENV_ENGINE) or "duckdb"
    if name not in OVERRIDES:
        raise EngineError(f"unknown engine {name!r}; use one of {', '.join(ENGINES)} (--engine or {ENV_ENGINE})")
    return name


# ------------------------------------------------------------------------------ table seam


def table(store, name: str, engine_name: str):
    """The canonical table ``name`` of ``store`` as an Ibis table on the engine ``engine_name``."""
    engine_name = check_engine(engine_name)
    if OVERRIDES[engine_name]["reads"] == "store":
        return store.ibis.table(name)
    return _spark_table(store, name)


def measure_backend(store, engine_name: str):
    """An Ibis backend holding every canonical table of ``store`` under its own name.

    For DuckDB that is the store's own connection; for Spark, a SparkSession with each table
    registered as a temporary view over its Parquet snapshot (the last store asked for wins).
    """
    from dyad import schema

    engine_name = check_engine(engine_name)
    if OVERRIDES[engine_name]["reads"] == "store":
        return store.ibis
    backend = spark_backend()
    for name in schema.TABLES:
        view = _spark_table(store, name).get_name()
        backend._session.table(view).createOrReplaceTempView(name)
    return backend


# --------------------------------------------------------------------------- Parquet snapshots


def cache_root() -> Path:
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE])
    import platformdirs

    return Path(platformdirs.user_cache_dir("dyad")) / "parquet"


def _store_id(store) -> str:
    where = f"memory:{id(store)}:{os.getpid()}" if store.path is None else str(Path(store.path).resolve())
    return hashlib.sha256(where.encode()).hexdigest()[:16]


def data_state(store, name: str) -> str:
    """A stamp that changes whenever the table's content can have changed.

    Data tables change only through ingests, each of which commits a provenance row with status ok;
    the row count guards against anything written outside ``Store.ingest``.
    """
    stamp = [name, str(store.count(name))]
    if store.has_table("provenance"):
        rows = store.con.execute(
            "SELECT ingest_id, finished FROM provenance WHERE status IN ('ok', 'partial') ORDER BY ingest_id").fetchall()
        stamp.extend(f"{i}@{f}" for i, f in rows)
    return hashlib.sha256("|".join(stamp).encode()).hexdigest()[:16]


def _select_sql(store, name: str) -> str:
    from dyad import schema

    if store.has_table(name):
        return f'SELECT * FROM "{name}"'
    # An empty table with the canonical column types (a read-only store may lack the table).
    cols = ", ".join(f'CAST(NULL AS {t}) AS "{c}"' for c, t in schema.TABLES[name].columns)
    return f"SELECT {cols} WHERE false"


def export_parquet(store, name: str, root: Path | None = None) -> Path:
    """Write (or reuse) the Parquet snapshot of one canonical table; older snapshots are removed."""
    folder = (root or cache_root()) / _store_id(store)
    target = folder / f"{name}-{data_state(store, name)}.parquet"
    if target.exists():
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EngineError(f"cannot create the Parquet cache {folder}: {exc}. Set {ENV_CACHE} to a writable "
                          "folder (on a cluster: one every executor can read).") from exc
    tmp = folder / f".{target.name}.{os.getpid()}.tmp"
    try:
        store.con.execute(f"COPY ({_select_sql(store, name)}) TO '{tmp}' (FORMAT parquet)").fetchall()
        os.replace(tmp, target)       # readers never see a half-written snapshot
    except (duckdb.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise EngineError(f"cannot write the Parquet snapshot {target}: {exc}. Free space or set "
                          f"{ENV_CACHE} to another folder.") from exc
    for old in folder.glob(f"{name}-*.parquet"):
        if old != target:
            shutil.rmtree(old) if old.is_dir() else old.unlink(missing_ok=True)
    return target


# -------------------------------------------------------------------------------------- Spark

_spark_lock = threading.Lock()
_spark: dict[str, Any] = {}


def _spark_conf() -> dict[str, str]:
    conf = dict(OVERRIDES["spark"]["conf"])
    for item in filter(None, (os.environ.get(ENV_SPARK_CONF) or "").split(";")):
        key, sep, value = item.partition("=")
        if not sep:
            raise EngineError(f"{ENV_SPARK_CONF}: {item!r} is not key=value; separate settings with ';'")
        conf[key.strip()] = value.strip()
    return conf


def spark_session():
    """The process's SparkSession (created once): local[2] unless ``$DYAD_SPARK_MASTER`` says otherwise."""
    with _spark_lock:
        if "session" in _spark:
            return _spark["session"]
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise EngineError("the spark engine needs PySpark: pip install 'dyad[spark]' (and Java 17)") from exc
        if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
            raise EngineError("the spark engine needs Java 17: install a JRE (e.g. apt-get install "
                              "openjdk-17-jre-headless) or set JAVA_HOME")
        master = os.environ.get(ENV_SPARK_MASTER) or OVERRIDES["spark"]["master"]
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", OVERRIDES["spark"]["local_ip"])
        builder = SparkSession.builder.appName("dyad").master(master)
        for key, value in _spark_conf().items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        _spark["session"] = session
        return session


def spark_backend():
    """The Ibis PySpark backend over :func:`spark_session`."""
    session = spark_session()
    with _spark_lock:
        if "backend" not in _spark:
            _spark["backend"] = ibis.pyspark.connect(session)
        return _spark["backend"]


def stop_spark() -> None:
    """Stop the SparkSession (tests and long-lived processes that are done with Spark)."""
    with _spark_lock:
        session = _spark.pop("session", None)
        _spark.clear()
    if session is not None:
        session.stop()


def _spark_table(store, name: str):
    backend = spark_backend()
    path = export_parquet(store, name)
    # One view per store and snapshot, so two stores in one session never see each other's rows.
    view = f"{name}_{_store_id(store)}_{path.stem.rsplit('-', 1)[1]}"
    views = _spark.setdefault("views", set())
    if view not in views:
        backend.read_parquet(str(path), table_name=view)
        views.add(view)
    return backend.table(view)
