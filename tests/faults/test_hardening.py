"""Issue 16: what a first user hit and what an attack found. Each test failed before its fix.

Command-line cases run ``python -m dyad`` in a child process, as a user would: the error must be one line
on stderr (no traceback) and the exit status non-zero.
"""

from __future__ import annotations

import subprocess
import sys
import threading

import pandas as pd
import pytest
from faultlib import ROOT, python_env

from dyad.store import open_store

sys.path.insert(0, str(ROOT / "tests" / "events"))
from helpers import gdelt2_row, write_tab  # noqa: E402


def dyad(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dyad", *args], env=python_env(**env), cwd=str(ROOT),
                          capture_output=True, text=True, timeout=timeout)


def one_line_error(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("Error")]
    assert len(errors) == 1, proc.stderr[-3000:]
    for w in words:
        assert w.lower() in errors[0].lower(), errors[0]
    return errors[0]


# -- events over years: a store with CHN-RUS events on known dates ------------------------------------------
DATES = ["20141231", "20150101", "20150315", "20151231", "20160601", "20170707", "20180101", "20180630",
         "20181231", "20190101"]


@pytest.fixture(scope="module")
def events_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("events")
    rows = [gdelt2_row(1000 + i, d, "CHN", "RUS", "042", 1.9) for i, d in enumerate(DATES)]
    write_tab(folder / "events.CSV", rows)
    path = folder / "store.duckdb"
    with open_store(path) as s:
        s.ingest("gdelt", folder / "events.CSV")
    return path


def test_bare_year_means_the_whole_year(events_store):
    """Item 8: --start 2015 --end 2018 takes 1 Jan 2015 to 31 Dec 2018, whatever today's date."""
    proc = dyad("--store", str(events_store), "events", "CHN", "RUS", "--by", "year", "--start", "2015",
                "--end", "2018", "--indicator", "ev_verbal_coop", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    import io

    got = pd.read_csv(io.StringIO(proc.stdout)).set_index("period")["value"]
    years = pd.Series([int(d[:4]) for d in DATES])
    expected = years[(years >= 2015) & (years <= 2018)].value_counts().sort_index()
    assert got.to_dict() == {int(k): float(v) for k, v in expected.items()}


def test_month_bounds_and_date_bound():
    from dyad.cli.common import date_bound

    assert date_bound("2016-02", end=True) == "2016-02-29"
    assert date_bound("2015", end=True) == "2015-12-31" and date_bound("2015") == "2015-01-01"
    assert date_bound("2015-06-30", end=True) == "2015-06-30"
    for bad in ["2015-13-45", "2015-02-30", "15", "May 2015", "2015-1-1-1", ""]:
        with pytest.raises(ValueError, match="YYYY"):
            date_bound(bad)


@pytest.mark.parametrize("value", ["2015-13-45", "2015-02-30", "yesterday"])
def test_malformed_date_is_one_line(events_store, value):
    """Item 7: a malformed --start is a usage error naming the forms, not a traceback."""
    proc = dyad("--store", str(events_store), "events", "CHN", "RUS", "--start", value)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "YYYY-MM-DD" in proc.stderr and value in proc.stderr


def test_events_on_a_store_without_events(tmp_path):
    """Item 7: `dyad events` on a store with no events table: no rows, no NullColumn traceback."""
    path = tmp_path / "store.duckdb"
    open_store(path).close()
    proc = dyad("--store", str(path), "events", "CHN", "RUS")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "(no rows)" in proc.stdout


# -- item 10: store opening and locking ---------------------------------------------------------------------
@pytest.mark.parametrize("command", [["sources"], ["quarantine"], ["sources", "--runs"]])
def test_read_commands_do_not_create_a_store(tmp_path, command):
    path = tmp_path / "mistyped.duckdb"
    proc = dyad("--store", str(path), *command)
    one_line_error(proc, "no store at", str(path))
    assert not path.exists()


def test_lock_message_names_another_process():
    from dyad.store import _open_error, _write_error

    msg = ('IO Error: Could not set lock on file "/x/s.duckdb": Conflicting lock is held in python (PID 7). '
           "However, you would be able to open this database in read-only mode")
    for err in (_open_error(None, RuntimeError(msg), False), _write_error(None, RuntimeError(msg))):
        assert "another process" in str(err).lower() and "not writable" not in str(err)


def test_reopening_in_process_keeps_a_live_ingest(tmp_path):
    """Item 10: opening the store again (four times) while an ingest runs in this process must not mark
    the live run interrupted, and the ingest commits."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_tab(folder / "a.CSV", [gdelt2_row(1, "20150101", "CHN", "RUS", "042", 1.9)])
    path = tmp_path / "store.duckdb"
    main = open_store(path)
    started, proceed = threading.Event(), threading.Event()
    import dyad.store as st

    real = st._pause_for_tests

    def pause(point):
        started.set()
        proceed.wait(30)
        real(point)

    st._pause_for_tests = pause
    out = {}

    def run():
        try:
            out["result"] = main.ingest("gdelt", folder / "a.CSV")
        except BaseException as exc:  # pragma: no cover - reported below
            out["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert started.wait(60)
        statuses = []
        for _ in range(4):
            other = open_store(path)
            statuses.append(other.sql("SELECT status FROM provenance ORDER BY ingest_id")["status"].tolist())
            other.close()
    finally:
        proceed.set()
        worker.join(60)
        st._pause_for_tests = real
    assert "error" not in out, out.get("error")
    assert all(s == ["running"] for s in statuses), statuses
    assert main.provenance()["status"].tolist() == ["ok"]
    main.close()
