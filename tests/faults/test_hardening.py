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
    # a material-conflict event every day of the span, so that the extract covers all of it (dyad.coverage
    # reads covered days from the rows); the verbal-cooperation counts below are the ten dated events only
    import datetime as _dt

    day, last = _dt.date(2014, 12, 31), _dt.date(2019, 1, 1)
    k = 0
    while day <= last:
        rows.append(gdelt2_row(5000 + k, day.strftime("%Y%m%d"), "CHN", "RUS", "190", -10.0))
        day += _dt.timedelta(days=1)
        k += 1
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


# -- item 1: GDELT rows with huge fields -----------------------------------------------------------------------
def test_gdelt_huge_sourceurl_is_a_reject_with_reason(tmp_path):
    rows = [gdelt2_row(2000 + i, "20150101", "CHN", "RUS", "042", 1.9) for i in range(6)]
    rows[1][60] = "https://example.org/" + "a" * (900 << 10)        # under the limit: stored whole
    rows[2][60] = "https://example.org/" + "b" * (3 << 20)          # over: a reject
    rows[4][1] = "20151345"                                          # a bad row after the long one
    write_tab(tmp_path / "g.CSV", rows)
    with open_store(tmp_path / "s.duckdb") as s:
        res = s.ingest("gdelt", tmp_path / "g.CSV")
        assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (6, 4, 2)
        q = s.quarantine(res.ingest_id).set_index("row")["reason"]
        assert list(q.index) == [3, 5]
        assert "bytes long" in q[3] and "DYAD_MAX_LINE" in q[3] and "SQLDATE" in q[5]
        urls = s.sql("SELECT event_id, length(url) AS n FROM events ORDER BY event_id").set_index("event_id")["n"]
        assert urls["2001"] == len(rows[1][60])


@pytest.mark.parametrize("content", [b"x" * (5 << 20), b"\0" * (5 << 20)])
def test_gdelt_one_line_file_counts_its_row(tmp_path, content):
    (tmp_path / "one.CSV").write_bytes(content)
    from dyad.store import IngestRejected

    with open_store(tmp_path / "s.duckdb") as s:
        # its only row is refused: the run is 'rejected' (an error), and the row is counted and quarantined
        with pytest.raises(IngestRejected, match="every one of the 1 rows"):
            s.ingest("gdelt", tmp_path / "one.CSV")
        run = s.provenance().iloc[-1]
        assert (run["status"], run["rows_read"], run["rows_rejected"]) == ("rejected", 1, 1)
        assert s.count("quarantine") == 1


def test_long_lines_scan_matches_python(tmp_path):
    import random

    rng = random.Random(3)
    lines = [b"y" * rng.choice([0, 5, 99, 100, 101, 250]) for _ in range(500)]
    data = b"\n".join(lines)                                   # the last line has no newline
    (tmp_path / "f").write_bytes(data)
    from dyad.sources.gdelt import long_lines

    numbers, starts, lengths = long_lines(tmp_path / "f", 100, chunk=64)
    expected = [(i + 1, len(ln)) for i, ln in enumerate(lines) if len(ln) > 100]
    assert list(zip(numbers.tolist(), lengths.tolist(), strict=True)) == expected
    assert all(data[s:s + n] == lines[k - 1] for k, s, n in zip(numbers, starts, lengths, strict=True))


# -- items 3 and 7: special files and deep folders, as one-line errors on the command line ----------------------
def _nested(root, depth: int):
    root.mkdir()
    here = root
    for _ in range(depth):          # one level at a time: pathlib's mkdir(parents=True) recurses
        here = here / "d"
        here.mkdir()
    return here


def _remove_nested(root, depth: int) -> None:
    """rmtree recurses once per level; remove from the bottom up instead (a 1,200-deep tree in a shared tmp
    would break its cleanup)."""
    import os

    parts = [root] + [None] * depth
    for i in range(1, depth + 1):
        parts[i] = parts[i - 1] / "d"
    for p in reversed(parts[1:]):
        for f in os.listdir(p):
            os.unlink(p / f)
        os.rmdir(p)


def test_deeply_nested_folder_is_one_line(tmp_path):
    root = tmp_path / "deep"
    leaf = _nested(root, 1200)
    try:
        (leaf / "x.CSV").write_text("\t".join(gdelt2_row(1, "20150101", "CHN", "RUS", "042", 1.9)) + "\n")
        proc = dyad("--store", str(tmp_path / "s.duckdb"), "ingest", "gdelt", "--from", str(root))
        one_line_error(proc, "nested more than", "DYAD_MAX_FOLDER_DEPTH")
    finally:
        _remove_nested(root, 1200)


@pytest.mark.parametrize("source", ["sipri", "gdelt", "doc"])
def test_fifo_is_one_line(tmp_path, source):
    import os

    fifo = tmp_path / ("in.txt" if source == "doc" else "in.csv")
    os.mkfifo(fifo)
    args = ["doc", "add", str(fifo)] if source == "doc" else ["ingest", source, "--from", str(fifo)]
    proc = dyad("--store", str(tmp_path / "s.duckdb"), *args, timeout=60)
    one_line_error(proc, "named pipe", "not a regular file")


def test_calendar_from_dev_zero_is_one_line(tmp_path):
    link = tmp_path / "cal.yaml"
    link.symlink_to("/dev/zero")
    proc = dyad("calendar", "RUS", "--calendar", str(link), timeout=60)
    one_line_error(proc, "character device")


# -- item 4 / 7: YAML limits ------------------------------------------------------------------------------------
def laughs(levels: int = 9) -> str:
    text = 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for i in range(1, levels):
        text += f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n"
    return text


@pytest.mark.parametrize("kind", ["laughs", "deep"])
def test_yaml_bombs(tmp_path, kind):
    from dyad import agenda, calendar

    body = laughs() if kind == "laughs" else "x: " + "[" * 100_000 + "]" * 100_000 + "\n"
    cal = tmp_path / "cal.yaml"
    cal.write_text("country: RUS\nentries: []\n" + body)
    with pytest.raises(calendar.CalendarError, match="DYAD_MAX_YAML"):
        calendar.load_file(cal)
    with pytest.raises(agenda.AgendaError, match="DYAD_MAX_YAML"):
        agenda.loads("id: x\n" + body)
    proc = dyad("calendar", "RUS", "--calendar", str(cal), timeout=60)
    one_line_error(proc, "DYAD_MAX_YAML")


def test_yaml_limits_are_overridable(tmp_path, monkeypatch):
    from dyad import safety

    small = laughs(3)      # 9 * 9 * 9 values through 18 aliases
    with pytest.raises(Exception, match="DYAD_MAX_YAML_NODES"):
        monkeypatch.setenv("DYAD_MAX_YAML_NODES", "100")
        safety.load_yaml(small)
    monkeypatch.setenv("DYAD_MAX_YAML_NODES", "10000")
    data = safety.load_yaml(small)
    assert len(data["l2"]) == 9 and data["l2"][0][0] == ["lol"] * 9


def test_zip_bomb_limit_and_override(tmp_path, monkeypatch):
    from hostile import zeros_zip

    path = tmp_path / "bomb.zip"
    path.write_bytes(zeros_zip(8))
    with open_store(tmp_path / "s.duckdb") as s:
        with pytest.raises(Exception, match="DYAD_MAX_ZIP_RATIO"):
            s.ingest("gdelt", path)
        monkeypatch.setenv("DYAD_MAX_ZIP_RATIO", "100000")
        from dyad.store import IngestRejected

        with pytest.raises(IngestRejected):    # allowed now: one long line of zeros, rejected with its reason
            s.ingest("gdelt", path)
        run = s.provenance().iloc[-1]
        assert (run["rows_read"], run["rows_rejected"]) == (1, 1)
        monkeypatch.setenv("DYAD_MAX_UNZIPPED", "1MB")
        with pytest.raises(Exception, match="DYAD_MAX_UNZIPPED"):
            s.ingest("gdelt", path, force=True)


# -- item 11: country input ---------------------------------------------------------------------------------------
def test_country_names_without_punctuation():
    from dyad.countries import resolve

    assert resolve("Peoples Republic of China") == "CHN" == resolve("People's Republic of China")
    assert resolve("cow:710") == "CHN" and resolve("m49:710") == "ZAF" and resolve("iso2:RU") == "RUS"


def test_same_country_twice_and_ambiguous_number(events_store):
    for pair in (("CHN", "CHN"), ("China", "CHN")):
        one_line_error(dyad("--store", str(events_store), "events", *pair), "two different countries")
    err = one_line_error(dyad("--store", str(events_store), "events", "710", "RUS"), "ambiguous")
    assert "cow:710" in err and "m49:710" in err
    proc = dyad("--store", str(events_store), "events", "cow:710", "RUS", "--by", "year", "--format", "csv")
    assert proc.returncode == 0 and "CHN,RUS" in proc.stdout, proc.stderr


# -- item 9: Ctrl-C stops `dyad report --data` --------------------------------------------------------------------
@pytest.mark.parametrize("after", [0.5, 4.0])
def test_ctrl_c_stops_report_with_data(tmp_path, after):
    import time

    from conftest import need_data

    data = need_data()
    out = tmp_path / "r.html"
    proc = subprocess.Popen([sys.executable, "-m", "dyad", "--store", str(tmp_path / "s.duckdb"), "report", "CHN",
                             "RUS", "--data", str(data), "-o", str(out)], env=python_env(), cwd=str(ROOT),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (tmp_path / "s.duckdb").exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)         # the store is open: the command is past its imports and ingesting
    time.sleep(after)
    assert proc.poll() is None, "the report ended before the interrupt; the test needs a longer ingest"
    _stopped_by_ctrl_c(proc, out)


def _stopped_by_ctrl_c(proc: subprocess.Popen, out) -> None:
    """Press Ctrl-C in ``proc`` (a `dyad report` writing ``out``): it ends within 10 s with exit 130 and one
    line, leaving no report and no partial file."""
    import signal
    import time

    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert time.monotonic() - sent < 10, "Ctrl-C took more than 10 s to stop the command"
    assert proc.returncode == 130, err[-3000:]
    assert "Interrupted" in err and "Traceback" not in err, err[-3000:]
    assert not out.exists() and not list(out.parent.glob("*.part"))


@pytest.fixture(scope="module")
def votes_store_file(tmp_path_factory):
    """A store file holding the UN votes (closed again, so a report in another process can open it)."""
    from conftest import need_data

    path = tmp_path_factory.mktemp("ctrlc") / "votes.duckdb"
    with open_store(path) as s:
        s.ingest("unvotes", need_data("unvotes"))
    return path


@pytest.mark.parametrize("phase", ["indicators", "analyses", "charts and page"])
def test_ctrl_c_stops_report_while_it_builds(tmp_path, votes_store_file, phase):
    """Ctrl-C in each phase of the build (no --data: nothing to ingest) stops the command at once, exit 130,
    no report file and no partial file. The build's heartbeat line says which phase is running."""
    import time

    out = tmp_path / "r.html"
    proc = subprocess.Popen([sys.executable, "-m", "dyad", "--store", str(votes_store_file), "report", "CHN", "RUS",
                             "-o", str(out)], env=python_env(DYAD_PROGRESS_EVERY="0.1"), cwd=str(ROOT),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line)
            if f": {phase}: working" in line:
                break
        assert f": {phase}: working" in (seen[-1] if seen else ""), "".join(seen[-20:])
    except BaseException:
        proc.kill()
        raise
    _stopped_by_ctrl_c(proc, out)


# -- item 12: output and discovery --------------------------------------------------------------------------------
def test_tables_fit_the_terminal(monkeypatch):
    import io

    from dyad.output import emit

    frame = pd.DataFrame({"file": ["/very/long/path/" + "x" * 150, "short"], "row": [1, 2],
                          "reason": ["a reason " * 20, "r"], "value": [1.5, None]})
    monkeypatch.setenv("COLUMNS", "80")
    out = io.StringIO()
    emit(frame, "table", out)
    lines = out.getvalue().splitlines()
    assert max(len(ln) for ln in lines) <= 80 and "\u2026" in out.getvalue()
    monkeypatch.delenv("COLUMNS")
    out = io.StringIO()                # not a terminal: whole rows, for files and pipes
    emit(frame, "table", out)
    assert "x" * 150 in out.getvalue()


def test_trade_keeps_units_apart():
    from conftest import need_data
    from dyad.cli.trade import _concat, _trade_frames

    path = need_data("trade", "baci_russia_china_processed_2017_2023.csv")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, open_store(f"{tmp}/s.duckdb") as s:
        s.ingest("baci", path)
        frame = _concat(_trade_frames(s, "CHN", "RUS", "year", "values", None, None, "gdp"))
    units = frame.groupby("indicator")["unit"].unique()
    assert all(len(u) == 1 for u in units)
    assert units["trade_growth"][0] == "percent" and units["trade_total"][0] == "USD"


def test_sources_explains_rows_new_over_rows_read(tmp_path):
    from conftest import need_data

    path = tmp_path / "s.duckdb"
    with open_store(path) as s:
        res = s.ingest("cow-trade", need_data("trade", "cow_trade_CHN_RUS_1870_2014.csv"))
        assert res.rows_new > res.rows_read and "both directions" in res.message
    proc = dyad("--store", str(path), "sources")
    assert proc.returncode == 0 and "both directions" in proc.stderr


def test_official_baci_names_found_anywhere(tmp_path):
    from dyad.report.ingest import plan

    data = tmp_path / "data" / "downloads" / "cepii"
    data.mkdir(parents=True)
    # BACI country codes need not be M49: the table beside the file decides (here 901 and 902)
    (data / "country_codes_V202401b.csv").write_text(
        "country_code,country_name,country_iso2,country_iso3\n901,China,CN,CHN\n902,Russia,RU,RUS\n")
    (data / "product_codes_HS17_V202401b.csv").write_text("code,description\n010121,Horses\n")
    (data / "BACI_HS17_Y2022_V202401b.csv").write_text(
        "t,i,j,k,v,q\n2022,901,902,010121,12.5,1.0\n2022,902,901,010121,3.0,NA\n")
    found = [(e.source, p) for e, p, _ in plan(tmp_path / "data") if p is not None and e.source == "baci"]
    assert [p.name for _, p in found] == ["BACI_HS17_Y2022_V202401b.csv"]
    with open_store(tmp_path / "s.duckdb") as s:
        res = s.ingest("baci", found[0][1])
        assert (res.rows_read, res.rows_loaded) == (2, 2)
        got = s.sql("SELECT exporter, importer, value_usd FROM trade ORDER BY value_usd")
    assert got.values.tolist() == [["RUS", "CHN", 3000.0], ["CHN", "RUS", 12500.0]]


def test_long_ingest_is_not_silent_in_logs(tmp_path):
    """Item 12: a logged run (stderr not a terminal) says it is working while one file is parsed."""
    rows = [gdelt2_row(5000 + i, "20150101", "CHN", "RUS", "042", 1.9) for i in range(20000)]
    write_tab(tmp_path / "g.CSV", rows)
    proc = dyad("--store", str(tmp_path / "s.duckdb"), "ingest", "gdelt", "--from", str(tmp_path / "g.CSV"),
                DYAD_PROGRESS_EVERY="0.05")
    assert proc.returncode == 0, proc.stderr
    beats = [ln for ln in proc.stderr.splitlines() if ln.startswith("dyad: ingest gdelt") and "working" in ln]
    assert beats, proc.stderr
    quiet = dyad("--store", str(tmp_path / "s2.duckdb"), "ingest", "gdelt", "--from", str(tmp_path / "g.CSV"),
                 DYAD_PROGRESS_EVERY="0.05", DYAD_PROGRESS="0")
    assert "working" not in quiet.stderr


# -- item 5 (gdelt part): a zip of many members parses in batches, with per-member counts and lines ---------------
def test_gdelt_zip_batches_match_member_by_member(tmp_path):
    import random
    import string
    import zipfile

    rng = random.Random(5)
    members = {}
    gid = 70000
    for m in range(60):
        rows = []
        for _ in range(1 + m % 4):
            rows.append(gdelt2_row(gid, "20150101", "CHN", "RUS", "042", 1.9))
            gid += 1
        if m % 7 == 3:
            rows[-1][1] = "20151399"                       # a bad date on the member's last line
        if m % 11 == 5:
            rows[0][60] = "https://x.org/" + "".join(rng.choices(string.ascii_letters, k=2 << 20))  # > DYAD_MAX_LINE
        text = "".join("\t".join(r) + "\n" for r in rows)
        if m == 20:
            text = text.rstrip("\n")                        # no final newline
        members[f"d/{m:03d}.export.CSV"] = text
    members["extract.csv"] = ("GLOBALEVENTID,SQLDATE,MonthYear,Year,Actor1CountryCode,Actor2CountryCode,EventCode,"
                              "EventBaseCode,EventRootCode,QuadClass,GoldsteinScale,DATEADDED\n"
                              "99999,20150101,201501,2015,CHN,RUS,042,042,04,1,1.9,20150101\n")
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            z.writestr(name, text)
    got = {}
    for fast in ("true", "false"):         # false: every member on its own through the careful pass
        with open_store(tmp_path / f"{fast}.duckdb") as s:
            res = s.ingest("gdelt", path, fast=fast)
            files = s.sql("SELECT file, rows_read, rows_loaded, rows_rejected FROM provenance_files ORDER BY file")
            quarantine = s.quarantine(res.ingest_id)[["file", "row", "reason"]].sort_values(["file", "row"])
            events = s.sql("SELECT event_id, length(url) AS n FROM events ORDER BY event_id")
            got[fast] = (files.reset_index(drop=True), quarantine.reset_index(drop=True), events, res.rows_read)
    pd.testing.assert_frame_equal(got["true"][0], got["false"][0])
    pd.testing.assert_frame_equal(got["true"][1], got["false"][1])
    pd.testing.assert_frame_equal(got["true"][2], got["false"][2])
    assert got["true"][3] == sum(t.count("\n") + (not t.endswith("\n")) for t in members.values()) - 1
    assert len(got["true"][0]) == 61 and got["true"][1]["row"].max() <= 4


def test_api_answers_503_when_the_store_is_busy(events_store, monkeypatch):
    """Item 10: a DuckDB TransactionException (or a StoreError) in a request is a 503 with a message."""
    import duckdb
    from fastapi.testclient import TestClient

    from dyad.web import create_app
    from dyad.web.service import Service

    def busy(self):
        raise duckdb.TransactionException("TransactionContext Error: Conflict on tuple deletion!")

    app = create_app(events_store)
    monkeypatch.setattr(Service, "store", busy)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/sources", headers={"accept": "application/json"})
    assert r.status_code == 503, r.text
    assert r.json()["error"] == "store_unavailable" and "Conflict" in r.json()["detail"]
