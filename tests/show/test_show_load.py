"""The dashboard under load (issue 16 item 6): uncached work is bounded, cheap endpoints stay available,
and the dashboard features of issue 14 item 7 (search, direction filter, downloads, error pages, docs)."""

from __future__ import annotations

import csv
import io
import socket
import threading
import time

import httpx
import pytest

from dyad.indicators import all_indicators

pytestmark = pytest.mark.slow

# 51 UN members, enough for 50 distinct dyads with the first one
CODES = ["USA", "CHN", "RUS", "IND", "PAK", "FRA", "DEU", "GBR", "JPN", "BRA", "ARG", "AUS", "CAN", "MEX", "ZAF",
         "TUR", "IDN", "ITA", "KOR", "SAU", "EGY", "NGA", "KEN", "ETH", "IRN", "IRQ", "ISR", "SYR", "POL", "UKR",
         "ESP", "PRT", "NLD", "BEL", "SWE", "NOR", "FIN", "DNK", "CHL", "PER", "COL", "VEN", "CUB", "VNM", "THA",
         "MYS", "PHL", "SGP", "NZL", "GRC", "AUT"]


def _serve(app):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return srv, thread, f"http://127.0.0.1:{port}"


@pytest.fixture
def blocked(monkeypatch):
    """Every indicator computation waits for ``release``, then answers 'no rows' at once; counts how many
    run at the same time."""
    from dyad.report import data as rd

    release = threading.Event()
    state = {"running": 0, "peak": 0, "calls": 0}
    lock = threading.Lock()

    def slow(store, ind, a, b, by=None):
        with lock:
            state["running"] += 1
            state["calls"] += 1
            state["peak"] = max(state["peak"], state["running"])
        try:
            release.wait(120)
            return rd.IndicatorResult(ind, by or ind.frequencies[0], None, "skipped: test")
        finally:
            with lock:
                state["running"] -= 1

    monkeypatch.setattr(rd, "compute_indicator", slow)
    yield release, state
    release.set()


def test_fifty_uncached_summaries_do_not_starve_the_catalogue(built_store, blocked):
    from dyad.web import create_app

    release, state = blocked
    app = create_app(built_store, heavy_workers=4, heavy_queue=64)
    srv, thread, base = _serve(app)
    results: list[int] = []
    try:
        def summary(x, y):
            with httpx.Client(timeout=300) as c:
                results.append(c.get(f"{base}/api/dyads/{x}/{y}/summary").status_code)

        workers = [threading.Thread(target=summary, args=(CODES[0], y)) for y in CODES[1:]]
        assert len(workers) == 50
        [w.start() for w in workers]
        deadline = time.monotonic() + 30
        while state["running"] < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        # every computing slot is blocked now; the cheap endpoints must still answer
        with httpx.Client(timeout=10) as c:
            for url in ("/api/indicators", "/api/indicators/un_agreement", "/api/docs", "/api/openapi.json"):
                r = c.get(base + url)
                assert r.status_code == 200, url
        assert state["peak"] == 4                      # bounded: never more than the worker count at once
        release.set()
        [w.join(300) for w in workers]
        assert results == [200] * 50
    finally:
        release.set()
        srv.should_exit = True
        thread.join(10)


def test_a_full_queue_answers_503_with_retry_after(built_store, blocked):
    from fastapi.testclient import TestClient  # noqa: F401 - same client stack as the other tests

    from dyad.web import create_app

    release, state = blocked
    app = create_app(built_store, heavy_workers=1, heavy_queue=2)
    srv, thread, base = _serve(app)
    try:
        codes: list[int] = []

        def one(y):
            with httpx.Client(timeout=300) as c:
                codes.append(c.get(f"{base}/api/dyads/USA/{y}/summary").status_code)

        first = [threading.Thread(target=one, args=(y,)) for y in CODES[1:4]]   # 1 running + 2 waiting
        [t.start() for t in first]
        deadline = time.monotonic() + 30
        while (state["running"] < 1 or app.state.heavy.limiter.statistics().tasks_waiting < 2) \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        with httpx.Client(timeout=10) as c:
            r = c.get(f"{base}/api/dyads/USA/JPN/summary")
            assert r.status_code == 503 and r.headers["Retry-After"] == "5" and r.json()["error"] == "busy"
        release.set()
        [t.join(300) for t in first]
        assert codes == [200, 200, 200]
    finally:
        release.set()
        srv.should_exit = True
        thread.join(10)


def test_service_caches_are_bounded(built_store, monkeypatch):
    from dyad.web import service as svc

    monkeypatch.setattr(svc, "SERIES_ENTRIES", 5)
    service = svc.Service(built_store)
    try:
        ind = next(i for i in all_indicators() if i.id == "un_agreement")
        for y in CODES[1:12]:
            service.series(ind, "USA", y, "year")
        assert len(service._series.lru) == 5
        assert service.has_series(ind, "USA", CODES[11], "year") and not service.has_series(ind, "USA", "CHN", "year")
    finally:
        service.close()


# ------------------------------------------------------------------------------ dashboard features

@pytest.fixture(scope="module")
def client(built_store):
    from fastapi.testclient import TestClient

    from dyad.web import create_app

    with TestClient(create_app(built_store)) as c:
        yield c


def test_home_lists_country_names_and_searches(client):
    html = client.get("/").text
    assert '<option value="China">CHN</option>' in html and '<option value="Russian Federation">' in html \
        or '<option value="Russia">' in html
    r = client.get("/", params={"q": "korea"})
    assert r.status_code == 200
    assert "/dyads/KOR/USA" in r.text and "PRK" in r.text
    assert "No country name or code contains" in client.get("/", params={"q": "atlantis"}).text
    # the picker accepts the names the datalist offers
    r = client.get("/dyad", params={"a": "China", "b": "Russia"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/dyads/CHN/RUS"


@pytest.mark.parametrize("direction", ["D1", "D2", "D3", "D4", "D5"])
def test_direction_filter_narrows_the_indicator_list(client, direction):
    import re

    html = client.get("/dyads/CHN/RUS", params={"direction": direction}).text
    select = html[html.index('id="indicator"'):]
    select = select[:select.index("</select>")]
    listed = re.findall(r'<option value="([^"]+)"', select)
    assert listed == [i.id for i in all_indicators() if direction in i.directions]


def test_each_chart_downloads_as_csv_and_json(client, raw_agreement):
    import re

    html = client.get("/dyads/CHN/RUS", params={"indicator": "un_agreement", "start": "2001", "end": "2003"}).text
    csv_url = re.search(r'class="dl-csv" href="([^"]+)"', html)[1].replace("&amp;", "&")
    json_url = re.search(r'class="dl-json" href="([^"]+)"', html)[1].replace("&amp;", "&")
    r = client.get(csv_url)
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [x["period"] for x in rows] == ["2001", "2002", "2003"]
    for row in rows:
        share, n = raw_agreement[int(row["period"])]
        assert float(row["value"]) == pytest.approx(share, abs=1e-9) and int(row["n"]) == n
    body = client.get(json_url).json()
    assert [x["value"] for x in body["rows"]] == pytest.approx([float(x["value"]) for x in rows])


def test_error_pages_lead_back(client):
    r = client.get("/dyads/CHN/RUS", params={"indicator": "nope"})
    assert r.status_code == 404
    assert 'href="/dyads/CHN/RUS"' in r.text and 'href="/"' in r.text and 'href="/api/docs"' in r.text
    r = client.get("/dyads/CHN/Atlantis")
    assert r.status_code == 400 and 'href="/"' in r.text and 'href="/dyads/' not in r.text


def test_api_docs_describe_every_endpoint_with_an_example(client):
    spec = client.get("/api/openapi.json").json()
    html = client.get("/api/docs").text
    for path, ops in spec["paths"].items():
        for op in ops.values():
            assert op.get("description"), path
            example = op["x-example"]["url"]
            assert f'href="{example.replace("&", "&amp;")}"' in html
            assert client.get(example).status_code == 200, example
            for p in op.get("parameters", []):
                assert p.get("description"), (path, p["name"])


def test_compact_table_moves_long_text_into_details():
    import pandas as pd

    from dyad.web.app import compact_table

    long_text = "evidence " * 30
    frame = pd.DataFrame({"proposal": ["P1", "P2"], "verdict": ["advanced", "stalled"],
                          "evidence": [long_text, ""], "n": [3.0, float("nan")]})
    t = compact_table(frame)
    assert t["columns"] == ["proposal", "verdict", "n"] and t["long"] == ["evidence"]
    assert t["rows"][0]["details"] == [("evidence", long_text)]
    assert t["rows"][0]["summary"] == long_text[:100] + "…"
    assert t["rows"][1]["details"] == [] and t["rows"][1]["cells"] == ["P2", "stalled", "—"]
