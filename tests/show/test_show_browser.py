"""Tested as a person would: headless Chromium opens the report file and the dashboard, waits for the
charts, uses the filters, reads the console, and saves screenshots under artifacts/."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from dyad.indicators import DIRECTIONS, all_indicators
from show import chrome

pytestmark = pytest.mark.slow

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chrome.start(tmp_path_factory.mktemp("chromium-profile"), 1300, 1800, page_timeout=60)
    yield driver
    driver.quit()


def _console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _wait(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the page")


@pytest.fixture(scope="module")
def report_path(built_store, tmp_path_factory):
    from dyad.report import build_report
    from dyad.store import open_store

    out = tmp_path_factory.mktemp("browser") / "report.html"
    with open_store(built_store, read_only=True) as store:
        build_report(store, "CHN", "RUS", out, progress_enabled=False)
    return out


@pytest.fixture(scope="module")
def server(built_store):
    import uvicorn

    from dyad.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(built_store, allowed_hosts=["127.0.0.1", "localhost"])
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    _wait(lambda: srv.started, 30)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


def test_report_renders_charts_offline(browser, report_path, artifacts):
    from selenium.webdriver.common.by import By

    browser.get(report_path.as_uri())
    figures = browser.find_elements(By.CSS_SELECTOR, "figure.chart")
    assert len(figures) >= 5
    _wait(lambda: all(f.find_elements(By.CSS_SELECTOR, "svg") for f in figures))
    for fig in figures:
        marks = fig.find_elements(By.CSS_SELECTOR, "svg path")
        assert marks, f"chart {fig.get_attribute('data-chart')} has no drawn marks"
        assert "could not be drawn" not in fig.text
    assert _console_errors(browser) == []
    browser.save_screenshot(str(artifacts / "report-top.png"))
    browser.execute_script("document.getElementById('indicators').scrollIntoView()")
    browser.save_screenshot(str(artifacts / "report-indicators.png"))


def test_dashboard_picker_and_filters(browser, server, artifacts):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server + "/")
    a, b = browser.find_element(By.ID, "a"), browser.find_element(By.ID, "b")
    a.clear(), a.send_keys("China")
    b.clear(), b.send_keys("Russia")
    browser.find_element(By.CSS_SELECTOR, "#picker button").click()
    _wait(lambda: browser.current_url.endswith("/dyads/CHN/RUS"))
    # first visit: the first direction that has indicators
    first = next(d for d in DIRECTIONS if any(d in i.directions for i in all_indicators()))
    boxes = browser.find_elements(By.CSS_SELECTOR, ".indicator")
    assert sorted(x.get_attribute("data-indicator") for x in boxes) == \
        sorted(i.id for i in all_indicators() if first in i.directions)
    for box in boxes:      # each indicator: a drawn chart, or the reason it has none (store without its source)
        assert box.find_elements(By.CSS_SELECTOR, "figure.chart svg") or box.find_elements(By.CSS_SELECTOR, ".missing-note")
    browser.save_screenshot(str(artifacts / "dashboard-all.png"))

    # narrow to one indicator and a time range: the chart and its table now cover 2005-2014 only
    # (the indicator list holds the chosen direction's indicators: pick un_agreement's direction first)
    Select(browser.find_element(By.ID, "direction")).select_by_value("D5")
    browser.find_element(By.ID, "apply").click()
    _wait(lambda: "direction=D5" in browser.current_url)
    Select(browser.find_element(By.ID, "indicator")).select_by_value("un_agreement")
    browser.find_element(By.ID, "start").send_keys("2005")
    browser.find_element(By.ID, "end").send_keys("2014")
    browser.find_element(By.ID, "apply").click()
    fig = _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "figure.chart[data-rows='10']"))[0]
    assert (fig.get_attribute("data-first"), fig.get_attribute("data-last")) == ("2005", "2014")
    assert fig.find_elements(By.CSS_SELECTOR, "svg path")
    browser.save_screenshot(str(artifacts / "dashboard-filtered.png"))

    # a direction with no UN-vote indicator: the page says which indicators it shows
    Select(browser.find_element(By.ID, "indicator")).select_by_value("")
    Select(browser.find_element(By.ID, "direction")).select_by_value("D3")
    browser.find_element(By.ID, "apply").click()
    expected = [i.id for i in all_indicators() if "D3" in i.directions]
    _wait(lambda: "direction=D3" in browser.current_url)
    shown = [e.get_attribute("data-indicator") for e in browser.find_elements(By.CSS_SELECTOR, ".indicator")]
    assert sorted(shown) == sorted(expected)
    if not expected:
        assert browser.find_element(By.ID, "no-indicators").is_displayed()
    assert _console_errors(browser) == []


def test_dashboard_scorecard_and_error_pages(browser, server, artifacts):
    from selenium.webdriver.common.by import By

    browser.get(server + "/dyads/CHN/RUS/scorecard")
    assert browser.find_element(By.ID, "scorecard").is_displayed()
    browser.save_screenshot(str(artifacts / "dashboard-scorecard.png"))
    browser.get(server + "/dyads/CHN/Atlantis")
    assert "invalid_country" in browser.find_element(By.ID, "error").text


# ------------------------------------------------------------------ dashboard pages, looked at (issue 14 item 8)

DEBRIS = ("{#", "{{", "{%", "`", " of a ", " a with b", " nan ")


def _shots(artifacts):
    """Where the dashboard screenshots go: $DYAD_SHOTS when set, else artifacts/."""
    from pathlib import Path

    folder = Path(os.environ.get("DYAD_SHOTS") or artifacts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _significant_digits(label: str) -> int:
    digits = "".join(ch for ch in label if ch.isdigit() or ch == ".")
    if not any(ch.isdigit() for ch in digits):
        return 0
    whole, _, frac = digits.partition(".")
    whole = whole.lstrip("0")
    frac = frac.rstrip("0")
    return len(whole + frac) if whole else len(frac.lstrip("0"))


def test_significant_digit_counter():
    assert [_significant_digits(x) for x in ("40,000,000,000", "0.25", "2020", "1.5k", "0.000123", "—")] == \
        [11, 2, 4, 2, 3, 0]


def _look(browser, name, folder):
    """The checks every dashboard page passes; then a screenshot."""
    from selenium.webdriver.common.by import By

    text = browser.find_element(By.TAG_NAME, "body").text
    found = [d for d in DEBRIS if d in text]
    assert found == [], f"{name}: template or markdown debris {found}"
    for fig in browser.find_elements(By.CSS_SELECTOR, "figure.chart"):
        chart = fig.find_element(By.XPATH, "..").get_attribute("data-indicator")
        assert float(fig.get_attribute("data-max-abs")) > 0, f"{name}: chart {chart} has only zero values"
        labels = [t.text for t in fig.find_elements(By.CSS_SELECTOR, ".role-axis-label text")]
        assert labels, f"{name}: chart {chart} has no axis labels"
        long = [x for x in labels if _significant_digits(x) > 6]
        assert long == [], f"{name}: chart {chart} has axis labels with more than 6 significant digits: {long}"
    assert _console_errors(browser) == [], name
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, min(max(height, 800), 12000))
    browser.save_screenshot(str(folder / f"{name}.png"))
    browser.set_window_size(1300, 1800)


def test_dashboard_pages_look_right(browser, server, artifacts):
    from selenium.webdriver.common.by import By

    folder = _shots(artifacts)
    _console_errors(browser)        # drain what earlier tests left in the log (their deliberate 4xx pages)
    browser.get(server + "/")
    _look(browser, "dashboard-home", folder)
    browser.get(server + "/?q=korea")
    assert browser.find_element(By.ID, "matches").is_displayed()
    _look(browser, "dashboard-search", folder)
    for code in DIRECTIONS:
        browser.get(f"{server}/dyads/CHN/RUS?direction={code}")
        listed = [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#indicator option")]
        assert listed[1:] == [i.id for i in all_indicators() if code in i.directions]
        _look(browser, f"dashboard-{code}", folder)
    browser.get(f"{server}/dyads/CHN/RUS?indicator=un_agreement&start=2000&end=2010")
    link = browser.find_element(By.CSS_SELECTOR, "a.dl-csv")
    assert link.get_attribute("download").endswith(".csv")
    _look(browser, "dashboard-one-indicator", folder)
    browser.get(server + "/dyads/CHN/RUS/scorecard")
    _look(browser, "dashboard-scorecard", folder)
    browser.get(server + "/dyads/CHN/RUS?indicator=nope")
    back = browser.find_element(By.CSS_SELECTOR, "#back + ul a")
    assert back.get_attribute("href").endswith("/dyads/CHN/RUS")
    assert [d for d in DEBRIS if d in browser.find_element(By.TAG_NAME, "body").text] == []
    browser.save_screenshot(str(folder / "dashboard-error.png"))
    assert all("404" in e for e in _console_errors(browser))     # the deliberate 404 only
    browser.get(server + "/api/docs")
    assert len(browser.find_elements(By.CSS_SELECTOR, "p.example a")) >= 7
    _look(browser, "dashboard-api-docs", folder)
