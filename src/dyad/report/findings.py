"""Key findings: short sentences generated from the data by fixed rules, for the first screen of the report.

Every rule reads the indicator series the report has computed (and, where given, the dyad's percentile among
all dyads and the proposal scorecard); none knows which countries it is about. Each finding is one sentence
with the number, its change or its rank, its interval or its n, and the anchor of the chart it comes from.
The rules, their scores and the selection are documented in docs/methods/report.md ("Key findings").

Rules (one finding per rule and series, ``score`` orders them):

- ``level``: a volume (money, counts) in the latest year against five years earlier: "reached X in Y,
  N× its Z level". Score: |log2 of the ratio|.
- ``interval``: a measure (not a volume) in the latest year against the mean of the ten years before it,
  with its 95% interval where it has one. Score: |change| / half-width of the interval, or 0.6 x |change| /
  standard deviation of those ten years when there is no interval.
- ``trend``: ordinary least-squares slope over the last 15 years (at least 8 values); kept only when the
  95% interval of the slope excludes zero. Score: |t| / 3.
- ``record``: the latest value is the highest or lowest of at least 15 years. Score 1.5.
- ``asymmetry``: a directed volume whose two directions differ by at least 1.5×. Score: |log2 of the ratio|.
- ``percentile``: the dyad's latest percentile among all country pairs. Score 2 (+1 when at or above the
  90th or at or below the 10th).
- ``scorecard``: how many proposals of the agenda advanced, stalled, reversed. Score 1.

Monthly series are summed (counts, money) or averaged (rates) over calendar years with all twelve months.
Breakdowns (one product group, a per-event ratio) and one country's own figures (GDP, a speech's emphasis) give
no finding (``dyad.report.data.relevance`` below 1): they are charts in the appendix.

A last year whose n is under a third of the median n of the ten years before it is a year in progress and is
left out of every rule.

Selection: a finding needs a score of at least 0.25; values resting on thin data (``quality == "thin"``, or n below 10) are not used; a series whose latest year is more than ten years
before the newest year of any series is not used; the best finding per indicator is kept, at most two per
indicator family (the id's first word: trade, un, ev ...) and one per family and rule (the S-score and the
Voeten index falling together are one fact), then the eight best by score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from dyad.report.data import relevance
from dyad.report.display import (
    country,
    human_unit,
    in_sentence,
    lower_first,
    neutral_title,
    number,
    quantity,
    series_name,
)

MAX_FINDINGS = 8
MIN_SCORE = 0.25          # below this a rule has found nothing worth a sentence
MIN_N = 10                # a value resting on fewer observations is not used in a finding
VOLUME_UNITS = ("usd", "events", "deals", "tiv", "organisations")


@dataclass(frozen=True)
class Finding:
    rule: str
    indicator: str          # indicator id ("" for the scorecard)
    direction: str          # D1..D5 or ""
    text: str
    score: float
    anchor: str = ""        # the chart or section the finding links to


def _yearly(frame: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """One ordered pair's yearly rows (period YYYY), sorted, with a numeric year; thin rows dropped."""
    rows = frame[(frame["a"].astype(str) == a) & (frame["b"].astype(str) == b)]
    rows = rows[rows["period"].astype(str).str.fullmatch(r"\d{4}") & rows["value"].notna()].copy()
    if "quality" in rows.columns:
        rows = rows[rows["quality"].astype(str) != "thin"]
    if "n" in rows.columns and "ci_low" in rows.columns and rows["ci_low"].notna().any():
        # an estimate with an interval also without a quality column: not on fewer than MIN_N observations
        n = pd.to_numeric(rows["n"], errors="coerce")
        rows = rows[n.isna() | (n >= MIN_N)]
    rows["year"] = rows["period"].astype(int)
    return _without_year_in_progress(rows.sort_values("year").reset_index(drop=True))


def _without_year_in_progress(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows without a last year whose n is under a third of the median n of the ten years before it: a
    year in progress (eleven UN roll calls by March) is not compared with whole years."""
    if "n" not in rows.columns or len(rows) < 4:
        return rows
    n = pd.to_numeric(rows["n"], errors="coerce")
    before = n.iloc[-11:-1].dropna()
    if len(before) >= 3 and pd.notna(n.iloc[-1]) and n.iloc[-1] < before.median() / 3:
        return rows.iloc[:-1]
    return rows


def _monthly_to_years(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Monthly rows as calendar years, only years with all 12 months: sums for counts and money, means for
    rates; n summed; intervals dropped (they do not add up)."""
    rows = frame[frame["period"].astype(str).str.fullmatch(r"\d{4}-\d{2}") & frame["value"].notna()].copy()
    if rows.empty:
        return rows
    rows["year"] = rows["period"].astype(str).str[:4]
    how = "sum" if _is_volume(unit) else "mean"
    agg = {"value": ("value", how), "months": ("period", "nunique")}
    if "n" in rows.columns:
        agg["n"] = ("n", "sum")
    out = rows.groupby(["a", "b", "year"], as_index=False).agg(**agg)
    out = out[out["months"] == 12].drop(columns="months").rename(columns={"year": "period"})
    return out


def _is_volume(unit: str) -> bool:
    return any(w in unit.lower() for w in VOLUME_UNITS) and "per" not in unit.lower()


def _n(row, ind=None) -> str:
    """"n = 5,905 flow records" when the indicator says what its n counts (its minimum-support unit); else
    nothing: a bare "n = 1,464" leaves a reader asking 1,464 of what."""
    n = row.get("n") if hasattr(row, "get") else None
    if n is None or pd.isna(n) or ind is None or not getattr(ind, "min_support", None) \
            or not getattr(ind, "support_unit", ""):
        return ""
    return f"n = {int(n):,} {ind.support_unit}"


def _pairs(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return list(dict.fromkeys(zip(frame["a"].astype(str), frame["b"].astype(str), strict=True)))


def rule_level(ind, rows: pd.DataFrame, name: str) -> Finding | None:
    if not _is_volume(ind.unit) or len(rows) < 3:
        return None
    last = rows.iloc[-1]
    base = rows[rows["year"] <= last["year"] - 5]
    if base.empty:
        return None
    first = base.iloc[-1]
    if not (first["value"] > 0 and last["value"] > 0):
        return None
    ratio = float(last["value"]) / float(first["value"])
    if ratio >= 1.05:
        change = f"{number(ratio, 2)}× its {first['year']} level"
    elif ratio <= 0.95:
        change = f"down {number(100 * (1 - ratio), 2)}% from {first['year']}"
    else:
        change = f"about its {first['year']} level"
    n = _n(last, ind)
    text = (f"{name} reached {quantity(float(last['value']), ind.unit)} in {last['year']}, {change}"
            f"{f' ({n})' if n else ''}.")
    return Finding("level", ind.id, "", text, abs(math.log2(ratio)))


def rule_interval(ind, rows: pd.DataFrame, name: str) -> Finding | None:
    """The latest value against the mean of the ten years before it, with its 95% interval when the measure
    has one (score: change / half-width), else with its n (score: change / sd of those ten years)."""
    if len(rows) < 5 or _is_volume(ind.unit):
        return None
    last = rows.iloc[-1]
    if pd.notna(last.get("n")) and float(last["n"]) < MIN_N:     # a rate or share on a handful of cases
        return None
    before = rows[(rows["year"] < last["year"]) & (rows["year"] >= last["year"] - 10)]
    if len(before) < 3:
        return None
    factor, unit = human_unit(ind.unit, rows["value"].tolist())
    mean = float(before["value"].mean())
    change = (float(last["value"]) - mean) / factor
    has_ci = "ci_low" in rows.columns and pd.notna(last.get("ci_low")) and pd.notna(last.get("ci_high"))
    n = _n(last, ind)
    if has_ci:
        spread = (float(last["ci_high"]) - float(last["ci_low"])) / 2 / factor
        detail = (f"95% interval {number(float(last['ci_low']) / factor)} to {number(float(last['ci_high']) / factor)}"
                  f"{', ' + n if n else ''}")
    else:
        spread = float(before["value"].std(ddof=1)) / factor
        detail = n
    unit_word = " points" if unit.startswith("%") else ""
    direction = "up" if change > 0 else "down"
    text = (f"{name} stood at {quantity(float(last['value']), ind.unit)} in {last['year']}"
            f"{f' ({detail})' if detail else ''}, {direction} {number(abs(change))}{unit_word} "
            f"on its {before['year'].min()}–{before['year'].max()} average.")
    score = abs(change) / spread if spread > 0 else 0.0
    return Finding("interval", ind.id, "", text, min(score, 5.0) * (1.0 if has_ci else 0.6))


def rule_trend(ind, rows: pd.DataFrame, name: str) -> Finding | None:
    recent = rows[rows["year"] > rows["year"].max() - 15]
    if len(recent) < 8:
        return None
    factor, unit = human_unit(ind.unit, rows["value"].tolist())
    x, y = recent["year"].to_numpy(float), recent["value"].to_numpy(float) / factor
    fit = stats.linregress(x, y)
    if not np.isfinite(fit.stderr) or fit.stderr == 0:
        return None
    t = stats.t.ppf(0.975, len(x) - 2)
    lo, hi = fit.slope - t * fit.stderr, fit.slope + t * fit.stderr
    if lo <= 0 <= hi:
        return None
    verb = "rose" if fit.slope > 0 else "fell"
    per = "points" if unit.startswith("%") else unit
    text = (f"{name} {verb} by {number(abs(fit.slope))} {per} a year from {int(x.min())} to {int(x.max())} "
            f"(95% interval {number(lo)} to {number(hi)}; {len(x)} years).")
    return Finding("trend", ind.id, "", text, min(abs(fit.slope / fit.stderr) / 3, 5.0))


def rule_record(ind, rows: pd.DataFrame, name: str) -> Finding | None:
    if len(rows) < 15:
        return None
    last = rows.iloc[-1]
    earlier = rows.iloc[:-1]["value"]
    if last["value"] > earlier.max():
        word = "highest"
    elif last["value"] < earlier.min():
        word = "lowest"
    else:
        return None
    n = _n(last, ind)
    text = (f"{name} reached the {word} level of the {len(rows)} years on record since {rows['year'].min()} "
            f"in {last['year']}: {quantity(float(last['value']), ind.unit)}{f' ({n})' if n else ''}.")
    return Finding("record", ind.id, "", text, 1.5)


def rule_asymmetry(ind, frame: pd.DataFrame, pairs, min_year: int = 0) -> Finding | None:
    if not ind.directed or len(pairs) < 2 or not _is_volume(ind.unit):
        return None
    (a, b), (c, d) = pairs[:2]
    x, y = _yearly(frame, a, b), _yearly(frame, c, d)
    shared = sorted(set(x["year"]) & set(y["year"]))
    if not shared:
        return None
    year = shared[-1]
    if year < min_year:
        return None
    vx = float(x.loc[x["year"] == year, "value"].iloc[0])
    vy = float(y.loc[y["year"] == year, "value"].iloc[0])
    if vx <= 0 or vy <= 0 or math.isclose(vx, -vy):
        return None
    ratio = vx / vy
    if 1 / 1.5 < ratio < 1.5:
        return None
    big, small = ((a, b, vx), (c, d, vy)) if ratio > 1 else ((c, d, vy), (a, b, vx))
    title = lower_first(neutral_title(ind.label))
    text = (f"In {year}, {title} {country(big[0])} → {country(big[1])} were {quantity(big[2], ind.unit)}, "
            f"{number(big[2] / small[2], 2)}× those {country(small[0])} → {country(small[1])} "
            f"({quantity(small[2], ind.unit)}).")
    return Finding("asymmetry", ind.id, "", text, abs(math.log2(ratio)))


def rule_percentile(ind, percentiles: pd.DataFrame | None, a: str, b: str,
                    usable: set[str] | None = None) -> Finding | None:
    """``usable``: the periods whose own value is not thin (a rank on one joint vote says nothing)."""
    if percentiles is None or len(percentiles) == 0:
        return None
    p = percentiles[percentiles["percentile"].notna()].copy()
    if usable is not None:
        p = p[p["period"].astype(str).isin(usable)]
    if p.empty:
        return None
    p["period"] = p["period"].astype(str)
    last = p.sort_values("period").iloc[-1]
    pct = float(last["percentile"])
    n = int(last["n_dyads"]) if "n_dyads" in last and pd.notna(last["n_dyads"]) else None
    among = f"all {n:,} country pairs" if n else "all country pairs"
    if str(getattr(ind, "higher_means", "")).startswith(("further", "apart", "distance")):
        # a distance: say how many pairs stand further apart, so "higher" is never read as "closer"
        closer = 100 - pct
        relation = f"closer than {closer:.0f}%" if closer >= 50 else f"further apart than {pct:.0f}%"
        text = (f"On {lower_first(neutral_title(ind.label))}, {in_sentence(a)} and {in_sentence(b)} stood "
                f"{relation} of {among} in {last['period']}.")
    else:
        text = (f"On {lower_first(neutral_title(ind.label))}, {in_sentence(a)} and {in_sentence(b)} ranked at the "
                f"{_ordinal(round(pct))} percentile of {among} in {last['period']} (100 = highest).")
    return Finding("percentile", ind.id, "", text, 2.0 + (1.0 if pct >= 90 or pct <= 10 else 0.0))


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def rule_scorecard(proposals: pd.DataFrame | None) -> Finding | None:
    if proposals is None or len(proposals) == 0 or "verdict" not in proposals.columns:
        return None
    counts = proposals["verdict"].value_counts()
    parts = [f"{int(counts[v])} {v}" for v in ("advanced", "stalled", "reversed", "not measurable") if v in counts]
    text = (f"Of the {len(proposals)} proposals of the agenda scored here, " + ", ".join(parts)
            + " (baseline against evaluation years; see the scorecard rows of each direction).")
    return Finding("scorecard", "", "", text, 1.0, "scorecard")


def findings_rows_periods(frame: pd.DataFrame, a: str, b: str) -> list[str]:
    """Periods of the pair's series that a finding may use (not thin, not an interval on too few values)."""
    rows = frame[(frame["a"].astype(str) == a) & (frame["b"].astype(str) == b) & frame["value"].notna()]
    if "quality" in rows.columns:
        rows = rows[rows["quality"].astype(str) != "thin"]
    if "n" in rows.columns and "ci_low" in rows.columns and rows["ci_low"].notna().any():
        n = pd.to_numeric(rows["n"], errors="coerce")
        rows = rows[n.isna() | (n >= MIN_N)]
    return rows["period"].astype(str).tolist()


def findings(results, percentiles: dict[str, pd.DataFrame] | None = None, a: str = "", b: str = "",
             proposals: pd.DataFrame | None = None, limit: int = MAX_FINDINGS) -> list[Finding]:
    """The key findings for a dyad from its indicator results (``IndicatorResult`` list)."""
    percentiles = percentiles or {}
    ok = [r for r in results if r.ok]
    newest = max((int(str(p)[:4]) for r in ok for p in r.frame["period"] if str(p)[:4].isdigit()), default=0)
    candidates: list[Finding] = []
    for res in ok:
        ind, frame = res.indicator, res.frame
        if relevance(ind) < 1:       # breakdowns and one country's own figures: charts, not findings
            continue
        if res.by == "month":
            frame = _monthly_to_years(frame, ind.unit)
            if frame.empty:
                continue
        pairs = _pairs(frame)
        found: list[Finding] = []
        x, y = pairs[0]
        rows = _yearly(frame, x, y)
        if len(rows) and rows["year"].max() >= newest - 10:
            name = neutral_title(ind.label)
            if ind.directed:
                name = f"{name} {series_name(ind.label, x, y, True)}".replace(" → ", " → ")
            for rule in (rule_level, rule_interval, rule_trend, rule_record):
                f = rule(ind, rows, name)
                if f is not None:
                    found.append(f)
            f = rule_asymmetry(ind, frame, pairs, newest - 10)
            if f is not None:
                found.append(f)
        usable = set(findings_rows_periods(res.frame, x, y))
        f = rule_percentile(ind, percentiles.get(ind.id), a or x, b or y, usable)
        if f is not None:
            found.append(f)
        found = [f for f in found if f.score >= MIN_SCORE]
        if found:
            best = max(found, key=lambda f: f.score)
            direction = ind.directions[0] if ind.directions else ""
            candidates.append(Finding(best.rule, ind.id, direction, best.text, best.score * relevance(ind),
                                      f"ind-{ind.id}"))
    f = rule_scorecard(proposals)
    if f is not None:
        candidates.append(f)
    candidates.sort(key=lambda f: -f.score)
    chosen: list[Finding] = []
    families: dict[str, int] = {}
    said: set[tuple[str, str]] = set()
    for f in candidates:
        family = f.indicator.split("_")[0] if f.indicator else f.rule
        # two measures of one family moving the same way (S-score and Voeten index both down) are one fact
        if families.get(family, 0) >= 2 or (family, f.rule) in said:
            continue
        families[family] = families.get(family, 0) + 1
        said.add((family, f.rule))
        chosen.append(f)
        if len(chosen) >= limit:
            break
    return chosen
