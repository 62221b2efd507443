"""Deleting an ingest run (`dyad unload`, Store.delete_run): issue 16 item 12.

The oracle for "what is left" is a second store that ingested only the runs that remain: deleting run A
after loading A and B must leave exactly what loading B alone gives, row for row.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import need_data
from dyad.cli import cli
from dyad.store import StoreError, open_store

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ("events", "gdelt", "gdelt2_20191024143000.export.CSV")


def _lines(n_from: int, n_to: int) -> list[str]:
    with open(need_data(*EXPORT), encoding="utf-8", errors="replace") as fh:
        return fh.readlines()[n_from:n_to]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _events(store) -> set[str]:
    return {r[0] for r in store.con.execute("SELECT event_id FROM events").fetchall()}


def _ids_in(lines: list[str]) -> set[str]:
    """GDELT 2.0 export: the first tab-separated field is the event id (independent of the adapter)."""
    return {line.split("\t", 1)[0] for line in lines if line.strip()}


@pytest.fixture
def files(tmp_path):
    a = _write(tmp_path / "a.export.CSV", _lines(0, 60))
    c = _write(tmp_path / "c.export.CSV", _lines(40, 100))          # rows 40..59 are in both
    b = _write(tmp_path / "b.export.CSV", _lines(200, 260))         # no row in common with a or c
    return a, b, c


def test_unload_leaves_what_the_other_run_alone_gives(tmp_path, files):
    a, b, _ = files
    with open_store(tmp_path / "two.duckdb") as s:
        ra = s.ingest("gdelt", a)
        rb = s.ingest("gdelt", b)
        before = s.version
        assert _events(s) == _ids_in(_lines(0, 60)) | _ids_in(_lines(200, 260))
        gone = s.delete_run(ra.ingest_id)
        assert gone.rows["events"] == len(_ids_in(_lines(0, 60)))
        assert gone.affected == []                          # b shares no row with a
        assert s.version == before + 1                      # cached results keyed by the old version are stale
        left = _events(s)
        cov = s.sql("SELECT DISTINCT ingest_id FROM coverage")["ingest_id"].tolist()
        prov = s.sql("SELECT ingest_id, status FROM provenance ORDER BY ingest_id")
        from dyad.report import data as rd

        files, _ = rd.provenance_files(s)                   # the report's list of files behind its figures
        assert len(files) == 1 and files["ingest_id"].tolist() == [rb.ingest_id]
        summary = s.sources_summary().iloc[0]
        assert (summary["ingests"], summary["deleted_runs"], summary["failed_runs"]) == (1, 1, 0)
    with open_store(tmp_path / "one.duckdb") as s1:
        s1.ingest("gdelt", b)
        assert left == _events(s1) == _ids_in(_lines(200, 260))
    assert cov == [rb.ingest_id]
    assert prov["status"].tolist() == ["deleted", "ok"]


def test_unload_a_run_that_shadowed_a_later_one_names_it_and_reload_restores(tmp_path, files):
    a, _, c = files
    with open_store(tmp_path / "s.duckdb") as s:
        ra = s.ingest("gdelt", a)
        rc = s.ingest("gdelt", c)
        present = s.sql("SELECT rows_present FROM provenance WHERE ingest_id = ?", [rc.ingest_id]).iloc[0, 0]
        assert present == len(_ids_in(_lines(40, 60)))     # keys c brought that a had stored
        gone = s.delete_run(ra.ingest_id)
        assert [r["ingest_id"] for r in gone.affected] == [rc.ingest_id]
        # the shared rows went with a: c's own file has them, the store no longer does
        assert _events(s) == _ids_in(_lines(60, 100))
        [(run, result, what)] = s.reload_runs(gone.affected)
        assert result is not None and result.rows_new == len(_ids_in(_lines(40, 60))), what
        assert _events(s) == _ids_in(_lines(40, 100))


def test_unload_removes_the_runs_quarantine_and_the_file_can_come_back(tmp_path, files):
    a, b, _ = files
    lines = _lines(0, 60)
    lines[5] = "not\ta\tgdelt\trow\n"
    bad = _write(tmp_path / "bad.export.CSV", lines)
    with open_store(tmp_path / "s.duckdb") as s:
        r = s.ingest("gdelt", bad)
        s.ingest("gdelt", b)
        assert r.rows_rejected == 1 and len(s.quarantine(r.ingest_id)) == 1
        n_quarantine = len(s.quarantine())
        gone = s.delete_run(r.ingest_id)
        assert gone.quarantined == 1 and len(s.quarantine()) == n_quarantine - 1
        again = s.ingest("gdelt", bad)                          # a deleted run is not "already ingested"
        assert not again.skipped and again.rows_new == gone.rows["events"]
        runs = s.sql("SELECT rows_read, rows_loaded, rows_rejected FROM provenance WHERE ingest_id = ?",
                     [again.ingest_id]).iloc[0]
        assert runs["rows_read"] == runs["rows_loaded"] + runs["rows_rejected"] == 60


def test_unload_errors_are_one_line(tmp_path, files):
    a, _, _ = files
    with open_store(tmp_path / "s.duckdb") as s:
        r = s.ingest("gdelt", a)
        with pytest.raises(StoreError, match="no ingest run 99"):
            s.delete_run(99)
        s.delete_run(r.ingest_id)
        with pytest.raises(StoreError, match="already deleted"):
            s.delete_run(r.ingest_id)


def test_rows_of_an_old_store_without_run_ids_are_not_guessed(tmp_path, files):
    a, b, _ = files
    path = tmp_path / "old.duckdb"
    with open_store(path) as s:
        r = s.ingest("gdelt", a)
        s.ingest("gdelt", b)
        s.con.execute("ALTER TABLE events DROP COLUMN ingest_id")     # as a store written before the column
    with open_store(path) as s:                                        # reopened: the column comes back, NULL
        n = s.count("events")
        with pytest.raises(StoreError, match="cannot be told"):
            s.delete_run(r.ingest_id)
        assert s.count("events") == n
        assert s.sql("SELECT count(*) AS k FROM events WHERE ingest_id IS NULL")["k"][0] == n


def test_cli_unload_dry_run_changes_nothing_then_deletes(tmp_path, files):
    a, b, _ = files
    path = tmp_path / "s.duckdb"
    with open_store(path) as s:
        ra = s.ingest("gdelt", a)
        s.ingest("gdelt", b)
        n = s.count("events")
    runner = CliRunner()
    res = runner.invoke(cli, ["--store", str(path), "unload", str(ra.ingest_id), "--dry-run"])
    assert res.exit_code == 0, res.output
    assert f"would remove {len(_ids_in(_lines(0, 60)))} events" in res.stdout
    with open_store(path, read_only=True) as s:
        assert s.count("events") == n
    res = runner.invoke(cli, ["--store", str(path), "unload", str(ra.ingest_id), "--yes"])
    assert res.exit_code == 0 and "removed" in res.stdout, res.output
    res = runner.invoke(cli, ["--store", str(path), "unload", "42"])
    assert res.exit_code == 1 and "no ingest run 42" in res.output and "Traceback" not in res.output
    with open_store(path, read_only=True) as s:
        assert s.count("events") == len(_ids_in(_lines(200, 260)))


def test_kill_during_unload_keeps_every_row(tmp_path, files):
    """kill -9 between the deletes and the commit: the store is as it was (one transaction)."""
    a, b, _ = files
    path = tmp_path / "s.duckdb"
    with open_store(path) as s:
        ra = s.ingest("gdelt", a)
        s.ingest("gdelt", b)
        n, q = s.count("events"), len(s.quarantine())
    env = {**os.environ, "DYAD_TEST_PAUSE": "after_unload_delete", "DYAD_TEST_PAUSE_SECONDS": "60",
           "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "dyad", "--store", str(path), "unload", str(ra.ingest_id),
                             "--yes"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        line = ""
        while "DYAD_PAUSED" not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
        assert "DYAD_PAUSED after_unload_delete" in line, f"never paused: {line!r}"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    with open_store(path) as s:
        assert s.count("events") == n and len(s.quarantine()) == q
        assert s.sql("SELECT status FROM provenance WHERE ingest_id = ?", [ra.ingest_id])["status"][0] == "ok"
