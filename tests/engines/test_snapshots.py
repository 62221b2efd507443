"""Parquet snapshots for Spark, without starting Spark: written once per data state, read back equal."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from dyad import engine
from dyad.store import open_store

VOTES = "rcid,country,country_code,vote\n"


def test_snapshot_is_cached_per_state_and_replaced_after_ingest(tmp_path, monkeypatch):
    monkeypatch.setenv("DYAD_ENGINE_CACHE", str(tmp_path / "cache"))
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(VOTES + "1,China,CN,yes\n1,Russia,RU,no\n")
    second.write_text(VOTES + "2,China,CN,abstain\n")
    with open_store(tmp_path / "s.duckdb") as s:
        s.ingest("unvotes", first)
        snap = engine.export_parquet(s, "votes")
        stamp = snap.stat().st_mtime_ns
        assert engine.export_parquet(s, "votes") == snap and snap.stat().st_mtime_ns == stamp
        rows = pq.read_table(snap).to_pandas().sort_values("country")
        assert rows[["rcid", "country", "vote"]].values.tolist() == [[1, "CHN", "yes"], [1, "RUS", "no"]]
        s.ingest("unvotes", second)
        newer = engine.export_parquet(s, "votes")
        assert newer != snap and not snap.exists()
        assert pq.read_table(newer).num_rows == 3


def test_snapshot_of_a_missing_table_has_the_canonical_types(tmp_path, monkeypatch):
    monkeypatch.setenv("DYAD_ENGINE_CACHE", str(tmp_path / "cache"))
    with open_store(tmp_path / "s.duckdb") as s:
        schema = pq.read_schema(engine.export_parquet(s, "rollcalls"))
    assert {n: str(schema.field(n).type) for n in ("rcid", "date", "important")} == \
        {"rcid": "int64", "date": "date32[day]", "important": "bool"}


def test_failed_ingest_keeps_the_snapshot(tmp_path, monkeypatch):
    monkeypatch.setenv("DYAD_ENGINE_CACHE", str(tmp_path / "cache"))
    good, bad = tmp_path / "a.csv", tmp_path / "b.csv"
    good.write_text(VOTES + "1,China,CN,yes\n")
    bad.write_text("")
    with open_store(tmp_path / "s.duckdb") as s:
        s.ingest("unvotes", good)
        snap = engine.export_parquet(s, "votes")
        with pytest.raises(Exception, match="empty"):
            s.ingest("unvotes", bad)
        assert engine.export_parquet(s, "votes") == snap


def test_spark_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("DYAD_SPARK_CONF", "spark.sql.shuffle.partitions=200; spark.executor.memory=8g")
    conf = engine._spark_conf()
    assert conf["spark.sql.shuffle.partitions"] == "200" and conf["spark.executor.memory"] == "8g"
    assert conf["spark.sql.session.timeZone"] == "UTC"
    monkeypatch.setenv("DYAD_SPARK_CONF", "spark.executor.memory")
    with pytest.raises(engine.EngineError, match="not key=value"):
        engine._spark_conf()


def test_engine_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DYAD_ENGINE", "spark")
    with open_store(tmp_path / "s.duckdb") as s:
        assert s.engine == "spark"
    monkeypatch.delenv("DYAD_ENGINE")
    with open_store(tmp_path / "s.duckdb") as s:
        assert s.engine == "duckdb"
