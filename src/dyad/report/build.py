"""Assemble the report: gather (:func:`collect`), render to HTML (:func:`render_html`), write."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dyad import __version__, interrupt
from dyad.countries import resolve
from dyad.progress import heartbeat
from dyad.report import charts
from dyad.report import data as rd
from dyad.report.display import dyad_name
from dyad.report.findings import findings as find_findings
from dyad.report.ingest import IngestPlan
from dyad.report.optional import DEFAULT_AGENDA, EVENT_INDICATOR, OPTIONAL, Section, agenda_id, run_optional

ANALYSES = ("index", "eventstudy", "sync", "scorecard")
TITLES = {"index": "Index by direction", "eventstudy": "Event study", "sync": "Synchronisation",
          "scorecard": "Proposal scorecard"}


@dataclass(frozen=True)
class Report:
    """Everything the report shows, before rendering."""

    a: str
    b: str
    created: str
    indicators: list[rd.IndicatorResult]
    analyses: dict[str, Section]
    calendar: pd.DataFrame
    calendar_note: str
    coverage: pd.DataFrame
    runs: pd.DataFrame
    runs_root: str
    files: pd.DataFrame
    files_root: str
    quarantine: pd.DataFrame
    ingest: IngestPlan | None = None
    timings: dict[str, float] = field(default_factory=dict)
    compare: list[tuple[str, str]] = field(default_factory=list)
    compare_frames: dict[str, list] = field(default_factory=dict)      # indicator id -> [(a, b, frame)]
    percentiles: dict[str, pd.DataFrame] = field(default_factory=dict)  # indicator id -> percentile rows
    findings: list = field(default_factory=list)

    def specs(self) -> dict[str, dict]:
        """Every chart's Vega-Lite spec, keyed by a readable name (also the export file name)."""
        out: dict[str, dict] = {}
        for key in ANALYSES:
            section = self.analyses[key]
            for sub, frame in section.frames.items():
                source = f"{OPTIONAL[key].module}, agenda {agenda_id(self.a, self.b)}" if key in ("index", "scorecard") \
                    else OPTIONAL[key].module
                # an event study's chart says which series it follows: "UN vote agreement around ..."
                head = indicator_label(EVENT_INDICATOR) if key == "eventstudy" else TITLES[key]
                spec = charts.frame_spec(frame, f"{head} {sub}".strip(), source)
                if spec is not None:
                    out[f"{key}-{sub}".strip("-")] = spec
        for res in self.indicators:
            if res.ok and not all_zero(res):
                out[res.indicator.id] = charts.indicator_spec(
                    res, self.calendar, compare=self.compare_frames.get(res.indicator.id),
                    percentiles=self.percentiles.get(res.indicator.id))
        return out

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([r.summary() for r in self.indicators])


def collect(store, a: str, b: str, ingest: IngestPlan | None = None,
            progress_enabled: bool | None = None, compare: list[tuple[str, str]] | None = None) -> Report:
    """Compute everything the report needs from the store (read-only work); ``compare``: up to three other
    dyads drawn on the same charts."""
    a, b = resolve(a), resolve(b)
    if a == b:
        raise ValueError(f"a dyad needs two different countries; got {a} twice")
    # every series goes through dyad.cache.compute: the analyses reuse what the indicator section computed
    return _collect(store, a, b, ingest, progress_enabled, list(compare or [])[:3])


def _collect(store, a: str, b: str, ingest: IngestPlan | None, progress_enabled: bool | None,
             compare: list[tuple[str, str]]) -> Report:
    timings: dict[str, float] = {}
    label = f"report {a}-{b}"
    started = time.perf_counter()
    # a line on stderr every 10 s per phase: a logged build is never silent for long, and a test can press
    # Ctrl-C in a known phase
    with heartbeat(f"{label}: indicators"):
        results = rd.compute_all(store, a, b, progress_enabled)
    timings["indicators"] = time.perf_counter() - started
    started = time.perf_counter()
    with heartbeat(f"{label}: analyses"):
        analyses = {key: run_optional(key, store, a, b) for key in ANALYSES}
    timings["analyses"] = time.perf_counter() - started
    calendar, cal_note = rd.calendar_events(store, a, b)
    started = time.perf_counter()
    percentiles: dict[str, pd.DataFrame] = {}
    with heartbeat(f"{label}: percentiles among all pairs"):
        for res in results:
            if res.ok and rd.has_all_dyads(res.indicator):
                try:
                    pct = rd.percentiles_of(store, res.indicator.id, a, b, res.by)
                except Exception:  # noqa: BLE001 - no context for this indicator; the chart is drawn without it
                    interrupt.check()
                    pct = None
                if pct is not None and len(pct):
                    percentiles[res.indicator.id] = pct
    timings["percentiles"] = time.perf_counter() - started
    started = time.perf_counter()
    compare_frames = {res.indicator.id: rd.compare_series(store, res.indicator, compare, res.by)
                      for res in results if res.ok and compare}
    timings["compare"] = time.perf_counter() - started
    score = analyses["scorecard"]
    # the generic agenda has directions, not proposals: no "Of the 5 proposals ..." finding for it
    proposals = score.frames.get("proposals") if score.available and agenda_id(a, b) == DEFAULT_AGENDA else None
    found = find_findings(results, percentiles, a, b, proposals)
    return Report(a, b, dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), results, analyses,
                  calendar, cal_note, rd.table_coverage(store), *rd.provenance_runs(store),
                  *rd.provenance_files(store), rd.quarantine_counts(store), ingest, timings,
                  compare, compare_frames, percentiles, found)


def build_report(store, a: str, b: str, output: str | Path, *, ingest: IngestPlan | None = None,
                 charts_dir: str | Path | None = None, progress_enabled: bool | None = None,
                 compare: list[tuple[str, str]] | None = None) -> Report:
    """Collect, render and write the report to ``output``; with ``charts_dir`` also SVG + PNG per chart;
    ``compare``: up to three other dyads drawn on the same charts."""
    from dyad.report.html import render_html

    report = collect(store, a, b, ingest, progress_enabled, compare)
    started = time.perf_counter()
    with heartbeat(f"report {report.a}-{report.b}: charts and page"):
        specs = report.specs()
        html = render_html(report, specs)
    interrupt.check()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".part")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(output)
    report.timings["render"] = time.perf_counter() - started
    if charts_dir is not None:
        started = time.perf_counter()
        charts.export_charts(specs, Path(charts_dir), progress_enabled=progress_enabled)
        report.timings["charts"] = time.perf_counter() - started
    return report


def all_zero(res: rd.IndicatorResult) -> bool:
    """Every value of the series is zero: the page says so in a line instead of drawing a flat chart."""
    return res.ok and bool((res.frame["value"].astype(float) == 0).all())


def dyad_title(a: str, b: str) -> str:
    return dyad_name(a, b)


def specs_json(specs: dict[str, dict]) -> str:
    """JSON for a ``<script type="application/json">`` element ("<" escaped so it cannot end the element)."""
    return json.dumps(specs, default=str, separators=(",", ":")).replace("<", "\\u003c")


def version() -> str:
    return __version__


def indicator_label(indicator_id: str) -> str:
    from dyad.indicators import get

    return get(indicator_id).label
