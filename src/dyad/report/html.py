"""Render a :class:`~dyad.report.build.Report` to one self-contained HTML page (Jinja2 template)."""

from __future__ import annotations

import math
import os
import re
from functools import lru_cache
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from dyad.indicators import DIRECTIONS
from dyad.report import data as rd
from dyad.report.build import ANALYSES, TITLES, Report, dyad_title, specs_json, version
from dyad.report.bundle import script_safe, vega_bundle
from dyad.report.charts import is_mirror
from dyad.report.display import dyad_name, mentions_partner, neutral_title, user_text

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


# Methods pages written for readers of a report; the others (engines, faults, the report's own build notes)
# are for developers. Sections about how the code is tested or fixed are left out of the user pages too.
USER_METHODS = ("findings", "alignment", "trade", "events", "words", "agenda", "cycles")
DEVELOPER_HEADINGS = re.compile(
    r"^(checks|tests|found and fixed|performance|faults|what the data shows|agenda format)\b", re.I)
# The methods pages write the pair's countries as a and b; for readers of a report they are A and B.
_PAIR_VARS = ((re.compile(r"(?<![\w*])\*([ab])\*(?![\w*])"), lambda m: f"*{m[1].upper()}*"),
              (re.compile(r"(?<![\w'’])([ab])(?='s\b)"), lambda m: m[1].upper()),
              (re.compile(r"\b([ab])(\s*)(→|->)(\s*)([ab])\b"), lambda m: f"{m[1].upper()}{m[2]}→{m[4]}{m[5].upper()}"),
              (re.compile(r"\b(of|from|with|to|and|between) ([ab])(?=\s*[,.;:)]|\s*$|\s+(?:and|to|with|minus|plus)\b)"),
               lambda m: f"{m[1]} {m[2].upper()}"),
              (re.compile(r"\(([ab]), ([ab])\)"), lambda m: f"({m[1].upper()}, {m[2].upper()})"))


def _pair_letters(line: str) -> str:
    """a and b as A and B outside inline code spans."""
    parts = line.split("`")
    for i in range(0, len(parts), 2):
        for pattern, repl in _PAIR_VARS:
            parts[i] = pattern.sub(repl, parts[i])
    return "`".join(parts)


def user_markdown(text: str) -> tuple[str, str]:
    """(title, body) of a methods page for users: ``{#anchor}`` attributes removed, developer sections
    (## Checks, ## Tests, ## Found and fixed, ## Agenda format ...) and everything under them dropped, the
    pair's countries written A and B."""
    out: list[str] = []
    skipping = False
    fenced = False
    title = ""
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            line = _pair_letters(line)
        line = re.sub(r"\s*\{#[^}]*\}\s*$", "", line)
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            level, words = len(heading[1]), heading[2].strip()
            if level == 1 and not title:
                title = words
                continue
            if level == 2:
                skipping = bool(DEVELOPER_HEADINGS.match(words))
        if not skipping:
            out.append(line)
    return title, "\n".join(out)


def methods_docs() -> list[tuple[str, Markup]]:
    """The user methods pages of docs/methods rendered (raw HTML escaped); empty when the docs are not shipped."""
    folder = DOCS / "methods"
    if not folder.is_dir():
        return []
    pages = []
    for stem in USER_METHODS:
        path = folder / f"{stem}.md"
        if path.is_file():
            title, body = user_markdown(path.read_text(encoding="utf-8"))
            pages.append((title or stem, Markup(_markdown().render(body))))
    return pages


BADGES = {"advanced": "good", "stalled": "flat", "reversed": "bad", "not measurable": "none"}


def scorecard_rows(report: Report) -> dict[str, list[dict]]:
    """Proposal rows of the scorecard per first direction: verdict, one line of evidence, detail rows."""
    section = report.analyses.get("scorecard")
    if section is None or not section.available or "proposals" not in section.frames:
        return {}
    props = section.frames["proposals"]
    ev = section.frames.get("evidence", pd.DataFrame())
    out: dict[str, list[dict]] = {}
    for row in props.to_dict("records"):
        direction = str(row.get("directions") or "other").split(",")[0] or "other"
        rows = ev[(ev["proposal"] == row["proposal"]) & ev["series"].notna()] if len(ev) else ev
        counts = rows["verdict"].value_counts() if len(rows) else pd.Series(dtype=int)
        if len(rows):
            line = f"{len(rows)} series: " + ", ".join(f"{int(counts[v])} {v}" for v in BADGES if v in counts)
        else:
            line = str(row.get("evidence") or "no indicator linked")
        detail_cols = [c for c in ("series", "verdict", "base_mean", "eval_mean", "level_change", "p_value", "n_base",
                                   "n_eval", "note") if c in rows.columns]
        out.setdefault(direction, []).append({
            "id": row["proposal"], "statement": row.get("statement", ""), "verdict": row["verdict"],
            "badge": BADGES.get(row["verdict"], "none"), "coverage": row.get("coverage"), "line": line,
            "detail": rows[detail_cols] if len(rows) else None})
    for rows in out.values():
        rows.sort(key=_proposal_order)
    return out


def _proposal_order(p: dict) -> tuple[int, str]:
    """P2 before P10."""
    m = re.search(r"(\d+)", str(p["id"]))
    return (int(m[1]) if m else 0, str(p["id"]))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["table"] = frame_html
    env.filters["fmt"] = fmt_value
    env.filters["title"] = neutral_title
    env.filters["user_text"] = user_text
    env.filters["per_side"] = lambda ind: bool(ind.directed and not mentions_partner(ind.label))
    env.filters["both_ways"] = lambda res: bool(res.indicator.directed and mentions_partner(res.indicator.label)
                                                and res.ok and res.frame[["a", "b"]].drop_duplicates().shape[0] > 1
                                                and not is_mirror(res.frame, str(res.frame["a"].iloc[0]),
                                                                  str(res.frame["b"].iloc[0])))
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
    groups = rd.directions_of(report.indicators)
    newest = rd.newest_year(report.indicators)
    sections = []
    for code, label, members in groups:
        heads = rd.headlines(members, newest)
        rest = [r for r in members if r not in heads]
        sections.append({"code": code, "label": label, "headlines": heads,
                         "context_only": bool(heads) and all(rd.relevance(h.indicator) < 0.5 for h in heads),
                         "appendix": [r for r in rest if r.ok], "skipped": [r for r in rest if not r.ok]})
    card = scorecard_rows(report)
    shown = [r for s in sections for r in s["headlines"]]
    years = [int(str(p)[:4]) for r in shown for p in r.frame["period"] if str(p)[:4].isdigit()]
    period = f"{min(years)}–{max(years)}" if years else "no data"
    context = {
        "r": report, "title": dyad_title(report.a, report.b), "version": version(), "csp": REPORT_CSP,
        "summary_rows": [dict(row, interval=interval(row)) for row in summary.to_dict("records")],
        "computed": sum(1 for x in report.indicators if x.ok),
        "skipped": [x for x in report.indicators if not x.ok],
        "groups": rd.directions_of(report.indicators), "directions": DIRECTIONS,
        "analyses": [(k, TITLES[k], report.analyses[k]) for k in ANALYSES],
        "chart_ids": chart_ids, "ingest": ingest,
        "ingest_sources": report.ingest.by_source() if report.ingest is not None else None,
        "problems": [] if report.ingest is None else report.ingest.problems(),
        "methods": methods_docs(),
        "findings": report.findings, "coverage": rd.data_coverage(report.indicators),
        "sections": sections, "scorecard_rows": card, "period": period,
        "scorecard_all": sorted((p for rows in card.values() for p in rows), key=_proposal_order),
        "compare_names": [dyad_name(x, y) for x, y in report.compare],
        "provenance_summary": rd.provenance_summary(report.files),
        "specs_json": Markup(specs_json({chart_ids[k]: v for k, v in specs.items()})),
        "bundle": Markup(script_safe(vega_bundle())),
    }
    return _environment().get_template("report.html.j2").render(**context)
