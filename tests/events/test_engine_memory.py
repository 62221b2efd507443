"""Foundation change made for the event ingest: DYAD_MEMORY_LIMIT caps the store's DuckDB memory."""

from __future__ import annotations


def test_memory_limit_from_environment(tmp_path, monkeypatch):
    from dyad.store import open_store

    monkeypatch.setenv("DYAD_MEMORY_LIMIT", "300MB")
    with open_store(tmp_path / "a.duckdb") as s:
        limit = s.sql("SELECT current_setting('memory_limit') AS m")["m"][0]
    assert limit.replace(" ", "").upper() in {"286.1MIB", "300.0MB", "300MB"}, limit
    monkeypatch.delenv("DYAD_MEMORY_LIMIT")
    with open_store(tmp_path / "b.duckdb") as s:
        default = s.sql("SELECT current_setting('memory_limit') AS m")["m"][0]
    assert default != limit
