"""Render a :class:`~dyad.report.build.Report` to one self-contained HTML page (Jinja2 template)."""

from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from dyad.indicators import DIRECTIONS
from dyad.report import data as rd
from dyad.report.build import ANALYSES, TITLES, Report, dyad_title, specs_json, version
from dyad.report.bundle import script_safe, vega_bundle

TEMPLATES = Path(__file__).with_name("templates")
DOCS = Path(__file__).resolve().parents[3] / "docs"

# The report opens from disk and must never reach the network: the page forbids every remote load.
REPORT_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
              "img-src data:; font-src data:")


def fmt_value(value: object, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if isinstance(value, float):
        if abs(value) >= 1e5:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def frame_html(frame: pd.DataFrame | None, max_rows: int = 80, empty: str = "no rows") -> Markup:
    """A DataFrame as an escaped HTML table; long tables show the last ``max_rows`` rows and say so."""
    if frame is None or len(frame) == 0:
        return Markup(f'<p class="missing">{Markup.escape(empty)}</p>')
    note = ""
    if len(frame) > max_rows:
        note = f'<p class="note">Showing the last {max_rows} of {len(frame):,} rows.</p>'
        frame = frame.tail(max_rows)
    shown = frame.copy()
    for col in shown.columns:
        shown[col] = shown[col].map(fmt_value)
    table = shown.to_html(index=False, escape=True, border=0, classes="data", na_rep="—")
    return Markup(f'{note}<div class="scroll">{table}</div>')


def interval(row: dict) -> str:
    value = fmt_value(row.get("latest"))
    lo, hi = row.get("ci_low"), row.get("ci_high")
    if isinstance(lo, float) and isinstance(hi, float) and not (math.isnan(lo) or math.isnan(hi)):
        return f"{value} [{lo:.3f}, {hi:.3f}]"
    return value


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def methods_docs() -> list[tuple[str, Markup]]:
    """docs/methods/*.md rendered (raw HTML in them is escaped); empty when the docs are not shipped."""
    folder = DOCS / "methods"
    if not folder.is_dir():
        return []
    return [(p.stem, Markup(_markdown().render(p.read_text(encoding="utf-8"))))
            for p in sorted(folder.glob("*.md"))]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["table"] = frame_html
    env.filters["fmt"] = fmt_value
    env.filters["slug"] = lambda s: "".join(c if c.isalnum() else "-" for c in str(s).lower())
    return env


def render_html(report: Report, specs: dict[str, dict]) -> str:
    """The report page: summary, analyses, indicator charts, calendar, provenance, methods."""
    chart_ids = {name: f"chart-{i}" for i, name in enumerate(specs)}
    summary = report.summary()
    if len(summary):
        summary = summary.sort_values(["direction", "indicator"], kind="stable")
    ingest = report.ingest.to_frame() if report.ingest is not None else None
    if ingest is not None and report.ingest is not None and report.ingest.data_dir:
        root = report.ingest.data_dir
        ingest["path"] = [os.path.relpath(p, root) if p.startswith(root) else p for p in ingest["path"]]
    context = {
        "r": report, "title": dyad_title(report.a, report.b), "version": version(), "csp": REPORT_CSP,
        "summary_rows": [dict(row, interval=interval(row)) for row in summary.to_dict("records")],
        "computed": sum(1 for x in report.indicators if x.ok),
        "skipped": [x for x in report.indicators if not x.ok],
        "groups": rd.directions_of(report.indicators), "directions": DIRECTIONS,
        "analyses": [(k, TITLES[k], report.analyses[k]) for k in ANALYSES],
        "chart_ids": chart_ids, "ingest": ingest,
        "ingest_sources": report.ingest.by_source() if report.ingest is not None else None,
        "problems": [] if report.ingest is None else [o for o in report.ingest.outcomes
                                                     if o.status in ("failed", "not ingested", "absent")],
        "methods": methods_docs(),
        "specs_json": Markup(specs_json({chart_ids[k]: v for k, v in specs.items()})),
        "bundle": Markup(script_safe(vega_bundle())),
    }
    return _environment().get_template("report.html.j2").render(**context)
