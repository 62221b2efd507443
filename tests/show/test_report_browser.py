"""The report as a reader sees it: headless Chromium at 1,400 px opens the file, waits for every chart, and
fails on what an editor would not sign -- a chart whose values are all zero, an axis label with more than
six significant digits, placeholder or markdown debris, console errors, a page over 25,000 px, a file over
3 MB. Screenshots of the first screen, every direction and the scorecard go to artifacts/ (and to
$DYAD_SHOTS when set).

The report is built from the UN-votes store of conftest.py; with $DYAD_REPORT_STORE pointing at a full store
(``dyad report ... --data ../shared/data``), the same checks also run on that store's report, with a
comparison dyad."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from dyad.report.display import placeholder_debris
from show import chrome

pytestmark = pytest.mark.slow

WIDTH = 1400
MAX_HEIGHT = 25_000
MAX_BYTES = 3_000_000


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chrome.start(tmp_path_factory.mktemp("chromium-report"), WIDTH, 1000, page_timeout=120)
    yield driver
    driver.quit()


def _stores(built_store):
    out = [("uv", built_store, None)]
    full = os.environ.get("DYAD_REPORT_STORE")
    if full:
        out.append(("full", Path(full), [("USA", "CHN")]))
    return out


@pytest.fixture(scope="module", params=["uv", "full"])
def report(request, built_store, tmp_path_factory):
    stores = {name: (path, cmp) for name, path, cmp in _stores(built_store)}
    if request.param not in stores:
        pytest.skip("set DYAD_REPORT_STORE to a full store to check its report too")
    from dyad.report import build_report
    from dyad.store import open_store

    path, compare = stores[request.param]
    out = tmp_path_factory.mktemp("report-browser") / f"report-{request.param}.html"
    with open_store(path, read_only=True) as store:
        build_report(store, "CHN", "RUS", out, progress_enabled=False, compare=compare)
    return request.param, out


def _shot_dirs(artifacts) -> list[Path]:
    dirs = [artifacts]
    if os.environ.get("DYAD_SHOTS"):
        dirs.append(Path(os.environ["DYAD_SHOTS"]))
    for d in dirs:
        d.mkdir(parents=True, exist_ok=True)
    return dirs


def _open(driver, path: Path) -> None:
    driver.get(path.as_uri())
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        done = driver.execute_script(
            "var f = document.querySelectorAll('figure.chart');"
            "return f.length > 0 && Array.prototype.every.call(f, function (e) {"
            "  return e.querySelector('svg') || e.textContent.indexOf('could not be drawn') >= 0; });")
        if done:
            return
        time.sleep(0.3)
    raise AssertionError("the charts were not drawn within 90 s")


# Per chart: the boxes the browser gives each calendar label; pairs of labels that overlap, and labels that
# overlap a data mark (point, line, interval band) or the legend of the same chart.
CALENDAR_CLASHES = """
function box(e) { var r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }
function hit(p, q) { return p[0] < q[2] && q[0] < p[2] && p[1] < q[3] && q[1] < p[3]; }
var out = [];
document.querySelectorAll('figure.chart').forEach(function (fig) {
  var labels = Array.prototype.map.call(fig.querySelectorAll('[class*=calendarlabel] text'),
                                        function (t) { return [t.textContent, box(t)]; });
  var data = Array.prototype.map.call(fig.querySelectorAll('.mark-symbol path, .mark-line path, .mark-area path'), box)
    .filter(function (b) { return b[2] > b[0] || b[3] > b[1]; });
  var legend = Array.prototype.map.call(fig.querySelectorAll('.role-legend-symbol path, .role-legend-label text'), box);
  for (var i = 0; i < labels.length; i++) {
    for (var j = i + 1; j < labels.length; j++) {
      if (hit(labels[i][1], labels[j][1])) { out.push([fig.id, labels[i][0], labels[j][0]]); }
    }
    for (var k = 0; k < data.length; k++) {
      if (hit(labels[i][1], data[k])) { out.push([fig.id, labels[i][0], 'data']); break; }
    }
    for (var m = 0; m < legend.length; m++) {
      if (hit(labels[i][1], legend[m])) { out.push([fig.id, labels[i][0], 'legend']); break; }
    }
  }
});
return out;
"""


def significant_digits(label: str) -> int:
    """Digits a reader has to read in an axis label: all digits but leading zeros ("40,000,000,000" -> 11)."""
    digits = re.sub(r"\D", "", label).lstrip("0")
    return len(digits)


def test_significant_digits_rule():
    assert significant_digits("40,000,000,000") == 11
    assert significant_digits("0.25") == 2
    assert significant_digits("2,000") == 4
    assert significant_digits("1995") == 4


def test_report_reads_cleanly(browser, report, artifacts):
    name, path = report
    size = path.stat().st_size
    assert size <= MAX_BYTES, f"report is {size:,} bytes, over {MAX_BYTES:,}"
    browser.set_window_size(WIDTH, 1000)
    _open(browser, path)
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors

    height = browser.execute_script("return document.documentElement.scrollHeight")
    assert height <= MAX_HEIGHT, f"page is {height:,} px high at {WIDTH} px wide"

    # every chart drew, and none is all zeros
    html = path.read_text(encoding="utf-8")
    specs = json.loads(re.search(r'<script type="application/json" id="chart-specs">(.*?)</script>', html, re.S)[1])
    assert specs
    for chart_id, spec in specs.items():
        values = [row["value"] for ds in spec.get("datasets", {}).values() for row in ds
                  if isinstance(row, dict) and isinstance(row.get("value"), int | float)]
        if values:
            assert any(v != 0 for v in values), f"{chart_id}: every value is zero"
    drawn = browser.execute_script("return document.querySelectorAll('figure.chart svg').length")
    assert drawn == len(specs)

    # axis labels: at most six significant digits
    labels = browser.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('.role-axis-label text'),"
        " function (t) { return t.textContent; });")
    assert labels
    long = [t for t in labels if significant_digits(t) > 6]
    assert long == [], long[:10]

    # no placeholder or markdown debris anywhere in the text (collapsed parts included)
    text = browser.execute_script(
        "var c = document.body.cloneNode(true);"
        "c.querySelectorAll('script, style').forEach(function (e) { e.remove(); });"
        "return c.textContent;")
    assert placeholder_debris(text) == []
    assert "{#" not in text and "`" not in text

    # the first screen: the pair by name, the period, coverage and the findings
    first = browser.execute_script("return document.querySelector('header').innerText")
    assert "China – Russia" in first and re.search(r"\d{4}–\d{4}", first)
    assert browser.execute_script("return document.querySelectorAll('ol.findings li').length") >= 1
    assert browser.execute_script("return document.getElementById('coverage').children.length") >= 1

    # calendar labels, as the browser lays them out: no two overlap, none covers a data point, line or band
    clashes = browser.execute_script(CALENDAR_CLASHES)
    assert browser.execute_script("return document.querySelectorAll('[class*=calendarlabel] text').length") > 0
    assert clashes == [], clashes[:10]

    # the calendar switch hides the marks
    marks = "document.querySelectorAll('.calendar_marks')"
    if browser.execute_script(f"return {marks}.length"):
        browser.execute_script("document.getElementById('cal-toggle').click()")
        hidden = browser.execute_script(
            f"return Array.prototype.every.call({marks}, function (e) {{ return getComputedStyle(e).display === 'none'; }})")
        assert hidden
        browser.execute_script("document.getElementById('cal-toggle').click()")

    # screenshots: first screen, every direction, the scorecard
    dirs = _shot_dirs(artifacts)
    targets = [("first-screen", None)] + [
        (sid, sid) for sid in browser.execute_script(
            "return Array.prototype.map.call(document.querySelectorAll('section.direction'), function (s) { return s.id; });")]
    targets.append(("scorecard", "scorecard"))
    for label, anchor in targets:
        if anchor:
            browser.execute_script(f"document.getElementById('{anchor}').scrollIntoView();"
                                   "window.scrollBy(0, -50);")
        else:
            browser.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.3)
        for d in dirs:
            browser.save_screenshot(str(d / f"report-{name}-{label}.png"))
