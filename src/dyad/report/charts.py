"""Chart specs (Altair -> Vega-Lite dicts) and their SVG / PNG rendering with vl-convert.

Every chart has a title, the unit on the y axis and a source line; calendar events (political cycles
and bilateral milestones) are vertical rules with the label in the tooltip.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

import altair as alt
import pandas as pd

from dyad.report.data import IndicatorResult, period_date

WIDTH, HEIGHT = 760, 230
alt.data_transformers.disable_max_rows()


def series_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Plot-ready rows: x as a date when every period is one (then calendar rules can overlay)."""
    out = frame.copy()
    b = out["b"].astype(str)
    out["pair"] = out["a"].astype(str).where(b == "", out["a"].astype(str) + " → " + b)
    dates = out["period"].map(period_date)
    temporal = bool(dates.notna().all())
    if temporal:
        out["x"] = [d.isoformat() for d in dates]
    else:
        out["x"] = out["period"].astype(str)
    for col in ("ci_low", "ci_high"):
        if col in out.columns:
            out[col] = out[col].astype(float)
    out["value"] = out["value"].astype(float)
    keep = ["x", "period", "pair", "value", "n"] + [c for c in ("ci_low", "ci_high") if c in out.columns]
    return out[keep], temporal


def line_chart(frame: pd.DataFrame, title: str, unit: str, source: str,
               events: pd.DataFrame | None = None, width: int = WIDTH, height: int = HEIGHT) -> dict:
    """A Vega-Lite spec: the value line (one colour per ordered pair), its interval band, event rules."""
    rows, temporal = series_frame(frame)
    x = alt.X("x", type="temporal" if temporal else "ordinal", title=None, axis=_time_axis(rows) if temporal else alt.Axis(labelAngle=0))
    multi = rows["pair"].nunique() > 1
    color = alt.Color("pair:N", title="direction") if multi else alt.value("#1f5f8b")
    base = alt.Chart(rows)
    tooltip = [alt.Tooltip("period:N"), alt.Tooltip("pair:N", title="pair"),
               alt.Tooltip("value:Q", format=".3f"), alt.Tooltip("n:Q", title="n")]
    layers = []
    if {"ci_low", "ci_high"} <= set(rows.columns) and rows["ci_low"].notna().any():
        tooltip += [alt.Tooltip("ci_low:Q", format=".3f"), alt.Tooltip("ci_high:Q", format=".3f")]
        band_color = alt.Color("pair:N", legend=None) if multi else alt.value("#1f5f8b")
        layers.append(base.mark_area(opacity=0.18).encode(x=x, y="ci_low:Q", y2="ci_high:Q", color=band_color))
    layers.append(base.mark_line(point=alt.OverlayMarkDef(size=18)).encode(
        x=x, y=alt.Y("value:Q", title=unit, scale=alt.Scale(zero=False)), color=color, tooltip=tooltip))
    if temporal and events is not None and len(events):
        lo, hi = min(rows["x"]), max(rows["x"])
        ev = calendar_marks(events)
        ev = ev[(ev["x"] >= lo[:4]) & (ev["x"] <= hi[:4] + "-12-31")]
        if len(ev):
            layers.append(alt.Chart(ev).mark_rule(strokeDash=[3, 3], opacity=0.6).encode(
                x=alt.X("x:T"), strokeWidth=alt.value(1),
                stroke=alt.Stroke("category:N", title="calendar",
                                  scale=alt.Scale(domain=list(CATEGORY_COLORS), range=list(CATEGORY_COLORS.values()))),
                tooltip=[alt.Tooltip("x:T", title="date"), "country:N", "kind:N", "label:N"]))
    chart = alt.layer(*layers).resolve_scale(color="independent").properties(
        width=width, height=height,
        title=alt.TitleParams(title, subtitle=[f"Unit: {unit}. Source: {source}."], anchor="start",
                              fontSize=14, subtitleColor="#555"))
    return chart.to_dict(validate=False)   # schema checking costs ~40 ms a chart; the tests draw every chart


# Calendar kinds drawn on every chart: all bilateral entries, and only the turning points of each side's
# political cycle (more would hide the data).
CYCLE_KINDS = {"presidential_election", "leadership_transition", "party_congress", "npc_leadership_transition",
               "leader_change", "general_election"}
CATEGORY_COLORS = {"bilateral milestone": "#b2182b", "political cycle": "#7a7a7a"}


def calendar_marks(events: pd.DataFrame) -> pd.DataFrame:
    """Calendar rows to draw: pair entries as milestones, major cycle kinds of either side."""
    if events is None or len(events) == 0:
        return pd.DataFrame(columns=["x", "category", "kind", "label", "country"])
    pair = events["country"].astype(str).str.contains("-")
    keep = pair | events["kind"].isin(CYCLE_KINDS)
    ev = events[keep].copy()
    ev["category"] = ["bilateral milestone" if p else "political cycle" for p in pair[keep]]
    ev["x"] = ev["date"].dt.strftime("%Y-%m-%d")
    return ev[["x", "category", "kind", "label", "country"]].reset_index(drop=True)


def _time_axis(rows: pd.DataFrame) -> alt.Axis:
    """Year labels for yearly series (no 'April'/'October' ticks inside a short range)."""
    yearly = rows["period"].astype(str).str.fullmatch(r"\d{4}").all()
    if not yearly:
        return alt.Axis(format="%Y", labelOverlap=True)
    years = rows["x"].str.slice(0, 4).astype(int)
    step = max(1, int((years.max() - years.min()) // 12) or 1)
    return alt.Axis(format="%Y", tickCount={"interval": "year", "step": step}, labelOverlap=True)


def indicator_spec(result: IndicatorResult, events: pd.DataFrame | None = None) -> dict:
    ind = result.indicator
    source = f"{ind.source} (dyad store); method: {ind.method}; by {result.by}"
    return line_chart(result.frame, ind.label, ind.unit, source, events)


def frame_spec(frame: pd.DataFrame, title: str, source: str = "dyad.analysis") -> dict | None:
    """A chart for an analysis table: a series over periods (one line per 'direction' if any), or an event
    study's estimate per offset with its interval; None for other tables."""
    if {"offset", "estimate"} <= set(frame.columns):
        return _offset_spec(frame, title)
    if not {"period", "value"} <= set(frame.columns) or len(frame) == 0:
        return None
    rows = frame.copy()
    rows["a"] = rows["direction"].astype(str) if "direction" in rows.columns else ""
    rows["b"] = ""
    if "n" not in rows.columns:
        rows["n"] = pd.NA
    rows["period"] = rows["period"].astype(str)
    rows = rows[pd.to_numeric(rows["value"], errors="coerce").notna()]
    if len(rows) == 0:
        return None
    return line_chart(rows, title, "index (z-score units)", source)


def _offset_spec(frame: pd.DataFrame, title: str) -> dict | None:
    rows = frame[frame["offset"].notna()][["offset", "estimate", "ci_low", "ci_high", "n"]].astype(float)
    if len(rows) == 0:
        return None
    base = alt.Chart(rows).encode(x=alt.X("offset:Q", title="periods from event", axis=alt.Axis(tickMinStep=1)))
    chart = alt.layer(
        alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(strokeDash=[4, 4], color="gray").encode(y="y:Q"),
        base.mark_rule(strokeWidth=2, color="#1f5f8b").encode(y=alt.Y("ci_low:Q", title="deviation from baseline"),
                                                               y2="ci_high:Q"),
        base.mark_point(filled=True, size=60, color="#1f5f8b").encode(
            y="estimate:Q", tooltip=["offset:Q", alt.Tooltip("estimate:Q", format=".3f"), "n:Q"]),
    ).properties(width=420, height=220, title=alt.TitleParams(
        title, subtitle=["Mean deviation from the pre-event baseline, 95% interval. Source: dyad.analysis.eventstudy."],
        anchor="start", fontSize=14, subtitleColor="#555"))
    return chart.to_dict(validate=False)   # schema checking costs ~40 ms a chart; the tests draw every chart


# ------------------------------------------------------------------------------------ rendering

def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


@lru_cache(maxsize=512)
def _svg_cached(spec_json: str) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(json.loads(spec_json))


def to_svg(spec: dict) -> str:
    """Render a spec to SVG text (cached by content: the dashboard redraws the same charts often)."""
    return _svg_cached(json.dumps(spec, sort_keys=True, default=str))


def export_charts(specs: dict[str, dict], folder: Path, scale: float = 2.0,
                  progress_enabled: bool | None = None) -> list[Path]:
    """Write ``<name>.svg`` and ``<name>.png`` for every chart, for slides."""
    import vl_convert as vlc

    from dyad.progress import progress

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in progress(specs.items(), desc="charts", unit="chart", enabled=progress_enabled,
                               total=len(specs)):
        stem = folder / slug(name)
        (stem.with_suffix(".svg")).write_text(to_svg(spec), encoding="utf-8")
        (stem.with_suffix(".png")).write_bytes(vlc.vegalite_to_png(spec, scale=scale))
        written += [stem.with_suffix(".svg"), stem.with_suffix(".png")]
    return written


def spec_hash(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:12]
