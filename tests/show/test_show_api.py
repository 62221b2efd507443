"""The JSON API and pages through FastAPI's TestClient: values, validation, headers, injection, binding."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from dyad.indicators import all_indicators

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(built_store):
    from fastapi.testclient import TestClient

    from dyad.web import create_app

    with TestClient(create_app(built_store)) as c:
        yield c


def test_indicator_series_matches_raw_votes(client, raw_agreement):
    r = client.get("/api/dyads/CHN/RUS/indicators/un_agreement", params={"start": "2000", "end": "2005"})
    assert r.status_code == 200
    rows = r.json()["rows"]
    assert [row["period"] for row in rows] == [str(y) for y in range(2000, 2006)]
    for row in rows:
        share, n = raw_agreement[int(row["period"])]
        assert row["value"] == pytest.approx(share, abs=1e-9) and row["n"] == n
        assert row["ci_low"] <= row["value"] <= row["ci_high"]


def test_names_resolve_to_codes(client):
    r = client.get("/api/dyads/China/Russia/indicators/un_kappa", params={"start": "2010-01-01", "end": "2010"})
    assert r.status_code == 200
    body = r.json()
    assert (body["a"], body["b"]) == ("CHN", "RUS") and [x["period"] for x in body["rows"]] == ["2010"]


def test_catalogue_and_direction_filter(client):
    r = client.get("/api/indicators", params={"direction": "D5"})
    assert {x["id"] for x in r.json()} == {i.id for i in all_indicators() if "D5" in i.directions}
    assert client.get("/api/indicators", params={"direction": "D9"}).status_code == 400


@pytest.mark.parametrize("url, status, code", [
    ("/api/dyads/XXZ/RUS/indicators/un_agreement", 400, "invalid_country"),
    ("/api/dyads/CHN/CHN/indicators/un_agreement", 400, "invalid_dyad"),
    ("/api/dyads/CHN/RUS/indicators/no_such_indicator", 404, "unknown_indicator"),
    ("/api/dyads/CHN/RUS/indicators/un_agreement?by=month", 400, "invalid_by"),
    ("/api/dyads/CHN/RUS/indicators/un_agreement?start=2000-13-01", 400, "invalid_date"),
    ("/api/dyads/CHN/RUS/indicators/un_agreement?start=2010&end=2000", 400, "invalid_range"),
    ("/api/dyads/CHN/RUS/indicators/un_agreement?start=yesterday", 422, "invalid_parameter"),
    ("/api/dyads/CHN/RUS/indicators/un_agreement?by=session&start=2000", 400, "invalid_range"),
    ("/api/calendar/Atlantis", 400, "invalid_country"),
    ("/api/scorecard/CHN/%3Cscript%3E", 400, "invalid_country"),
    ("/api/no/such/route", 404, "http_error"),
])
def test_validation_errors_are_json(client, url, status, code):
    r = client.get(url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"] == code


@pytest.mark.parametrize("attack", [
    "un_agreement' OR '1'='1", "un_agreement; DROP TABLE votes; --", "un_agreement\" UNION SELECT * FROM votes --",
])
def test_sql_injection_through_ids_is_refused(client, built_store, attack):
    r = client.get(f"/api/dyads/CHN/RUS/indicators/{attack}")
    assert r.status_code in (400, 404) and r.json()["error"] in ("invalid_indicator", "unknown_indicator")
    r = client.get(f"/api/calendar/{attack}")
    assert r.status_code == 400
    r = client.get("/api/dyads/CHN'--/RUS/indicators/un_agreement")
    assert r.status_code == 400


def test_security_headers_on_every_response(client):
    for url in ("/", "/api/indicators", "/api/nothing", "/dyads/CHN/RUS", "/api/docs"):
        h = client.get(url).headers
        csp = h["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "http" not in csp and "script-src" not in csp       # no remote source, no script at all
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"


def test_openapi_and_docs_have_no_cdn(client):
    spec = client.get("/api/openapi.json").json()
    assert "/api/dyads/{a}/{b}/indicators/{indicator_id}" in spec["paths"]
    docs = client.get("/api/docs").text
    assert "/api/calendar/{country}" in docs and "cdn" not in docs.lower()


def test_read_only_methods(client):
    assert client.post("/api/indicators").status_code == 405
    assert client.delete("/api/dyads/CHN/RUS/indicators/un_agreement").status_code == 405


def test_pages_and_report_download(client):
    r = client.get("/dyad", params={"a": "China", "b": "Russia"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/dyads/CHN/RUS"
    page = client.get("/dyads/CHN/RUS", params={"indicator": "un_agreement", "start": "1990", "end": "1999"}).text
    assert 'data-rows="10"' in page and "<svg" in page
    bad = client.get("/dyads/CHN/RUS", params={"direction": "D7"})
    assert bad.status_code == 400 and "text/html" in bad.headers["content-type"]
    r = client.get("/dyads/CHN/RUS/report.html")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert b"vegaEmbed" in r.content


def test_host_header_guard(built_store):
    from fastapi.testclient import TestClient

    from dyad.web import create_app

    with TestClient(create_app(built_store, allowed_hosts=["127.0.0.1"])) as c:
        assert c.get("/api/indicators").status_code == 400                       # Host: testserver
        assert c.get("/api/indicators", headers={"host": "127.0.0.1:8765"}).status_code == 200


def test_serve_refuses_remote_bind_without_flag():
    from dyad.cli import cli
    from dyad.cli.show import is_loopback

    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "refusing to bind 0.0.0.0" in result.output
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")


def test_dyad_serve_command_serves_loopback(built_store):
    """`dyad serve` as a user starts it: a subprocess on a free loopback port, stopped by its pid."""
    import os
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "dyad", "serve", "--store", str(built_store), "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(url + "/api/indicators", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "dyad serve did not start"
                time.sleep(0.3)
        assert r.status_code == 200 and {i["id"] for i in r.json()} == {i.id for i in all_indicators()}
        # DNS-rebinding guard: a foreign Host header is refused on a loopback bind
        assert httpx.get(url + "/api/indicators", headers={"host": "evil.example"}, timeout=5).status_code == 400
    finally:
        proc.terminate()
        proc.wait(15)


def test_internal_errors_are_terse_and_keep_headers(built_store, monkeypatch):
    from fastapi.testclient import TestClient

    from dyad.web import create_app

    app = create_app(built_store)

    def broken(*_a, **_k):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(app.state.service, "calendar", broken)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/calendar/CHN")
    assert r.status_code == 500 and r.json()["error"] == "internal_error"
    assert "secret" not in r.text and "Traceback" not in r.text
    assert r.headers["x-content-type-options"] == "nosniff" and "default-src 'none'" in r.headers["content-security-policy"]


def test_explorer_does_not_draw_a_series_of_thin_values(client):
    """A series with fewer than two periods that reach the indicator's minimum support is listed with the
    reason, not drawn: scattered thin points would read as data."""
    import pandas as pd

    from dyad import indicators as registry
    from dyad.indicators import Indicator

    def few(store, a, b, by="year", **options):
        return pd.DataFrame({"a": a, "b": b, "period": ["2001", "2002", "2003"], "indicator": "t_thin_probe",
                             "value": [3.0, 5.0, 4.0], "n": [1, 2, 40]})

    registry.register(Indicator("t_thin_probe", "Thin probe", "count", "events", "m", few, directions=("D5",),
                                min_support=10, support_unit="observations"))
    try:
        page = client.get("/dyads/CHN/RUS", params={"indicator": "t_thin_probe"}).text
        assert "only 1 of 3 periods reach the indicator&#39;s minimum support (10 observations)" in page \
            or "only 1 of 3 periods reach the indicator's minimum support (10 observations)" in page
        assert 'class="box indicator" data-indicator="t_thin_probe"' not in page
    finally:
        registry._REGISTRY.pop("t_thin_probe", None)


def test_explorer_chart_of_a_directed_indicator_names_each_direction(client):
    """Both directions are drawn: the legend says which is which ("China → Russia"), the title names no single
    direction, and the page writes Russia as the report does, not "Russian Federation"."""
    import pandas as pd

    from dyad import indicators as registry
    from dyad.indicators import Indicator

    def both(store, a, b, by="year", **options):
        return pd.DataFrame({"a": a, "b": b, "period": ["2001", "2002", "2003"], "indicator": "t_dir_probe",
                             "value": [3.0, 5.0, 4.0] if a == "CHN" else [1.0, 1.5, 2.0], "n": 40})

    registry.register(Indicator("t_dir_probe", "Probe deliveries, a to b", "deals", "events", "m", both,
                                directions=("D3",), directed=True))
    try:
        page = client.get("/dyads/CHN/RUS", params={"indicator": "t_dir_probe"}).text
        assert "China → Russia" in page and "Russia → China" in page
        assert "Probe deliveries, China to Russia" not in page.split('class="box indicator"')[1].split("</svg>")[0]
        assert "China – Russia: indicator explorer" in page and "Russian Federation" not in page.split("<select")[0]
    finally:
        registry._REGISTRY.pop("t_dir_probe", None)


def test_scorecard_page_names_the_countries_and_shows_the_statement_first(client):
    page = client.get("/dyads/CHN/RUS/scorecard").text
    assert "China – Russia: proposal scorecard" in page and "CHN–RUS" not in page
    header = page.split("<table", 1)[1].split("</tr>", 1)[0]
    # the statement sits right after the proposal id, before the narrow columns (verdict, coverage ...)
    assert header.index("statement") < header.index("verdict") and "not_measurable" not in header
    evidence = page.split("<table")[2].split("</tr>", 1)[0]            # the pair is not repeated on every row
    assert "<th>a</th>" not in evidence and "<th>proposal</th>" in evidence
