"""The FastAPI application: HTML pages (server-rendered, charts as inline SVG, no JavaScript) and /api.

Every response carries security headers; the content security policy allows nothing remote and no
script at all. Parameters pass through :mod:`dyad.web.validate`; errors are JSON under /api and a short
HTML page elsewhere, both with a 4xx status.
"""

from __future__ import annotations

import dataclasses
import re
from contextlib import asynccontextmanager
from pathlib import Path as FilePath

import anyio
import jinja2
from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from dyad import __version__
from dyad.indicators import DIRECTIONS, all_indicators
from dyad.output import records
from dyad.report import charts
from dyad.report import data as rd
from dyad.report.html import fmt_value, frame_html
from dyad.web import validate as v
from dyad.web.service import Service

CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
TEMPLATES = FilePath(__file__).with_name("templates")
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
HEAVY_WORKERS = 4     # threads computing uncached results at once (the rest wait without holding a thread)
HEAVY_QUEUE = 64      # requests allowed to wait for one; more get 503 with Retry-After


class SecurityHeaders:
    """Pure ASGI middleware adding :data:`SECURITY_HEADERS` to every response (cheaper per request than
    Starlette's BaseHTTPMiddleware, which runs each request in an extra task)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Heavy:
    """Admission control for work that computes (uncached series, summaries, scorecards, reports).

    At most ``workers`` such jobs run at once, each in its own thread; up to ``queue`` more wait on the event
    loop without holding a thread, so cheap endpoints (catalogue, cached series, docs) keep the server's
    thread pool and answer at once; beyond that the request is refused with 503 and Retry-After.
    """

    def __init__(self, workers: int = HEAVY_WORKERS, queue: int = HEAVY_QUEUE):
        self.workers, self.queue = workers, queue
        self._limiter: anyio.CapacityLimiter | None = None

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        if self._limiter is None:          # created inside the event loop
            self._limiter = anyio.CapacityLimiter(self.workers)
        return self._limiter

    async def run(self, fn, *args):
        stats = self.limiter.statistics()
        if stats.tasks_waiting >= self.queue:
            raise v.BadRequest(503, "busy", f"{stats.borrowed_tokens} computations are running and "
                               f"{stats.tasks_waiting} waiting; retry in a few seconds", "")
        return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)


async def _cheap(fn, *args):
    """Work that only reads memory (cached results): the server's ordinary thread pool."""
    return await anyio.to_thread.run_sync(fn, *args)


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["table"] = frame_html
    env.filters["fmt"] = fmt_value
    return env


def create_app(store_path: str | FilePath, allowed_hosts: list[str] | None = None, *,
               heavy_workers: int = HEAVY_WORKERS, heavy_queue: int = HEAVY_QUEUE) -> FastAPI:
    """The dashboard over the store at ``store_path`` (opened read-only). ``allowed_hosts`` limits the
    Host header (DNS-rebinding guard when serving on loopback); None accepts any. ``heavy_workers`` and
    ``heavy_queue`` bound the computing requests (see :class:`Heavy`)."""
    service = Service(store_path)
    heavy = Heavy(heavy_workers, heavy_queue)

    @asynccontextmanager
    async def lifespan(_app):
        yield
        service.close()

    app = FastAPI(title="dyad API", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", lifespan=lifespan,
                  description="Read-only access to a dyad store: indicators per dyad and period, sources, "
                              "calendar, scorecard. Every parameter is validated; errors are JSON with a 4xx status.")
    app.state.service = service
    app.state.heavy = heavy
    env = _templates()
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    app.add_middleware(SecurityHeaders)

    _errors(app, env)
    _api(app, service, heavy)
    _pages(app, service, env, heavy)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _back(request: Request) -> tuple[str, str]:
    """A page to go back to from an error: the dyad's explorer when the path names a valid dyad."""
    parts = request.url.path.strip("/").split("/")
    if len(parts) >= 3 and parts[0] == "dyads":
        try:
            a, b = v.dyad(parts[1], parts[2])
        except v.BadRequest:
            return "", ""
        return f"/dyads/{a}/{b}", f"{a}–{b} explorer"
    return "", ""


def _errors(app: FastAPI, env: jinja2.Environment) -> None:
    def reply(request: Request, status: int, body: dict):
        if _wants_json(request):
            return JSONResponse(body, status_code=status)
        back, label = _back(request)
        html = env.get_template("error.html.j2").render(status=status, body=body, version=__version__,
                                                        back=back, back_label=label)
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(v.BadRequest)
    async def bad_request(request: Request, exc: v.BadRequest):
        response = reply(request, exc.status, exc.body())
        if exc.status == 503:
            response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        detail = [{"param": ".".join(str(x) for x in e.get("loc", ())[1:]), "detail": e.get("msg", "")}
                  for e in exc.errors()]
        return reply(request, 422, {"error": "invalid_parameter", "detail": detail})

    from dyad.engine import duckdb_error_types
    from dyad.store import StoreError

    async def store_unavailable(request: Request, exc: Exception):
        # the store is busy (another process writing) or unreadable: say so, as 503, never a raw DuckDB error
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        response = reply(request, 503, {"error": "store_unavailable", "detail": first[:500]})
        response.headers.update(SECURITY_HEADERS)
        return response

    for kind in (StoreError, *duckdb_error_types()):
        app.add_exception_handler(kind, store_unavailable)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        # Outside the header middleware (Starlette answers 500s at the outermost layer): set headers here.
        response = reply(request, 500, {"error": "internal_error",
                                        "detail": f"the server could not answer ({type(exc).__name__}); see its log"})
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return reply(request, exc.status_code, {"error": "http_error", "detail": str(exc.detail)})


def _series_body(res, a: str, b: str) -> dict:
    return {"indicator": res.indicator.meta(), "a": a, "b": b, "by": res.by, "note": res.note,
            "rows": records(res.frame) if res.ok else []}


# --------------------------------------------------------------------------------------------- API

A, B = "CHN", "RUS"      # the dyad the API docs' examples use


def _example(url: str, description: str = "") -> dict:
    """OpenAPI extension the docs page renders as a runnable example."""
    return {"x-example": {"url": url, "description": description}}


def _json(value) -> bytes:
    """JSON bytes (NaN and missing values as null, by ``records``); dates and numpy scalars as text."""
    import json

    return json.dumps(value, default=str, allow_nan=False, separators=(",", ":")).encode()


def _series_csv(res, a: str, b: str) -> Response:
    import pandas as pd

    frame = res.frame if res.ok else pd.DataFrame(columns=["a", "b", "period", "indicator", "value", "n"])
    name = f"dyad-{a}-{b}-{res.indicator.id}-{res.by}.csv"
    return Response(frame.to_csv(index=False), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _api(app: FastAPI, service: Service, heavy: Heavy) -> None:
    @app.get("/api/indicators", tags=["indicators"], summary="Every registered indicator",
             description="The indicator catalogue: id, label, unit, source table, method anchor, directions, "
                         "frequencies, whether it is directed and how to read a larger value.",
             openapi_extra=_example("/api/indicators?direction=D1", "the D1 (political trust) indicators"))
    async def indicators(direction: str | None = Query(None, max_length=5, description="D1..D5 or all",
                                                       examples=["D1"])):
        d = v.direction(direction)
        key = ("catalogue", d)
        body = service.bodies.get(key)
        if body is None:
            body = _json([i.meta() for i in all_indicators() if d is None or d in i.directions])
            service.bodies.put(key, body)
        return Response(body, media_type="application/json")

    @app.get("/api/indicators/{indicator_id}", tags=["indicators"], summary="One indicator's metadata",
             description="Metadata of one indicator; 404 with the nearest ids when it does not exist.",
             openapi_extra=_example("/api/indicators/un_agreement"))
    async def indicator(indicator_id: str = Path(..., description="indicator id", examples=["un_agreement"])):
        return v.indicator(indicator_id).meta()

    @app.get("/api/dyads/{a}/{b}/indicators/{indicator_id}", tags=["dyads"],
             summary="One indicator for a dyad: tidy rows a, b, period, indicator, value, n (+ ci_low, ci_high)",
             description="The indicator's rows for the dyad (both orders for a directed indicator), optionally "
                         "limited to periods whose middle date falls in [start, end]. Missing values are null; "
                         "periods no loaded file covers have no row. format=csv returns the same rows as a "
                         "CSV file.",
             openapi_extra=_example(f"/api/dyads/{A}/{B}/indicators/un_agreement?start=2000&end=2005",
                                    "share of identical UN votes per year, with n and a 95% interval"))
    async def dyad_indicator(a: str = Path(..., description="country A: ISO3 code or name", examples=["CHN"]),
                             b: str = Path(..., description="country B: ISO3 code or name", examples=["RUS"]),
                             indicator_id: str = Path(..., description="indicator id", examples=["un_agreement"]),
                             by: str | None = Query(None, max_length=16, description="a frequency of the indicator",
                                                    examples=["year"]),
                             start: str | None = Query(None, pattern=DATE_PATTERN, description="YYYY[-MM[-DD]]",
                                                       examples=["2000"]),
                             end: str | None = Query(None, pattern=DATE_PATTERN, description="YYYY[-MM[-DD]]",
                                                     examples=["2005"]),
                             format: str = Query("json", pattern="^(json|csv)$", description="json or csv")):
        a, b = v.dyad(a, b)
        ind = v.indicator(indicator_id)
        freq = v.frequency(ind, by)
        lo, hi = v.date_range(start, end)
        key = ("series", ind.id, a, b, freq, lo, hi)
        if format == "json" and (body := service.bodies.get(key)) is not None:
            return Response(body, media_type="application/json")
        run = _cheap if service.has_series(ind, a, b, freq) else heavy.run
        res = await run(service.filtered, ind, a, b, freq, lo, hi)
        if format == "csv":
            return _series_csv(res, a, b)
        body = _json(_series_body(res, a, b))
        service.bodies.put(key, body)
        return Response(body, media_type="application/json")

    @app.get("/api/dyads/{a}/{b}/summary", tags=["dyads"], summary="Latest value of every indicator for a dyad",
             description="One row per indicator: periods covered, first and last period, the latest value with "
                         "its interval and n, and a note when data are missing or thin. Computing it for a new "
                         "dyad takes a while; the server runs a bounded number of such jobs at once and answers "
                         "503 with Retry-After when too many are waiting.",
             openapi_extra=_example(f"/api/dyads/{A}/{B}/summary"))
    async def dyad_summary(a: str = Path(..., description="country A: ISO3 code or name", examples=["CHN"]),
                           b: str = Path(..., description="country B: ISO3 code or name", examples=["RUS"])):
        a, b = v.dyad(a, b)
        inds = all_indicators()

        def build():
            return [service.series(i, a, b, i.frequencies[0]).summary() for i in inds]

        cached = all(service.has_series(i, a, b, i.frequencies[0]) for i in inds)
        rows = await (_cheap(build) if cached else heavy.run(build))
        return {"a": a, "b": b, "indicators": records(_frame(rows))}

    @app.get("/api/sources", tags=["store"], summary="What is loaded: ingests and rows per source",
             description="Per source: successful ingests, rows read, new and rejected, failed runs and the last "
                         "ingest; and every source adapter this build knows.",
             openapi_extra=_example("/api/sources"))
    def sources_loaded():
        from dyad import sources

        store = service.store()
        loaded = records(store.sources_summary()) if store.has_table("provenance") else []
        adapters = [{"name": x.name, "tables": list(x.tables), "description": x.description}
                    for x in sources.all_adapters()]
        return {"loaded": loaded, "adapters": adapters}

    @app.get("/api/calendar/{country}", tags=["calendar"], summary="Political-cycle events of one country",
             description="Elections, leadership renewals and party congresses of one country, "
                         "from the calendars shipped with dyad and those ingested "
                         "into the store, each with its source.",
             openapi_extra=_example("/api/calendar/USA?start=2016&end=2021"))
    def calendar(country: str = Path(..., description="ISO3 code or name", examples=["USA"]),
                 start: str | None = Query(None, pattern=DATE_PATTERN, description="YYYY[-MM[-DD]]",
                                           examples=["2016"]),
                 end: str | None = Query(None, pattern=DATE_PATTERN, description="YYYY[-MM[-DD]]",
                                         examples=["2021"])):
        code = v.country(country)
        lo, hi = v.date_range(start, end)
        return {"country": code, "events": records(service.calendar(code, lo, hi))}

    @app.get("/api/scorecard/{a}/{b}", tags=["dyads"], summary="The proposal scorecard for a dyad",
             description="Each proposal of the agenda with its verdict and the evidence behind it.",
             openapi_extra=_example(f"/api/scorecard/{A}/{B}"))
    async def scorecard(a: str = Path(..., description="country A: ISO3 code or name", examples=["CHN"]),
                        b: str = Path(..., description="country B: ISO3 code or name", examples=["RUS"])):
        a, b = v.dyad(a, b)
        run = _cheap if service.has_optional("scorecard", a, b) else heavy.run
        section = await run(service.optional, "scorecard", a, b)
        return {"a": a, "b": b, "available": section.available, "note": section.note,
                "tables": {k or "scorecard": records(f) for k, f in section.frames.items()}}

    @app.get("/api/docs", include_in_schema=False)
    async def docs():
        return HTMLResponse(_templates().get_template("apidocs.html.j2").render(spec=app.openapi()))


def _frame(rows: list[dict]):
    import pandas as pd

    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------- pages

def _country_options(codes: list[str]) -> list[tuple[str, str]]:
    """(code, name) for the picker, sorted by name."""
    from dyad.countries import name

    out = []
    for code in codes:
        try:
            out.append((code, name(code)))
        except Exception:  # noqa: BLE001 - a code without a name is listed by its code
            out.append((code, code))
    return sorted(out, key=lambda x: x[1])


def _search(options: list[tuple[str, str]], q: str) -> list[tuple[str, str]]:
    q = q.strip().lower()
    if not q:
        return []
    starts = [o for o in options if o[1].lower().startswith(q) or o[0].lower() == q]
    contains = [o for o in options if q in o[1].lower() and o not in starts]
    return (starts + contains)[:20]


def compact_table(frame, short: int = 40, max_rows: int = 500) -> dict:
    """A frame split for a compact table: columns whose values are short become cells; the long ones go
    into one expandable detail cell per row, its summary the first long value cut to one line."""
    from dyad.report.html import fmt_value

    frame = frame.tail(max_rows)
    text = frame.astype(str)
    long = [c for c in frame.columns if len(text) and text[c].str.len().max() > short]
    cols = [c for c in frame.columns if c not in long]
    rows = []
    for i in range(len(frame)):
        cells = [fmt_value(frame[c].iloc[i]) for c in cols]
        details = [(c, str(frame[c].iloc[i])) for c in long if str(frame[c].iloc[i]) not in ("", "nan", "None")]
        first = details[0][1] if details else ""
        rows.append({"cells": cells, "summary": first[:100] + ("…" if len(first) > 100 else ""),
                     "details": details})
    return {"columns": cols, "long": long, "rows": rows}


def display_label(label: str, name_a: str, name_b: str) -> str:
    """An indicator label with its placeholders ``a`` and ``b`` replaced by the dyad's country names."""
    return re.sub(r"\b([ab])\b", lambda m: name_a if m[1] == "a" else name_b, label)


def _pages(app: FastAPI, service: Service, env: jinja2.Environment, heavy: Heavy) -> None:
    def page(name: str, **context) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(version=__version__, **context))

    options: list[tuple[str, str]] = []

    @app.get("/", include_in_schema=False)
    def home(q: str = Query("", max_length=60)):
        if not options:
            options.extend(_country_options(service.countries()))
        return page("home.html.j2", countries=options, q=q, matches=_search(options, q),
                    pairs=[("CHN", "RUS"), ("USA", "CHN"), ("IND", "PAK"), ("RUS", "IND")])

    @app.get("/dyad", include_in_schema=False)
    def pick(a: str = Query(..., max_length=60), b: str = Query(..., max_length=60)):
        a, b = v.dyad(a, b)
        return RedirectResponse(f"/dyads/{a}/{b}", status_code=303)

    @app.get("/dyads/{a}/{b}", include_in_schema=False)
    async def explorer(a: str, b: str, direction: str | None = Query(None, max_length=5),
                       indicator: str | None = Query(None, max_length=64),
                       start: str | None = Query(None, max_length=10), end: str | None = Query(None, max_length=10)):
        a, b = v.dyad(a, b)
        page_key = (a, b, direction, indicator, start, end)
        html = service.pages.get(page_key)
        if html is not None:
            return HTMLResponse(html)
        chosen = v.indicator(indicator) if indicator else None
        if direction is None and chosen is None:
            # First visit: one direction, not every indicator (computing all of them takes a while).
            direction = next((code for code in DIRECTIONS if any(code in i.directions for i in all_indicators())),
                             "all")
        d = v.direction(direction)
        lo, hi = v.date_range(start, end)
        listed = [i for i in all_indicators() if d is None or d in i.directions]
        if chosen and chosen not in listed:
            listed = [chosen, *listed]
        inds = [chosen] if chosen else listed

        from dyad.report.display import country

        names = (country(a), country(b))          # "Russia", as the report writes it
        labels = {i.id: dataclasses.replace(i, label=display_label(i.label, *names)) for i in [*listed, *inds]}

        def build():
            events = service.dyad_calendar(a, b)
            shown = []
            for ind in inds:
                res = service.filtered(ind, a, b, ind.frequencies[0], lo, hi)
                res = dataclasses.replace(res, indicator=labels[ind.id])
                if res.ok and not res.frame["value"].abs().gt(0).any():
                    res = rd.IndicatorResult(res.indicator, res.by, None,
                                             f"every one of the {len(res.frame)} periods is 0; nothing to draw")
                elif res.ok and not rd.drawable(res).ok:
                    # a chart of thin points reads as data: the same rule as the report's, with a note
                    res = rd.IndicatorResult(res.indicator, res.by, None,
                                             f"{rd.drawable(res).note} (the API still gives the rows)")
                svg = None
                if res.ok:
                    key = (ind.id, a, b, res.by, str(lo), str(hi))
                    # the chart reads the registry label (title without the pair, legend "China → Russia" per
                    # direction); the label with the names is for the page's lists only
                    drawn = dataclasses.replace(res, indicator=ind)
                    svg = Markup(service.svg(key, lambda drawn=drawn: charts.to_svg(charts.indicator_spec(drawn,
                                                                                                         events))))
                shown.append((res, svg, _downloads(a, b, res.indicator.id, res.by, start, end)))
            return events, shown

        cached = all(service.has_series(i, a, b, i.frequencies[0]) for i in inds)
        events, shown = await (_cheap(build) if cached else heavy.run(build))
        response = page("explorer.html.j2", a=a, b=b, names=names, shown=shown, directions=DIRECTIONS,
                    direction=d or "all", indicators=[labels[i.id] for i in listed], indicator=chosen.id if chosen else "",
                    events=len(events), start=start or "", end=end or "")
        service.pages.put(page_key, response.body)
        return response

    @app.get("/dyads/{a}/{b}/scorecard", include_in_schema=False)
    async def scorecard_page(a: str, b: str):
        a, b = v.dyad(a, b)
        run = _cheap if service.has_optional("scorecard", a, b) else heavy.run
        section = await run(service.optional, "scorecard", a, b)
        # the pair is in the heading: columns a and b repeating it on every row are left out
        tables = {name: compact_table(frame.drop(columns=[c for c in ("a", "b") if c in frame.columns
                                                          and frame[c].nunique() <= 1]))
                  for name, frame in section.frames.items()}
        from dyad.report.display import country

        return page("scorecard.html.j2", a=a, b=b, names=(country(a), country(b)), section=section, tables=tables)

    @app.get("/dyads/{a}/{b}/report.html", include_in_schema=False)
    async def report(a: str, b: str):
        a, b = v.dyad(a, b)
        body = await heavy.run(service.report_html, a, b)
        return Response(body, media_type="text/html; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="dyad-report-{a}-{b}.html"'})


def _downloads(a: str, b: str, indicator_id: str, by: str, start: str | None, end: str | None) -> dict[str, str]:
    """Links to one chart's rows as JSON and CSV (the API with the page's filters)."""
    from urllib.parse import urlencode

    params = {"by": by, **({"start": start} if start else {}), **({"end": end} if end else {})}
    base = f"/api/dyads/{a}/{b}/indicators/{indicator_id}?"
    return {"json": base + urlencode(params), "csv": base + urlencode({**params, "format": "csv"}),
            "stem": f"dyad-{a}-{b}-{indicator_id}-{by}"}
