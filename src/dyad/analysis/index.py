"""The relationship index: an agenda's indicators standardised, sign-aligned and weighted, per direction.

For each direction the components are the series linked to the proposals of that direction (one series per
flow for a directed indicator). Each series is standardised against a reference window (the agenda's
baseline unless another is given),
``z_t = (x_t - mean_baseline) / sd_baseline`` (sample sd), multiplied by the link's sign so that a higher
value always reads as the proposal wanted, and averaged with weights over the series present that year:

    index_d,t = sum_i w_i s_i z_i,t / sum_{i present at t} w_i,   coverage_d,t = sum_{present} w_i / sum_i w_i

A missing series lowers the coverage and drops out of both sums: it is never read as zero. The overall
index averages the direction values present with direction weights; its coverage is the direction-weighted
mean of the direction coverages (a direction without any series has coverage 0). Intervals come from a
bootstrap over the components present (resampled with replacement) combined with draws from each value's
own interval when the indicator gives one. Method notes: docs/methods/agenda.md.

Rules (docs/methods/agenda.md#index-rules):

* a link counts in one direction only: the first of its proposal's directions that its indicator is
  registered for (by meaning), else the proposal's first direction; a series already counted in one direction
  is not counted again in another, so no direction echoes another's indicator;
* a series needs ``MIN_REFERENCE_YEARS`` years with data in the reference window, else it is out and the
  inputs say why;
* the overall value is *complete* only when all directions have a value that year; otherwise its ``status``
  is ``partial: missing D3, D4``. To stay comparable across years the overall is computed only in years
  where every direction that has a value in any year has one (the same set of directions every year), and
  only when that set holds a majority of the agenda's directions (3 of 5); other years have no overall value
  and their status says why;
* the inputs list the years each series had.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from dyad import indicators as registry
from dyad.agenda import Agenda, Weights, Window, parse_window
from dyad.analysis.inputs import Fetcher, Series, agenda_for, expand, year_list

INDEX_COLUMNS = ["a", "b", "period", "indicator", "value", "n", "ci_low", "ci_high", "direction", "name",
                 "coverage", "weight", "status"]
MIN_REFERENCE_YEARS = 3


def standardise(years: np.ndarray, values: np.ndarray, window) -> tuple[float, float, int]:
    """Mean and sample sd of the values whose year lies in ``window`` (and how many there are)."""
    inside = np.array([window.contains(int(y)) for y in years], dtype=bool)
    ref = values[inside]
    if len(ref) < 2:
        return (float(ref.mean()) if len(ref) else np.nan), np.nan, len(ref)
    return float(ref.mean()), float(ref.std(ddof=1)), len(ref)


def owner(proposal, indicator_id: str) -> str:
    """The one direction a link of ``proposal`` counts in: the first of the proposal's directions that the
    indicator is registered for (what it measures), else the proposal's first direction."""
    try:
        meant = registry.get(indicator_id).directions
    except KeyError:
        meant = ()
    return next((d for d in proposal.directions if d in meant), proposal.directions[0])


def components(agenda: Agenda, a: str, b: str, weights: Weights) -> list[tuple[str, Series]]:
    """(direction id, series): each link in the one direction it belongs to, each series once overall."""
    out, seen = [], set()
    for d in agenda.directions:
        for p in agenda.proposals:
            if d.id not in p.directions:
                continue
            for link in p.links:
                if owner(p, link.indicator) != d.id or link.key in seen:
                    continue
                seen.add(link.key)
                for s in expand(link, agenda, a, b, weights.indicator(link.indicator)):
                    out.append((d.id, s))
    return out


@dataclass(frozen=True)
class IndexResult:
    """Index values per direction and overall, with the inputs and per-period contributions behind them."""

    a: str
    b: str
    agenda: str
    reference: str
    values: pd.DataFrame          # INDEX_COLUMNS
    inputs: pd.DataFrame          # one row per direction and series: weight, baseline mean/sd, status
    contributions: pd.DataFrame   # one row per direction, series and year: value, z, aligned, weight
    note: str = ""                # e.g. that the generic agenda replaced one naming other countries

    def to_frame(self) -> pd.DataFrame:
        return self.values.copy()

    def wide(self) -> tuple[pd.DataFrame, list[str]]:
        """The index at a glance: one row per year that has any value, one column per direction (z-score,
        "-" where the direction has no value) and the overall value with its interval; years whose overall
        value lacks directions are marked with a letter, explained in the returned legend lines."""
        have = self.values.dropna(subset=["value"])
        if have.empty:
            return pd.DataFrame(), []
        order = list(dict.fromkeys(self.values["direction"]))
        years = sorted(have["period"].unique())
        marks: dict[str, str] = {}
        rows = []
        for year in years:
            row = {"year": year}
            for direction in order:
                hit = self.values[(self.values["period"] == year) & (self.values["direction"] == direction)]
                value = hit["value"].iloc[0] if len(hit) else float("nan")
                if pd.isna(value):
                    row[direction] = "-"
                    continue
                text = f"{value:+.2f}"
                if direction == "overall":
                    lo, hi = hit["ci_low"].iloc[0], hit["ci_high"].iloc[0]
                    if not pd.isna(lo):
                        text += f" [{lo:+.2f}, {hi:+.2f}]"
                    status = str(hit["status"].iloc[0] or "")
                    if status:
                        marks.setdefault(status, "abcdefghijklmnopqrstuvwxyz"[len(marks) % 26])
                        text += f" {marks[status]}"
                row[direction] = text
            rows.append(row)
        legend = [f"{mark}: {status}" for status, mark in marks.items()]
        if any(v == "-" for r in rows for v in r.values()):
            legend.append("-: no value. A direction: none of its inputs has data that year. Overall: not every "
                          "direction with data has a value that year, or those are not a majority of the "
                          "directions (the reason per year: --part index)")
        return pd.DataFrame(rows), legend

    def summary(self) -> str:
        lines = [f"Relationship index {self.a}-{self.b}, agenda {self.agenda}; z-scores against {self.reference}."]
        if self.note:
            lines.append(self.note)
        last = self.values.dropna(subset=["value"])
        for direction, name in self.values[["direction", "name"]].drop_duplicates().itertuples(index=False):
            name = "" if direction == "overall" else f" {name}"
            k = int((self.inputs["direction"] == direction).sum()) if direction != "overall" else len(self.inputs)
            have = last[last["direction"] == direction]
            if have.empty:
                lines.append(f"  {direction}{name}: no value ({k} series linked; none with data to standardise; see the inputs)")
                continue
            row = have.iloc[-1]
            ci = "" if pd.isna(row["ci_low"]) else f" [{row['ci_low']:.2f}, {row['ci_high']:.2f}]"
            status = f"; {row['status']}" if direction == "overall" and row.get("status") else ""
            lines.append(f"  {direction}{name}: {row['value']:+.2f}{ci} in {row['period']}, coverage "
                         f"{row['coverage']:.0%} ({int(row['n'])} of {k} series){status}")
        out = self.inputs[~self.inputs["status"].astype(str).str.startswith("ok")]
        if len(out):
            lines.append("  Inputs left out:")
            lines.extend(f"    {r.direction} {r.series}: {r.status}" for r in out.itertuples())
        return "\n".join(lines)


def relationship_index(source, agenda: Agenda, a: str, b: str, *, weights: Weights | dict | None = None,
                       reference: Window | str | None = None, reps: int = 999, seed: int = 0,
                       level: float = 0.95, start: int | None = None, end: int | None = None,
                       on_error: str = "record", include_thin: bool = False) -> IndexResult:
    """The agenda's index for countries a and b from a store or a mapping ``{indicator_id: tidy frame}``.

    ``weights`` (a :class:`Weights` or ``{"directions": {...}, "indicators": {...}}``) override the agenda's
    own; unlisted ids weigh 1. ``reference`` (a window such as ``"2017-2019"``) replaces the agenda's baseline
    as the period the z-scores are taken against. ``reps=0`` skips the bootstrap. ``include_thin`` keeps values
    the indicators mark thin (left out by default).
    """
    agenda, note = agenda_for(agenda, a, b)
    w = agenda.weights.override(weights)
    ref = agenda.baseline if reference is None else (
        reference if isinstance(reference, Window) else parse_window(reference))
    fetch = Fetcher(source, on_error, include_thin=include_thin)
    contrib, inputs = _contributions(fetch, agenda, a, b, w, ref)
    if start is not None:
        contrib = contrib[contrib["year"] >= start]
    if end is not None:
        contrib = contrib[contrib["year"] <= end]
    years = sorted(contrib["year"].unique().tolist())
    rng = np.random.default_rng(seed)
    rows, draws_by = [], {}
    for d in agenda.directions:
        total = float(inputs.loc[inputs["direction"] == d.id, "weight"].sum())
        for year in years:
            here = contrib[(contrib["direction"] == d.id) & (contrib["year"] == year)]
            row, draws = _direction_year(here, total, reps, rng, level)
            draws_by[(d.id, year)] = draws
            rows.append({"direction": d.id, "name": d.name, "period": str(year), "weight": w.direction(d.id),
                         "status": "" if np.isfinite(row["value"]) else "no input with data", **row})
    values = pd.DataFrame(rows, columns=["direction", "name", "period", "weight", "value", "n", "coverage",
                                         "ci_low", "ci_high", "status"])
    overall = _overall(values, draws_by, agenda, w, years, level)
    values = pd.concat([values, overall], ignore_index=True) if len(values) else overall
    values["indicator"] = "index_" + values["direction"]
    values["a"], values["b"] = a, b
    label = f"baseline {ref.label}" if reference is None else f"reference {ref.label}"
    return IndexResult(a, b, agenda.id, label, values[INDEX_COLUMNS],
                       inputs, contrib.reset_index(drop=True), note)


def _contributions(fetch: Fetcher, agenda: Agenda, a: str, b: str, w: Weights, ref: Window):
    z975 = stats.norm.ppf(0.975)
    parts, inputs = [], []
    for direction, s in components(agenda, a, b, w):
        yearly = fetch.yearly(s)
        years, vals = yearly["year"].to_numpy(), yearly["value"].to_numpy(dtype=float)
        mean, sd, n_ref = standardise(years, vals, ref)
        ok = np.isfinite(sd) and sd > 0 and n_ref >= MIN_REFERENCE_YEARS
        status = fetch.note(s) or ("ok" if ok else _why_not(len(vals), n_ref, ref))
        if s.key in fetch.dropped:
            status += f"; {fetch.dropped[s.key]}"
        inputs.append({"direction": direction, "indicator": s.indicator, "series": s.label, "sign": s.sign,
                       "weight": s.weight, "baseline_mean": mean, "baseline_sd": sd, "baseline_years": n_ref,
                       "years": year_list(years), "status": status})
        if not ok:
            continue
        z = (vals - mean) / sd
        se = (yearly["ci_high"].to_numpy(dtype=float) - yearly["ci_low"].to_numpy(dtype=float)) / (2 * z975 * sd)
        parts.append(pd.DataFrame({"direction": direction, "indicator": s.indicator, "series": s.label,
                                   "year": years.astype(int), "value": vals, "z": z, "aligned": s.sign * z,
                                   "se_z": se, "weight": s.weight}))
    cols = ["direction", "indicator", "series", "year", "value", "z", "aligned", "se_z", "weight"]
    contrib = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    inputs_frame = pd.DataFrame(inputs, columns=["direction", "indicator", "series", "sign", "weight",
                                                 "baseline_mean", "baseline_sd", "baseline_years", "years",
                                                 "status"])
    return contrib, inputs_frame


def _why_not(n_all: int, n_ref: int, ref: Window) -> str:
    if n_all == 0:
        return "no data loaded"
    if n_ref < MIN_REFERENCE_YEARS:
        return (f"out: {n_ref} year(s) of data in the reference {ref.label}; need {MIN_REFERENCE_YEARS} to "
                "standardise")
    return f"out: no variation in the reference {ref.label}; cannot standardise"


def _direction_year(here: pd.DataFrame, total: float, reps: int, rng, level: float):
    """Weighted mean of the aligned z-scores present, coverage, and bootstrap draws (or None)."""
    if here.empty or total <= 0:
        return {"value": np.nan, "n": 0, "coverage": 0.0, "ci_low": np.nan, "ci_high": np.nan}, None
    x = here["aligned"].to_numpy(dtype=float)
    wt = here["weight"].to_numpy(dtype=float)
    se = np.nan_to_num(here["se_z"].to_numpy(dtype=float), nan=0.0)
    value = float((wt * x).sum() / wt.sum()) if wt.sum() > 0 else np.nan
    row = {"value": value, "n": len(x), "coverage": float(wt.sum() / total)}
    draws = _bootstrap(x, wt, se, reps, rng) if reps > 0 else None
    row["ci_low"], row["ci_high"] = _interval(draws, level)
    return row, draws


def _bootstrap(x: np.ndarray, wt: np.ndarray, se: np.ndarray, reps: int, rng) -> np.ndarray | None:
    """Resample components with replacement (when there are two or more) and jitter each by its own interval."""
    k = len(x)
    if k < 2 and not (se > 0).any():
        return None     # one value without an interval: nothing to resample
    vals = x[None, :] + rng.standard_normal((reps, k)) * se[None, :]
    if k >= 2:
        idx = rng.integers(0, k, size=(reps, k))
        vals, wts = np.take_along_axis(vals, idx, axis=1), wt[idx]
    else:
        wts = np.broadcast_to(wt, vals.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (wts * vals).sum(axis=1) / wts.sum(axis=1)


def _interval(draws: np.ndarray | None, level: float) -> tuple[float, float]:
    if draws is None:
        return np.nan, np.nan
    draws = draws[np.isfinite(draws)]
    if not len(draws):
        return np.nan, np.nan
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def _overall(values: pd.DataFrame, draws_by: dict, agenda: Agenda, w: Weights, years: list, level: float):
    dir_w = {d.id: w.direction(d.id) for d in agenda.directions}
    total = sum(dir_w.values())
    rows = []
    present = set(values.dropna(subset=["value"])["direction"]) if len(values) else set()
    common = [d.id for d in agenda.directions if d.id in present]    # directions with a value in any year
    for year in years:
        here = values[values["period"] == str(year)]
        have = here.dropna(subset=["value"])
        coverage = float(sum(dir_w[r.direction] * r.coverage for r in here.itertuples()) / total) if total else 0.0
        wsum = sum(dir_w[r.direction] for r in have.itertuples())
        missing = [d.id for d in agenda.directions if d.id not in set(have["direction"])]
        status = "complete" if not missing else f"partial: missing {', '.join(missing)}"
        need = len(agenda.directions) // 2 + 1            # a majority of the agenda's directions
        lacking = [d for d in common if d not in set(have["direction"])]
        if len(common) < need and not have.empty:
            status = (f"no overall value: only {', '.join(common)} ever have data "
                      f"({len(common)} of {len(agenda.directions)} directions; need {need})")
        elif lacking and not have.empty:
            verb = "has" if len(lacking) == 1 else "have"
            status = (f"no overall value: {', '.join(lacking)} {verb} no value this year (the overall compares "
                      f"the same directions, {', '.join(common)}, every year)")
        if have.empty or wsum <= 0 or len(common) < need or lacking:
            rows.append({"value": np.nan, "n": 0, "ci_low": np.nan, "ci_high": np.nan})
        else:
            value = sum(dir_w[r.direction] * r.value for r in have.itertuples()) / wsum
            draws = [draws_by.get((r.direction, year)) for r in have.itertuples()]
            combined = None
            if any(dr is not None for dr in draws):
                combined = sum(dir_w[r.direction] * (dr if dr is not None else r.value)
                               for r, dr in zip(have.itertuples(), draws, strict=True)) / wsum
            lo, hi = _interval(combined, level)
            rows.append({"value": float(value), "n": int(have["n"].sum()), "ci_low": lo, "ci_high": hi})
        rows[-1].update({"direction": "overall", "name": "overall", "period": str(year), "weight": total,
                         "coverage": coverage, "status": status})
    return pd.DataFrame(rows, columns=["direction", "name", "period", "weight", "value", "n", "coverage",
                                       "ci_low", "ci_high", "status"])
