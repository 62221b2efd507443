"""Chart specs (Altair -> Vega-Lite dicts) and their SVG / PNG rendering with vl-convert.

Every chart has a title, the unit on the y axis and a source line; calendar events (political cycles
and bilateral milestones) are vertical rules with the full label in the tooltip and a short label in rows
above the plot (:func:`label_lanes`).
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


# Calendar entries drawn on the indicator charts: only turning points (party congresses, national elections,
# changes of leader, summits and bilateral milestones), at most one of each kind per side and year; the rest
# of the calendar is listed in its table. Kinds not named here (NPC sessions, addresses, Duma elections ...)
# are not drawn.
TURNING_POINTS = {
    "party_congress": "party congress", "presidential_election": "election", "general_election": "election",
    "parliamentary_election": "election", "national_election": "election",
    "leadership_transition": "new leader", "leader_change": "new leader", "npc_leadership_transition": "",
    "summit": "summit", "state_visit": "summit", "joint_statement": "summit", "bilateral_milestone": "milestone",
}
CYCLE_KINDS = {k for k, v in TURNING_POINTS.items() if v}      # kept for callers of the old name
CATEGORY_COLORS = {"bilateral": "#b2182b", "political cycle": "#7a7a7a"}


def calendar_marks(events: pd.DataFrame | None) -> pd.DataFrame:
    """Calendar rows to draw, each with a short label ("Russia election", "summit")."""
    from dyad.report.display import country

    cols = ["x", "year", "category", "kind", "label", "country", "short"]
    if events is None or len(events) == 0:
        return pd.DataFrame(columns=cols)
    ev = events[events["kind"].map(lambda k: bool(TURNING_POINTS.get(str(k))))].copy()
    ev = ev[~ev["label"].astype(str).str.contains("first round", case=False)]
    if len(ev) == 0:
        return pd.DataFrame(columns=cols)
    pair = ev["country"].astype(str).str.contains("-")
    ev["category"] = ["bilateral" if p else "political cycle" for p in pair]
    ev["x"] = ev["date"].dt.strftime("%Y-%m-%d")
    ev["year"] = ev["date"].dt.year
    word = ev["kind"].map(lambda k: TURNING_POINTS[str(k)])
    ev["short"] = [w if p else f"{country(c)} {w}" for w, p, c in zip(word, pair, ev["country"], strict=True)]
    ev = ev.drop_duplicates(["year", "short"])
    return ev[cols].reset_index(drop=True)


def _segments(dates: pd.Series, by: str) -> pd.Series:
    """A run number per point: a new run starts after a gap longer than one period, so no line crosses it."""
    step = {"month": 45, "quarter": 130, "day": 2}.get(by, 550)     # days; years and sessions: 1.5 years
    gaps = dates.diff().dt.days.fillna(0) > step
    return gaps.cumsum()


def sparse(dates: pd.Series, by: str) -> bool:
    """A series is drawn as points when it has fewer than 4 values or fills under half of its span."""
    if len(dates) < 4:
        return True
    step = {"month": 30.4, "quarter": 91.3, "day": 1.0}.get(by, 365.25)
    expected = (dates.max() - dates.min()).days / step + 1
    return len(dates) / expected < 0.5


def is_mirror(frame: pd.DataFrame, a: str, b: str) -> bool:
    """True when the value for (b, a) is minus the value for (a, b) in every shared period (a trade balance):
    drawing both would show the same fact twice."""
    x = frame[(frame["a"] == a) & (frame["b"] == b)].set_index("period")["value"]
    y = frame[(frame["a"] == b) & (frame["b"] == a)].set_index("period")["value"]
    shared = x.index.intersection(y.index)
    if len(shared) < 2:
        return False
    xs, ys = x.loc[shared].astype(float), y.loc[shared].astype(float)
    scale = max(float(xs.abs().max()), 1e-12)
    return bool(((xs + ys).abs() <= 1e-6 * scale).all())


DYAD_COLORS = ["#1f5f8b", "#d95f02"]
COMPARE_COLORS = ["#6b6b6b", "#9a9a9a", "#3f3f3f", "#b5b5b5"]


def indicator_rows(result: IndicatorResult, compare: list | None = None) -> tuple[pd.DataFrame, float, str]:
    """Plot rows for one indicator: x date, series name, scaled value and interval, n, thin flag, run number;
    with the scale factor and human unit. ``compare``: (a, b, frame) of comparison dyads."""
    from dyad.report.display import human_unit, series_name

    ind = result.indicator
    frame = result.frame.copy()
    order = list(dict.fromkeys(zip(frame["a"].astype(str), frame["b"].astype(str), strict=True)))
    a, b = order[0]
    if ind.directed and len(order) > 1 and is_mirror(frame, a, b):
        frame = frame[(frame["a"] == a) & (frame["b"] == b)]
        order = order[:1]
    parts = [(frame, "dyad")]
    for ca, cb, cframe in compare or []:
        if cframe is not None and len(cframe):
            parts.append((cframe[(cframe["a"] == ca) & (cframe["b"] == cb)], "compare"))
    rows = []
    for part, kind in parts:
        part = part[part["value"].notna()].copy()
        if part.empty:
            continue
        part["kind"] = kind
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    out["period"] = out["period"].astype(str)
    dates = out["period"].map(period_date)
    if dates.isna().any():
        return pd.DataFrame(), 1.0, ind.unit
    out["date"] = pd.to_datetime(dates)
    own = out.loc[out["kind"] == "dyad", "date"]
    out = out[(out["kind"] == "dyad") | out["date"].between(own.min(), own.max())]   # comparisons: same years
    factor, unit = human_unit(ind.unit, out["value"].tolist())
    out["series"] = [series_name(ind.label, x, y, ind.directed) for x, y in zip(out["a"], out["b"], strict=True)]
    if "quality" in out.columns:
        out["thin"] = out["quality"].astype(str).eq("thin")
    else:       # no quality column: an estimate with an interval on fewer than 10 observations is thin
        n = pd.to_numeric(out["n"], errors="coerce") if "n" in out.columns else pd.Series(float("nan"), out.index)
        has_ci = out["ci_low"].notna() if "ci_low" in out.columns else pd.Series(False, out.index)
        out["thin"] = has_ci & (n < 10)
    for col in ("value", "ci_low", "ci_high"):
        out[col] = (pd.to_numeric(out[col], errors="coerce") / factor) if col in out.columns else float("nan")
    out = out.sort_values(["series", "date"]).reset_index(drop=True)
    step = {"month": 45, "quarter": 130, "day": 2}.get(result.by, 550)     # days; years, sessions: 1.5 years
    gap = out.groupby("series")["date"].diff().dt.days.fillna(0) > step
    # a thin value is a hollow point, never part of a line: runs break on both sides of it
    after_thin = out.groupby("series")["thin"].shift(fill_value=False).astype(bool)
    gap = gap | out["thin"].astype(bool) | after_thin
    out["run"] = gap.astype(int).groupby(out["series"]).cumsum()
    per = {"month": 30.4, "quarter": 91.3, "day": 1.0}.get(result.by, 365.25)
    stats_ = out.groupby("series")["date"].agg(["count", "min", "max"])
    expected = (stats_["max"] - stats_["min"]).dt.days / per + 1
    is_sparse = (stats_["count"] < 4) | (stats_["count"] / expected < 0.5)
    out["line"] = ~out["series"].map(is_sparse).astype(bool)
    out["x"] = out["date"].dt.strftime("%Y-%m-%d")
    out["n"] = pd.to_numeric(out["n"], errors="coerce") if "n" in out.columns else float("nan")
    keep = ["x", "period", "series", "kind", "value", "ci_low", "ci_high", "n", "thin", "run", "line"]
    return out[keep].reset_index(drop=True), factor, unit


# What a reader knows the data by: the values of the tidy rows' ``source`` column, else the tables read.
SOURCE_NAMES = {
    "baci": "CEPII BACI", "comtrade": "UN Comtrade", "oec": "OEC", "cow-trade": "Correlates of War trade",
    "wdi": "World Bank WDI", "peacesciencer": "peacesciencer (COW, ATOP, V-Dem, Archigos)",
    "netify_icews": "ICEWS dyad-years (netify)", "sipri-register": "SIPRI arms transfers register",
    "sipri-deliveries": "SIPRI deliveries", "sipri-tiv": "SIPRI TIV tables",
    "votes, rollcalls": "UN General Assembly votes (Voeten; UN records)",
    "speeches": "UN General Debate speeches", "events": "GDELT and ICEWS events",
    "resolutions, resolution_sponsors": "UN resolution records",
}


def source_names(frame: pd.DataFrame, tables: str) -> str:
    """The chart's source line: the datasets behind the rows (``source`` column), named as readers know them."""
    values = []
    if isinstance(frame, pd.DataFrame) and "source" in frame.columns:
        values = [str(v) for v in dict.fromkeys(frame["source"].dropna()) if str(v)]
    names = [SOURCE_NAMES.get(v, v) for v in values] or [SOURCE_NAMES.get(tables, tables)]
    return ", ".join(dict.fromkeys(names))


def indicator_spec(result: IndicatorResult, events: pd.DataFrame | None = None, *, compare: list | None = None,
                   percentiles: pd.DataFrame | None = None, width: int = WIDTH, height: int = HEIGHT) -> dict:
    """One indicator's chart: both directions of a directed indicator (one only when they mirror each other),
    comparison dyads dashed in grey, interval bands, runs broken at missing periods, sparse series as points,
    thin values hollow and faded, calendar turning points labelled (layer "calendar", which the page can hide),
    and below it the dyad's percentile among all dyads when ``percentiles`` is given."""
    from dyad.report.display import AXIS_FORMAT, VALUE_FORMAT, neutral_title

    ind = result.indicator
    rows, factor, unit = indicator_rows(result, compare)
    title = neutral_title(ind.label)
    source = f"{source_names(result.frame, ind.source)}, by {result.by}"
    if rows.empty:       # periods that are not dates (rare): the plain chart
        return line_chart(result.frame, title, ind.unit, source, None, width, height)
    series = list(dict.fromkeys(rows.loc[rows["kind"] == "dyad", "series"]))
    others = [s for s in dict.fromkeys(rows["series"]) if s not in series]
    domain = series + others
    colors = (DYAD_COLORS * 2)[:len(series)] + (COMPARE_COLORS * 2)[:len(others)]
    scale = alt.Scale(domain=domain, range=colors)
    datasets: dict = {}                      # attached after to_dict: Altair deep-copies inline data, slowly
    cal = _calendar_layers(events, rows, width, datasets)
    lanes = max((int(r["lane"]) + 1 for r in datasets.get("calendar_labels", [])), default=0)
    # The legend sits above the rows of calendar labels: in a single view its offset counts from the plot's top
    # edge, so it skips the rows; in a concatenation with the percentile strip it is laid out above all content.
    concat = percentiles is not None and len(percentiles) > 0
    offset = 4 if concat else (lanes * LANE_HEIGHT + 6 if lanes else 18)
    color = alt.Color("series:N", title=None, scale=scale,
                      legend=alt.Legend(orient="top", direction="horizontal", labelLimit=260, offset=offset))
    slim = rows.drop(columns=[c for c in ("ci_low", "ci_high") if rows[c].isna().all()])
    for col in ("value", "ci_low", "ci_high"):
        if col in slim.columns:
            slim[col] = slim[col].map(lambda v: float(f"{v:.6g}") if pd.notna(v) else v)
    datasets["rows"] = _records(slim)
    x = alt.X("x:T", title=None, axis=_time_axis(rows, width),
              scale=alt.Scale(domain=[rows["x"].min(), rows["x"].max()], padding=X_PADDING))
    # counts and money start at zero (a count drawn from 1 up doubles as it rises); rates and indices may not
    y = alt.Y("value:Q", title=unit, scale=alt.Scale(zero=starts_at_zero(ind.unit, rows["value"])),
              axis=alt.Axis(format=AXIS_FORMAT, tickCount=5))
    tooltip = [alt.Tooltip("period:N"), alt.Tooltip("series:N", title="series"),
               alt.Tooltip("value:Q", format=VALUE_FORMAT, title=unit), alt.Tooltip("n:Q", title="n", format=",")]
    base = alt.Chart(alt.NamedData("rows")).transform_calculate(key="datum.series + '#' + datum.run")
    layers = []
    if rows["ci_low"].notna().any():
        tooltip += [alt.Tooltip("ci_low:Q", format=VALUE_FORMAT, title="95% low"),
                    alt.Tooltip("ci_high:Q", format=VALUE_FORMAT, title="95% high")]
        layers.append(base.transform_filter("isValid(datum.ci_low) && datum.line && !datum.thin").mark_area(opacity=0.16).encode(
            x=x, y="ci_low:Q", y2="ci_high:Q", color=alt.Color("series:N", scale=scale, legend=None),
            detail="key:N"))
        layers.append(base.transform_filter("isValid(datum.ci_low) && !datum.line").mark_rule(opacity=0.5).encode(
            x=x, y="ci_low:Q", y2="ci_high:Q", color=alt.Color("series:N", scale=scale, legend=None)))
    layers.append(base.transform_filter("datum.line && !datum.thin").mark_line(strokeWidth=2).encode(
        x=x, y=y, color=color, detail="key:N",
        strokeDash=alt.StrokeDash("kind:N", scale=alt.Scale(domain=["dyad", "compare"], range=[[1, 0], [5, 3]]),
                                  legend=None)))
    layers.append(base.transform_filter("!datum.thin").mark_point(filled=True, size=22).encode(
        x=x, y=y, color=color, tooltip=tooltip))
    notes = []
    if rows["thin"].any():
        layers.append(base.transform_filter("datum.thin").mark_point(filled=False, size=40, opacity=0.45).encode(
            x=x, y=y, color=color, tooltip=tooltip + [alt.Tooltip("thin:N", title="thin data")]))
        notes.append("Hollow, faded points rest on thin data.")
    if (~rows["line"]).any():
        notes.append("Series with few or scattered periods are drawn as points only.")
    layers += cal
    if cal:
        notes.append("Dotted lines: party congresses, elections, new leaders and summits.")
    subtitle = [f"Source: {source}." + (" " + " ".join(notes) if notes else "")]
    main = alt.layer(*layers).properties(width=width, height=height)
    title_params = alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=15, subtitleColor="#555",
                                   subtitleFontSize=11)
    if concat:
        pct = _percentile_chart(percentiles, rows, width, datasets)
        chart = alt.vconcat(main, pct, spacing=6).properties(title=title_params)   # legend shared: at the top
    else:
        chart = main.properties(title=title_params)
    spec = chart.to_dict(validate=False)
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec


def starts_at_zero(unit: str, values: pd.Series) -> bool:
    """True for a volume (money, events, deals, TIV, organisations; not "per event") with no negative value."""
    from dyad.report.findings import _is_volume

    return _is_volume(unit) and bool((pd.to_numeric(values, errors="coerce").dropna() >= 0).all())


def _records(frame: pd.DataFrame) -> list[dict]:
    """JSON-ready rows (NaN as null)."""
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def _time_axis(rows: pd.DataFrame, width: int | None = None) -> alt.Axis:
    """Year labels for yearly series (no 'April'/'October' ticks inside a short range). A yearly value sits in
    the middle of its year (2 July): with ``width`` given, ticks, grid lines and labels sit there too, so "2023"
    is written under the 2023 value, not half a year before it."""
    yearly = rows["period"].astype(str).str.fullmatch(r"\d{4}").all()
    if not yearly:
        return alt.Axis(format="%Y", labelOverlap=True)
    years = rows["x"].str.slice(0, 4).astype(int)
    step = max(1, int((years.max() - years.min()) // 12) or 1)
    if width:
        last = int(years.max())
        marks = [alt.DateTime(year=y, month=7, date=2) for y in range(last, int(years.min()) - 1, -step)][::-1]
        return alt.Axis(format="%Y", values=marks, labelOverlap=True)
    return alt.Axis(format="%Y", tickCount={"interval": "year", "step": step}, labelOverlap=True)


LABEL_FONT = 9            # px, calendar labels
LABEL_LANES = 4           # rows of labels above a chart; a label that fits in none keeps its rule and tooltip
LANE_HEIGHT = 12          # px per row
X_PADDING = 6             # px, the time scale's padding on each side (main chart, labels and percentiles)
# Which labels win a place when not all fit: changes of leader and elections first, summits last.
LABEL_PRIORITY = {"new leader": 0, "election": 0, "party congress": 1, "milestone": 2, "summit": 3}


def label_width(text: str, font_size: float = LABEL_FONT) -> float:
    """A generous width in px of a label in a sans-serif font (0.64 em a character, plus 4 px)."""
    return 0.64 * font_size * len(text) + 4


def label_lanes(ev: pd.DataFrame, lo: str, hi: str, width: int, lanes: int = LABEL_LANES,
                gap: float = 4) -> pd.DataFrame:
    """Place calendar labels in rows above the plot so that no two overprint and none covers the data.

    Each label is written horizontally after a short tick at its date (or before it, near the right edge).
    Labels are placed by priority (leaders and elections, then congresses, milestones, summits), then date,
    each in the lowest row where it keeps ``gap`` px from its neighbours; those that fit nowhere are left out
    (their dotted rule and tooltip stay). Returns the placed rows with ``lane`` (0 = nearest the plot),
    ``align`` ("left"/"right") and the estimated pixel box ``x0``..``x1`` (tick included)."""
    t0, t1 = pd.Timestamp(lo), pd.Timestamp(hi)
    span = max((t1 - t0).total_seconds(), 1.0)
    inner = width - 2 * X_PADDING
    busy: list[list[tuple[float, float]]] = [[] for _ in range(lanes)]
    rank = ev["short"].map(lambda s: min((v for k, v in LABEL_PRIORITY.items() if s.endswith(k)), default=9))
    placed = []
    for i in ev.assign(_rank=rank).sort_values(["_rank", "x"]).index:
        row = ev.loc[i]
        px = X_PADDING + (pd.Timestamp(row["x"]) - t0).total_seconds() / span * inner
        w = label_width(row["short"])
        align = "left" if px + 3 + w <= width else "right"
        x0, x1 = (px - 1, px + 3 + w) if align == "left" else (px - 3 - w, px + 1)
        for lane in range(lanes):
            if all(x1 + gap <= a or x0 >= b + gap for a, b in busy[lane]):
                busy[lane].append((x0, x1))
                placed.append({**row.to_dict(), "lane": lane, "align": align, "x0": x0, "x1": x1})
                break
    cols = [*ev.columns, "lane", "align", "x0", "x1"]
    return pd.DataFrame(placed, columns=cols).sort_values("x").reset_index(drop=True)


def _calendar_layers(events: pd.DataFrame | None, rows: pd.DataFrame, width: int, datasets: dict) -> list:
    """Dotted rules at the calendar's turning points, and their labels in rows above the plot (negative pixel
    y, so the legend and title make room for them and no label covers the data)."""
    ev = calendar_marks(events)
    if len(ev) == 0:
        return []
    lo, hi = rows["x"].min(), rows["x"].max()
    ev = ev[(ev["x"] >= lo) & (ev["x"] <= hi)].sort_values("x")
    if len(ev) == 0:
        return []
    tip = [alt.Tooltip("x:T", title="date", format="%d %b %Y"), alt.Tooltip("label:N", title="event")]
    datasets["calendar"] = _records(ev[["x", "label"]])
    rule = alt.Chart(alt.NamedData("calendar")).mark_rule(strokeDash=[2, 3], opacity=0.7, strokeWidth=1).encode(
        x="x:T", color=alt.value("#9a9a9a"), tooltip=tip)
    placed = label_lanes(ev, lo, hi, width)
    if placed.empty:
        return [rule.properties(name="calendar")]
    placed["y"] = -(placed["lane"] + 0.5) * LANE_HEIGHT - 3          # px above the plot's top edge
    placed["y0"], placed["y1"] = placed["y"] - 4, placed["y"] + 4
    datasets["calendar_labels"] = _records(placed[["x", "label", "short", "lane", "align", "y", "y0", "y1"]])
    base = alt.Chart(alt.NamedData("calendar_labels"))
    tick = base.mark_rule(color="#8a8a8a", strokeWidth=1).encode(
        x="x:T", y=alt.Y("y0:Q", scale=None), y2="y1:Q").properties(name="calendartick")
    texts = [base.transform_filter(f"datum.align == '{a}'").mark_text(
        align=a, baseline="middle", dx=3 if a == "left" else -3, fontSize=LABEL_FONT, color="#555").encode(
        x="x:T", y=alt.Y("y:Q", scale=None), text="short:N", tooltip=tip).properties(name=f"calendarlabel{a[0]}")
        for a in ("left", "right")]
    return [rule.properties(name="calendar"), tick, *texts]


def _percentile_chart(percentiles: pd.DataFrame, rows: pd.DataFrame, width: int, datasets: dict):
    pct = percentiles.copy()
    pct["period"] = pct["period"].astype(str)
    pct["x"] = pct["period"].map(lambda p: (period_date(p) or period_date("1900")).isoformat())
    lo, hi = rows["x"].min(), rows["x"].max()
    pct = pct[(pct["x"] >= lo) & (pct["x"] <= hi) & pct["percentile"].notna()]
    pct["percentile"] = pct["percentile"].astype(float)
    enc_x = alt.X("x:T", title=None, axis=alt.Axis(format="%Y", labels=False, ticks=False),
                  scale=alt.Scale(domain=[lo, hi], padding=X_PADDING))
    datasets["percentiles"] = _records(pct[["x", "period", "percentile", "n_dyads"]])
    base = alt.Chart(alt.NamedData("percentiles"))
    return alt.layer(
        alt.Chart(pd.DataFrame({"y": [50.0]})).mark_rule(color="#ccc", strokeDash=[2, 2]).encode(y="y:Q"),
        base.mark_line(color="#5a7d2a", strokeWidth=1.5, point=alt.OverlayMarkDef(size=10, color="#5a7d2a")).encode(
            x=enc_x, y=alt.Y("percentile:Q", title="percentile", scale=alt.Scale(domain=[0, 100]),
                             axis=alt.Axis(values=[0, 50, 100])),
            tooltip=[alt.Tooltip("period:N"), alt.Tooltip("percentile:Q", format=".0f"),
                     alt.Tooltip("n_dyads:Q", title="country pairs", format=",")]),
    ).properties(width=width, height=60, title=alt.TitleParams(
        "Percentile among all country pairs (100 = highest)", fontSize=11, anchor="start", color="#5a7d2a"))


def frame_spec(frame: pd.DataFrame, title: str, source: str = "dyad.analysis") -> dict | None:
    """A chart for an analysis table: a series over periods (one line per 'direction' if any), or an event
    study's estimate per offset with its interval; None for other tables."""
    if {"offset", "estimate"} <= set(frame.columns):
        return _offset_spec(frame, title)
    if not {"period", "value"} <= set(frame.columns) or len(frame) == 0:
        return None
    from dyad.indicators import DIRECTIONS

    rows = frame.copy()
    # the index's directions by name ("economic cooperation", not "D2"); "overall" stays
    rows["a"] = rows["direction"].astype(str).map(lambda d: DIRECTIONS.get(d, d)) if "direction" in rows.columns \
        else ""
    rows["b"] = ""
    if "n" not in rows.columns:
        rows["n"] = pd.NA
    rows["period"] = rows["period"].astype(str)
    rows = rows[pd.to_numeric(rows["value"], errors="coerce").notna()]
    if len(rows) == 0:
        return None
    return line_chart(rows, title, "standard deviations from the reference years", source)


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
