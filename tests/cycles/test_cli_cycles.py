"""dyad calendar / eventstudy / sync driven as a user would."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from dyad.cli import cli


def run(tmp_path, *args, code=0):
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "absent.duckdb"), *args])
    assert result.exit_code == code, result.output
    return result.stdout if code == 0 else result.output      # notes go to stderr


def test_calendar_command(tmp_path):
    rows = json.loads(run(tmp_path, "calendar", "RUS", "--kind", "presidential_election", "--format", "json"))
    assert [r["date"] for r in rows][-3:] == ["2012-03-04", "2018-03-18", "2024-03-17"]
    assert all(r["source"] for r in rows)
    out = run(tmp_path, "calendar", "Russia", "--kind", "duma_election", "--scheduled", "--start", "2016-01-01")
    assert "2016-09-18" in out and "2026-09-20" in out and "scheduled" in out
    assert "no RUS entries of kind coronation" in run(tmp_path, "calendar", "RUS", "--kind", "coronation", code=2)


def _series_file(tmp_path):
    rng = np.random.default_rng(9)
    years = np.arange(1985, 2024)
    values = rng.normal(size=len(years))
    path = tmp_path / "s.csv"
    path.write_text("period,value\n" + "".join(f"{y},{float(v)!r}\n" for y, v in zip(years, values, strict=True)))
    return path, dict(zip(years.tolist(), values, strict=True))


def test_eventstudy_from_a_series_file_as_json(tmp_path):
    path, y = _series_file(tmp_path)
    rows = json.loads(run(tmp_path, "eventstudy", "--series", str(path), "--event", "RUS:presidential_election",
                          "--window", "1", "--reps", "199", "--format", "json"))
    assert [r["offset"] for r in rows] == [-1, 0, 1, None]
    assert all({"estimate", "ci_low", "ci_high", "p_value", "n"} <= set(r) for r in rows)
    # election years inside the series with a one-year baseline: 1996 2000 2004 2008 2012 2018 (the RSFSR
    # election of June 1991 predates the Russian state and is left out)
    years = [1996, 2000, 2004, 2008, 2012, 2018]
    assert rows[1]["estimate"] == pytest.approx(np.mean([y[e] - y[e - 1] for e in years]))
    assert rows[1]["n"] == 6 and 0 < rows[1]["p_value"] <= 1
    table = run(tmp_path, "eventstudy", "--series", str(path), "--event", "CHN:party_congress", "--window", "2",
                "--reps", "99", "--plot", str(tmp_path / "chart.html"))
    assert "periods: years" in table and (tmp_path / "chart.html").stat().st_size > 1000


def test_eventstudy_usage_errors(tmp_path):
    path, _ = _series_file(tmp_path)
    out = run(tmp_path, "eventstudy", "CHN", "RUS", "--series", str(path), "--event", "RUS:presidential_election",
              code=2)
    assert "either --series FILE or A B --indicator" in out
    result = CliRunner().invoke(cli, ["eventstudy", "--series", str(path), "--event", "RUS"])
    assert isinstance(result.exception, ValueError) and "COUNTRY:kind" in str(result.exception)


def test_sync_command(tmp_path):
    data = json.loads(run(tmp_path, "sync", "CHN", "RUS", "--months", "6", "--format", "json"))
    stats = {(s["statistic"], s["side"]): s for s in data["statistics"]}
    assert 0 < stats[("share_both_near", "")]["estimate"] < stats[("share_near", "RUS")]["estimate"]
    assert "Synchronisation of CHN and RUS" in data["summary"]
    gaps = run(tmp_path, "sync", "CHN", "RUS", "--gaps", "--format", "csv")
    assert "CHN,2018-03-17,2018-03-18,0.0" in gaps
    path, _ = _series_file(tmp_path)
    out = run(tmp_path, "sync", "CHN", "RUS", "--series", str(path))
    assert "synchronised minus other periods" in out and "xcorr_phase" in out
