"""The FastAPI application: HTML pages (server-rendered, charts as inline SVG, no JavaScript) and /api.

Every response carries security headers; the content security policy allows nothing remote and no
script at all. Parameters pass through :mod:`dyad.web.validate`; errors are JSON under /api and a short
HTML page elsewhere, both with a 4xx status.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from dyad import __version__
from dyad.indicators import DIRECTIONS, all_indicators
from dyad.output import records
from dyad.report import charts
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
TEMPLATES = Path(__file__).with_name("templates")
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["table"] = frame_html
    env.filters["fmt"] = fmt_value
    return env


def create_app(store_path: str | Path, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The dashboard over the store at ``store_path`` (opened read-only). ``allowed_hosts`` limits the
    Host header (DNS-rebinding guard when serving on loopback); None accepts any."""
    service = Service(store_path)

    @asynccontextmanager
    async def lifespan(_app):
        yield
        service.close()

    app = FastAPI(title="dyad API", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", lifespan=lifespan,
                  description="Read-only access to a dyad store: indicators per dyad and period, sources, "
                              "calendar, scorecard. Every parameter is validated; errors are JSON with a 4xx status.")
    app.state.service = service
    env = _templates()
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    _errors(app, env)
    _api(app, service)
    _pages(app, service, env)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _errors(app: FastAPI, env: jinja2.Environment) -> None:
    def reply(request: Request, status: int, body: dict):
        if _wants_json(request):
            return JSONResponse(body, status_code=status)
        html = env.get_template("error.html.j2").render(status=status, body=body, version=__version__)
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(v.BadRequest)
    async def bad_request(request: Request, exc: v.BadRequest):
        return reply(request, exc.status, exc.body())

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

def _api(app: FastAPI, service: Service) -> None:
    @app.get("/api/indicators", tags=["indicators"], summary="Every registered indicator")
    def indicators(direction: str | None = Query(None, max_length=5, description="D1..D5 or all")):
        d = v.direction(direction)
        return [i.meta() for i in all_indicators() if d is None or d in i.directions]

    @app.get("/api/indicators/{indicator_id}", tags=["indicators"], summary="One indicator's metadata")
    def indicator(indicator_id: str):
        return v.indicator(indicator_id).meta()

    @app.get("/api/dyads/{a}/{b}/indicators/{indicator_id}", tags=["dyads"],
             summary="One indicator for a dyad: tidy rows a, b, period, indicator, value, n (+ ci_low, ci_high)")
    def dyad_indicator(a: str, b: str, indicator_id: str,
                       by: str | None = Query(None, max_length=16, description="a frequency of the indicator"),
                       start: str | None = Query(None, pattern=DATE_PATTERN, description="YYYY[-MM[-DD]]"),
                       end: str | None = Query(None, pattern=DATE_PATTERN, description="YYYY[-MM[-DD]]")):
        a, b = v.dyad(a, b)
        ind = v.indicator(indicator_id)
        lo, hi = v.date_range(start, end)
        return _series_body(service.filtered(ind, a, b, v.frequency(ind, by), lo, hi), a, b)

    @app.get("/api/dyads/{a}/{b}/summary", tags=["dyads"], summary="Latest value of every indicator for a dyad")
    def dyad_summary(a: str, b: str):
        a, b = v.dyad(a, b)
        rows = [service.series(i, a, b, i.frequencies[0]).summary() for i in all_indicators()]
        return {"a": a, "b": b, "indicators": records(_frame(rows))}

    @app.get("/api/sources", tags=["store"], summary="What is loaded: ingests and rows per source")
    def sources_loaded():
        from dyad import sources

        store = service.store()
        loaded = records(store.sources_summary()) if store.has_table("provenance") else []
        adapters = [{"name": x.name, "tables": list(x.tables), "description": x.description}
                    for x in sources.all_adapters()]
        return {"loaded": loaded, "adapters": adapters}

    @app.get("/api/calendar/{country}", tags=["calendar"], summary="Political-cycle events of one country")
    def calendar(country: str, start: str | None = Query(None, pattern=DATE_PATTERN),
                 end: str | None = Query(None, pattern=DATE_PATTERN)):
        code = v.country(country)
        lo, hi = v.date_range(start, end)
        return {"country": code, "events": records(service.calendar(code, lo, hi))}

    @app.get("/api/scorecard/{a}/{b}", tags=["dyads"], summary="The proposal scorecard for a dyad")
    def scorecard(a: str, b: str):
        a, b = v.dyad(a, b)
        section = service.optional("scorecard", a, b)
        return {"a": a, "b": b, "available": section.available, "note": section.note,
                "tables": {k or "scorecard": records(f) for k, f in section.frames.items()}}

    @app.get("/api/docs", include_in_schema=False)
    def docs():
        return HTMLResponse(_templates().get_template("apidocs.html.j2").render(spec=app.openapi()))


def _frame(rows: list[dict]):
    import pandas as pd

    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------- pages

def _pages(app: FastAPI, service: Service, env: jinja2.Environment) -> None:
    def page(name: str, **context) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(version=__version__, **context))

    @app.get("/", include_in_schema=False)
    def home():
        return page("home.html.j2", countries=service.countries())

    @app.get("/dyad", include_in_schema=False)
    def pick(a: str = Query(..., max_length=60), b: str = Query(..., max_length=60)):
        a, b = v.dyad(a, b)
        return RedirectResponse(f"/dyads/{a}/{b}", status_code=303)

    @app.get("/dyads/{a}/{b}", include_in_schema=False)
    def explorer(a: str, b: str, direction: str | None = Query(None, max_length=5),
                 indicator: str | None = Query(None, max_length=64),
                 start: str | None = Query(None, max_length=10), end: str | None = Query(None, max_length=10)):
        a, b = v.dyad(a, b)
        chosen = v.indicator(indicator) if indicator else None
        if direction is None and chosen is None:
            # First visit: one direction, not every indicator (computing all of them takes a while).
            direction = next((code for code in DIRECTIONS if any(code in i.directions for i in all_indicators())),
                             "all")
        d = v.direction(direction)
        lo, hi = v.date_range(start, end)
        # A chosen indicator is shown whatever the direction filter says (the form keeps both fields).
        inds = [chosen] if chosen else [i for i in all_indicators() if d is None or d in i.directions]
        events = service.dyad_calendar(a, b)
        shown = []
        for ind in inds:
            res = service.filtered(ind, a, b, ind.frequencies[0], lo, hi)
            svg = Markup(charts.to_svg(charts.indicator_spec(res, events))) if res.ok else None
            shown.append((res, svg))
        return page("explorer.html.j2", a=a, b=b, shown=shown, directions=DIRECTIONS, direction=d or "all",
                    indicators=all_indicators(), indicator=chosen.id if chosen else "", events=len(events),
                    start=start or "", end=end or "")

    @app.get("/dyads/{a}/{b}/scorecard", include_in_schema=False)
    def scorecard_page(a: str, b: str):
        a, b = v.dyad(a, b)
        return page("scorecard.html.j2", a=a, b=b, section=service.optional("scorecard", a, b))

    @app.get("/dyads/{a}/{b}/report.html", include_in_schema=False)
    def report(a: str, b: str):
        a, b = v.dyad(a, b)
        return Response(service.report_html(a, b), media_type="text/html; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="dyad-report-{a}-{b}.html"'})
