"""The store's ingest transaction: merge by key, provenance, quarantine, failure leaves data unchanged."""

from pathlib import Path

import pandas as pd
import pytest

from dyad import sources
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError, empty_rejects
from dyad.store import StoreError, open_store


def _calendar_reader(path: Path, **_):
    frame = pd.read_csv(path, dtype=str)
    bad = frame["date"].isna()
    rows = frame.loc[~bad].assign(date=lambda f: pd.to_datetime(f["date"]).dt.date, source="test")
    rejects = empty_rejects()
    if bad.any():
        rejects = pd.DataFrame({"file": str(path), "row": frame.index[bad] + 2, "reason": "no date",
                                "raw": frame.loc[bad].fillna("").astype(str).agg(",".join, axis=1)})
    if frame.get("boom") is not None:
        raise SourceError(f"{path}: boom column present")
    return ReadResult({"calendar": rows[["country", "date", "kind", "label", "source"]]},
                      rejects,
                      [FileCount(str(path), len(frame), int((~bad).sum()), int(bad.sum()))])


TEST_ADAPTER = sources.register(SimpleAdapter("test-calendar", "test", ("calendar",), _calendar_reader))


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("country,date,kind,label\n" + "\n".join(rows) + "\n")
    return path


def test_ingest_merges_by_key_and_records_provenance(store, tmp_path):
    first = _write(tmp_path / "a.csv", ["RUS,2018-03-18,election,President", "CHN,,congress,missing date"])
    result = store.ingest("test-calendar", first)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected, result.rows_new) == (2, 1, 1, 1)
    q = store.quarantine()
    assert q["reason"].tolist() == ["no date"] and q["row"].tolist() == [3]
    # Same content again: nothing changes, not even provenance.
    again = store.ingest("test-calendar", first)
    assert again.skipped and len(store.provenance()) == 1
    # Overlapping file: only the new key is added.
    second = _write(tmp_path / "b.csv", ["RUS,2018-03-18,election,President", "CHN,2017-10-18,congress,19th"])
    assert store.ingest("test-calendar", second).rows_new == 1
    assert store.count("calendar") == 2
    prov = store.provenance()
    assert prov["status"].tolist() == ["partial", "ok"]      # the first file had a rejected row
    assert (prov["rows_read"] == prov["rows_loaded"] + prov["rows_rejected"]).all()
    files = store.sql("SELECT * FROM provenance_files")
    assert len(files) == 2 and files["sha256"].str.len().eq(64).all()


def test_failed_ingest_leaves_data_unchanged(store, tmp_path):
    store.ingest("test-calendar", _write(tmp_path / "a.csv", ["RUS,2018-03-18,election,President"]))
    before = store.sql("SELECT * FROM calendar")
    bad = tmp_path / "bad.csv"
    bad.write_text("country,date,kind,label,boom\nCHN,2017-10-18,congress,19th,1\n")
    with pytest.raises(SourceError, match="boom"):
        store.ingest("test-calendar", bad)
    pd.testing.assert_frame_equal(store.sql("SELECT * FROM calendar"), before)
    prov = store.provenance()
    assert prov["status"].tolist() == ["ok", "failed"] and "boom" in prov["message"].iloc[1]
    # the failed run still names its input: sha256 and size of the file (hashed independently here)
    import hashlib

    assert prov["sha256"].iloc[1] == hashlib.sha256(bad.read_bytes()).hexdigest()
    assert prov["size"].iloc[1] == bad.stat().st_size


def test_failure_inside_the_transaction_rolls_back(store, tmp_path, monkeypatch):
    store.ingest("test-calendar", _write(tmp_path / "a.csv", ["RUS,2018-03-18,election,President"]))

    def broken(self, ingest_id, rejects):
        raise StoreError("disk vanished")

    monkeypatch.setattr(type(store), "_quarantine", broken)
    with pytest.raises(StoreError):
        store.ingest("test-calendar", _write(tmp_path / "b.csv", ["CHN,2017-10-18,congress,19th"]))
    assert store.count("calendar") == 1
    assert store.provenance()["status"].tolist() == ["ok", "failed"]


def test_unknown_source_names_close_matches(store, tmp_path):
    with pytest.raises(SourceError, match="Did you mean unvotes"):
        store.ingest("unvote", tmp_path)


def test_read_only_store_refuses_ingest(tmp_path):
    path = tmp_path / "s.duckdb"
    open_store(path).close()
    with open_store(path, read_only=True) as ro:
        with pytest.raises(StoreError, match="read-only"):
            ro.ingest("test-calendar", tmp_path)
    with pytest.raises(StoreError, match="no store"):
        open_store(tmp_path / "absent.duckdb", read_only=True)


class _Staged:
    """An InDatabase table: parses a calendar CSV with DuckDB on the store's connection."""

    def __init__(self, path: Path, seen: dict):
        self.path, self.seen = path, seen

    def stage(self, con, staging):
        self.seen["memory_limit"] = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        self.seen["in_transaction"] = _in_transaction(con)
        con.execute(f"CREATE TEMP TABLE \"{staging}\" AS SELECT country, CAST(date AS DATE) AS date, kind, label, "
                    f"'test' AS source FROM read_csv('{self.path}', all_varchar=true)").fetchall()
        n = con.execute(f'SELECT count(*) FROM "{staging}"').fetchone()[0]
        return [FileCount(str(self.path), n, n, 0)], empty_rejects()


def _in_transaction(con) -> bool:
    try:
        con.execute("BEGIN TRANSACTION").fetchall()
    except Exception:       # noqa: BLE001 - DuckDB says a transaction is already active
        return True
    con.execute("ROLLBACK").fetchall()
    return False


SEEN: dict = {}
sources.register(SimpleAdapter("test-staged", "test", ("calendar",),
                               lambda path, **_: ReadResult({"calendar": _Staged(path, SEEN)}, empty_rejects(), [])))


def test_in_database_rows_are_staged_outside_the_transaction_under_a_memory_cap(store, tmp_path, monkeypatch):
    monkeypatch.delenv("DYAD_MEMORY_LIMIT", raising=False)
    monkeypatch.setenv("DYAD_INGEST_MEMORY_LIMIT", "123MB")
    before = store.sql("SELECT current_setting('memory_limit') AS m")["m"][0]
    path = _write(tmp_path / "a.csv", ["RUS,2018-03-18,election,President", "CHN,2017-10-18,congress,19th",
                                       "RUS,2018-03-18,election,President"])
    result = store.ingest("test-staged", path)
    # counts come from the staging; the repeated key is loaded once
    assert (result.rows_read, result.rows_loaded, result.rows_new) == (3, 3, 2)
    assert SEEN["memory_limit"].replace(" ", "") in {"117.3MiB", "123.0MB", "123MB"}
    assert SEEN["in_transaction"] is False
    assert store.sql("SELECT current_setting('memory_limit') AS m")["m"][0] == before
    assert not store.sql("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '_staging%'").size


def test_merge_keeps_one_row_per_key_and_never_overwrites(store, tmp_path):
    # keys: stored (RUS 2018-03-18), repeated within the file (CHN 2017-10-18 twice), new once (CHN 2022-10-16)
    store.ingest("test-calendar", _write(tmp_path / "a.csv", ["RUS,2018-03-18,election,stored label"]))
    rows = ["RUS,2018-03-18,election,other label", "CHN,2017-10-18,congress,19th", "CHN,2017-10-18,congress,19th bis",
            "CHN,2022-10-16,congress,20th"]
    result = store.ingest("test-calendar", _write(tmp_path / "b.csv", rows))
    got = store.sql("SELECT country, CAST(date AS VARCHAR) AS date, kind, label FROM calendar ORDER BY date")
    # independent expectation: per key, the stored row wins; otherwise one of the file's rows
    frame = pd.DataFrame([r.split(",") for r in rows], columns=["country", "date", "kind", "label"])
    keys = frame.drop_duplicates(["country", "date", "kind"])
    assert result.rows_new == len(keys) - 1 == 2
    assert got.loc[got["country"] == "RUS", "label"].tolist() == ["stored label"]
    assert got.loc[got["date"] == "2017-10-18", "label"].iloc[0] in {"19th", "19th bis"}
    assert len(got) == 3 and not got.duplicated(["country", "date", "kind"]).any()
