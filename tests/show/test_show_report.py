"""The HTML report on the UN votes data: contents, offline-ness, guards, chart export, CLI."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import unescape

import pandas as pd
import pytest
from click.testing import CliRunner

from dyad.indicators import Indicator, all_indicators
from dyad.report import build_report, optional
from dyad.report.data import compute_indicator, period_date
from dyad.store import open_store

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report_file(built_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    charts = out.parent / "charts"
    with open_store(built_store, read_only=True) as store:
        report = build_report(store, "CHN", "RUS", out, charts_dir=charts, progress_enabled=False)
    return out, charts, report


def _specs(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="chart-specs">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def test_report_is_self_contained(report_file):
    html = report_file[0].read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in unescape(csp) and "http" not in csp
    # nothing is loaded from anywhere: no src/href attribute points at a network address
    assert not re.search(r'\b(src|href)\s*=\s*["\']?(https?:)?//', html)
    assert "vegaEmbed" in html and len(html) > 500_000   # the Vega bundle is inlined


def test_every_indicator_has_a_chart_or_a_note(report_file):
    html = report_file[0].read_text(encoding="utf-8")
    specs = _specs(html)
    charted = {re.search(r'id="(chart-\d+)" data-chart="([^"]+)"', m.group(0)).group(2)
               for m in re.finditer(r'<figure class="chart" id="chart-\d+" data-chart="[^"]+"', html)}
    for ind in all_indicators():
        assert ind.id in charted or f"<code>{ind.id}</code>): skipped" in html or f'data-zero="{ind.id}"' in html
    assert len(specs) == len(charted)
    assert {"un_agreement", "un_kappa"} <= charted


def test_chart_values_match_raw_votes(report_file, raw_agreement):
    html = report_file[0].read_text(encoding="utf-8")
    m = re.search(r'id="(chart-\d+)" data-chart="un_agreement"', html)
    spec = _specs(html)[m.group(1)]
    values = spec["datasets"]["rows"]                 # the chart reads percent of joint roll calls
    by_year = {int(r["period"]): (r["value"], r["n"]) for r in values}
    for year in (1975, 1991, 2003, 2015):
        share, n = raw_agreement[year]
        assert by_year[year][0] == pytest.approx(100 * share, rel=1e-5)     # drawn to 6 significant digits
        assert by_year[year][1] == n


def test_missing_analyses_say_so(report_file):
    html = report_file[0].read_text(encoding="utf-8")
    report = report_file[2]
    for key in ("index", "eventstudy", "sync", "scorecard"):
        section = report.analyses[key]
        if not section.available:
            assert f'data-unavailable="{key}"' in html
            assert "not available in this build" in section.note or "failed" in section.note \
                or "no rows" in section.note


def test_provenance_lists_files_and_hashes(report_file, built_store):
    html = report_file[0].read_text(encoding="utf-8")
    with open_store(built_store, read_only=True) as store:
        files = store.sql("SELECT file, sha256 FROM provenance_files")
    assert len(files) > 0
    for sha in files["sha256"].dropna():
        assert sha in html


def test_chart_export_svg_and_png(report_file):
    _, charts, report = report_file
    ok = [r.indicator.id for r in report.indicators if r.ok]
    for ind_id in ok:
        svg = charts / f"{ind_id.replace('_', '-')}.svg"
        png = charts / f"{ind_id.replace('_', '-')}.png"
        root = ET.fromstring(svg.read_text(encoding="utf-8"))
        assert root.tag.endswith("svg")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_optional_guard_notes(monkeypatch):
    recipe = optional.Recipe
    monkeypatch.setitem(optional.OPTIONAL, "index", recipe("dyad.analysis.no_such_module_xyz", ("f",),
                                                           "index not available in this build", None))
    section = optional.run_optional("index", None, "CHN", "RUS")
    assert not section.available and section.note.startswith("index not available in this build")
    monkeypatch.setitem(optional.OPTIONAL, "index", recipe("json", ("no_such_function",), "index n/a", None))
    assert "has no no_such_function" in optional.run_optional("index").note
    monkeypatch.setitem(optional.OPTIONAL, "index", recipe("json", ("loads",), "n/a", lambda m, x: m.loads(x)))
    section = optional.run_optional("index", "not json")
    assert not section.available and "JSONDecodeError" in section.note
    section = optional.run_optional("index", '{"t": [1, 2]}')
    assert not section.available and "TypeError" in section.note        # a dict of lists is not a table


def test_failing_or_empty_indicator_is_a_visible_note(store):
    def boom(store, a, b, by="year", **_):
        raise RuntimeError("table events is empty")

    def empty(store, a, b, by="year", **_):
        return pd.DataFrame(columns=["a", "b", "period", "indicator", "value", "n"])

    bad = compute_indicator(store, Indicator("t_boom", "Boom", "u", "events", "m", boom), "CHN", "RUS")
    none = compute_indicator(store, Indicator("t_empty", "Empty", "u", "events", "m", empty), "CHN", "RUS")
    assert not bad.ok and "RuntimeError: table events is empty" in bad.note
    assert not none.ok and "no rows" in none.note


def test_period_dates():
    assert period_date("2018").isoformat() == "2018-07-02"
    assert period_date("2018-03").isoformat() == "2018-03-15"
    assert period_date("2018-Q4").isoformat() == "2018-11-15"
    assert period_date("45") is None


def test_cli_report_from_data_folder(unvotes_dir, tmp_path):
    from dyad.cli import cli

    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", "CHN", "RUS", "--data", str(unvotes_dir), "--store",
                                      str(tmp_path / "s.duckdb"), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert out.is_file() and "wrote" in result.output
    html = out.read_text(encoding="utf-8")
    assert 'id="ingest"' in html and "unvotes" in html


def test_cli_report_lists_a_bad_file_and_still_builds(unvotes_dir, tmp_path):
    """A file the layout names but that cannot be ingested (garbage, or no adapter in this build) is
    reported on stderr and in the report; the report is still written."""
    from dyad.cli import cli

    data = tmp_path / "data"
    (data / "trade").mkdir(parents=True)
    (data / "unvotes").symlink_to(unvotes_dir / "unvotes", target_is_directory=True)
    (data / "trade" / "baci_bogus.csv").write_text("this is not,a BACI file\n\x00\x01,2\n")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", "CHN", "RUS", "--data", str(data), "--store",
                                      str(tmp_path / "s.duckdb"), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "baci_bogus.csv" in html
    row = re.search(r"<tr>\s*<td>baci</td>\s*<td>trade/baci_bogus.csv</td>\s*<td>([a-z ]+)</td>", html)
    assert row is not None
    if row.group(1) != "ingested":      # an adapter may also load nothing and quarantine every row
        assert row.group(1) in ("failed", "not ingested")
        assert "baci" in result.stderr and ("FAILED" in result.stderr or "NOT INGESTED" in result.stderr)


def test_progress_quiet_without_a_terminal(monkeypatch, capsys):
    from dyad.progress import progress, wanted

    monkeypatch.delenv("DYAD_PROGRESS", raising=False)
    assert wanted() is False                      # pytest captures stderr: not a TTY
    assert list(progress(range(3), "x")) == [0, 1, 2]
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("DYAD_PROGRESS", "1")
    assert wanted() is True
    assert list(progress(range(3), "x")) == [0, 1, 2]
    assert "x" in capsys.readouterr().err


def test_report_series_come_from_the_results_cache_once(store):
    from dyad import cache
    from dyad import indicators as registry
    from dyad.report import data as rd

    calls = []

    def counted(store, a, b, by="year", **options):
        calls.append((a, b, by, options))
        return pd.DataFrame({"a": [a], "b": [b], "period": ["2000"], "indicator": ["t_count"], "value": [1.0],
                             "n": [1]})

    registry.register(Indicator("t_show_counted", "Counted", "u", "events", "m", counted))
    cache.clear_memory()
    try:
        first = rd.fetch(store, "t_show_counted", "CHN", "RUS")
        first.loc[0, "value"] = 99.0                      # a caller mutating its copy changes nothing
        again = rd.fetch(store, registry.get("t_show_counted"), "CHN", "RUS", by="year")
        rd.fetch(store, "t_show_counted", "CHN", "RUS", by="year", dataset="icews")
        assert again.loc[0, "value"] == 1.0
        assert calls == [("CHN", "RUS", "year", {}), ("CHN", "RUS", "year", {"dataset": "icews"})]
    finally:
        registry._REGISTRY.pop("t_show_counted", None)
        cache.clear_memory()
