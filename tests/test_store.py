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
    assert prov["status"].tolist() == ["ok", "ok"]
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
