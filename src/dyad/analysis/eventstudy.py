"""Event studies: how a series moves around dated political events, against placebo dates.

For each event period ``e`` and offset ``h`` in ``[-k, +k]`` the deviation is

    d_e(h) = y(e + h) - b_e,    b_e = mean of y over the L periods before e  (L = baseline, default k)

and the estimate at ``h`` is the mean of ``d_e(h)`` over events. Intervals: Student t over events, or a
percentile bootstrap over events. The placebo p-value compares the observed mean with the means at
randomly drawn non-event periods (the same number of them; for monthly data each event is matched with
a placebo in the same calendar month, so seasonality cannot pass for an effect):

    p(h) = (1 + #{r : |placebo_r(h)| >= |estimate(h)|}) / (1 + R)

Formulas, references and limits: docs/methods/cycles.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from dyad.analysis.series import PeriodSeries, label, ordinal

CI_METHODS = ("t", "bootstrap")


@dataclass(frozen=True)
class EventStudyResult:
    """Mean deviations from the pre-event baseline per offset, with intervals and placebo p-values."""

    series: str
    event: str
    period_type: str
    window: int
    baseline: int
    ci_method: str
    level: float
    reps: int
    seasonal: bool
    events: tuple[str, ...]           # event periods used
    dropped: tuple[str, ...]          # event periods outside the series or without a baseline
    placebo_pool: int                 # non-event periods placebos were drawn from
    table: pd.DataFrame = field(repr=False, compare=False)
    deviations: pd.DataFrame = field(repr=False, compare=False)   # one row per event, one column per offset

    def to_frame(self) -> pd.DataFrame:
        """One row per offset (term ``offset``) plus the post-event mean (term ``post_mean``, offsets 0..k)."""
        frame = self.table.copy()
        frame.insert(0, "period_type", self.period_type)
        frame.insert(0, "event", self.event)
        frame.insert(0, "series", self.series)
        return frame

    def row(self, offset: int | None = None) -> pd.Series:
        """The row of one offset, or of the post-event mean when ``offset`` is None."""
        t = self.table
        hit = t[t["term"] == "post_mean"] if offset is None else t[(t["term"] == "offset") & (t["offset"] == offset)]
        if hit.empty:
            raise KeyError(f"no offset {offset}; offsets run from {-self.window} to {self.window}")
        return hit.iloc[0]

    def summary(self) -> str:
        unit = "years" if self.period_type == "year" else "months"
        pct = int(round(self.level * 100))
        lines = [
            f"Event study: {self.series} around {self.event}",
            f"  periods: {self.period_type}s; window [-{self.window}, +{self.window}] {unit}; baseline = mean of "
            f"the {self.baseline} {unit} before each event",
            f"  events used: {len(self.events)} ({', '.join(self.events)})"
            + (f"; dropped {len(self.dropped)} ({', '.join(self.dropped)})" if self.dropped else ""),
            f"  intervals: {pct}% {self.ci_method}; placebo p from {self.reps} draws of {len(self.events)} "
            f"non-event {self.period_type}s (pool {self.placebo_pool}"
            + (", same calendar month" if self.seasonal else "") + ")",
            "  offset  estimate   ci_low  ci_high   n  p_value",
        ]
        for _, r in self.table.iterrows():
            name = "post" if r["term"] == "post_mean" else f"{int(r['offset']):+d}"
            lines.append(f"  {name:>6} {r['estimate']:9.4f} {r['ci_low']:8.4f} {r['ci_high']:8.4f} "
                         f"{int(r['n']):3d}  {r['p_value']:.3f}")
        return "\n".join(lines)

    def plot(self, title: str | None = None):
        """An Altair chart: estimate per offset with its interval, zero line and the event period marked."""
        import altair as alt

        data = self.table[self.table["term"] == "offset"].astype({"offset": int})
        unit = "years" if self.period_type == "year" else "months"
        base = alt.Chart(data).encode(x=alt.X("offset:Q", title=f"{unit} from event",
                                               scale=alt.Scale(domain=[-self.window - 0.5, self.window + 0.5])))
        band = base.mark_rule(strokeWidth=2).encode(y=alt.Y("ci_low:Q", title="deviation from baseline"),
                                                     y2="ci_high:Q")
        points = base.mark_point(filled=True, size=60).encode(
            y="estimate:Q", tooltip=["offset", "estimate", "ci_low", "ci_high", "n", "p_value"])
        zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(strokeDash=[4, 4], color="gray").encode(y="y:Q")
        event = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="firebrick").encode(x="x:Q")
        return (zero + event + band + points).properties(
            title=title or f"{self.series} around {self.event}", width=420, height=260)


def _nanmean(a: np.ndarray, axis: int) -> np.ndarray:
    """Mean ignoring NaN; NaN (without a warning) where a slice has no values."""
    count = np.sum(~np.isnan(a), axis=axis)
    with np.errstate(all="ignore"):
        return np.where(count > 0, np.nansum(a, axis=axis) / np.maximum(count, 1), np.nan)


def _deviation_matrix(y: np.ndarray, window: int, baseline: int) -> tuple[np.ndarray, np.ndarray]:
    """For every possible centre c: baseline mean b_c and deviations D[c, h] = y[c+h] - b_c (NaN if absent)."""
    n = len(y)
    padded = np.concatenate([np.full(baseline + window, np.nan), y, np.full(window, np.nan)])
    off = baseline + window
    pre = np.stack([padded[off - j: off - j + n] for j in range(1, baseline + 1)], axis=1)
    base = _nanmean(pre, axis=1)
    cols = [padded[off + h: off + h + n] for h in range(-window, window + 1)]
    dev = np.stack(cols, axis=1) - base[:, None]
    return base, dev


def _interval(rows: np.ndarray, method: str, level: float, reps: int, rng) -> tuple[np.ndarray, ...]:
    """Mean over events (rows) per column, with a t or bootstrap interval."""
    with np.errstate(all="ignore"):
        n = np.sum(~np.isnan(rows), axis=0)
        est = _nanmean(rows, axis=0)
        if method == "t":
            sd = np.array([np.nanstd(c, ddof=1) if k > 1 else np.nan for c, k in zip(rows.T, n, strict=True)])
            half = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
            half = np.where(n > 1, half, np.nan)
            return est, est - half, est + half, n
        pick = rng.integers(0, len(rows), size=(reps, len(rows)))
        boot = _nanmean(rows[pick], axis=1)
        low = np.nanquantile(boot, (1 - level) / 2, axis=0)
        high = np.nanquantile(boot, 0.5 + level / 2, axis=0)
    return est, np.where(n > 1, low, np.nan), np.where(n > 1, high, np.nan), n


def _placebo_draws(candidates: np.ndarray, event_pos: np.ndarray, seasonal: bool, reps: int,
                   rng) -> np.ndarray:
    """R x n_events matrix of placebo centres drawn without replacement; matched by calendar month if
    ``seasonal`` (``candidates`` and ``event_pos`` then carry month-of-year in column 1)."""
    groups = [(None, len(event_pos))] if not seasonal else \
        list(zip(*np.unique(event_pos[:, 1], return_counts=True), strict=True))
    parts = []
    for month, need in groups:
        pool = candidates[:, 0] if month is None else candidates[candidates[:, 1] == month, 0]
        if len(pool) < need:
            what = "" if month is None else f" in calendar month {int(month) + 1}"
            raise ValueError(f"only {len(pool)} non-event periods{what} to draw {need} placebo events from; "
                             "use a longer series or a shorter window")
        order = np.argsort(rng.random((reps, len(pool))), axis=1)[:, :need]
        parts.append(pool[order])
    return np.concatenate(parts, axis=1)


def _placebo(series: PeriodSeries, base: np.ndarray, stats_all: np.ndarray, positions: np.ndarray,
             event_set: set, seasonal: bool, reps: int, rng) -> tuple[np.ndarray, int]:
    """Placebo statistics (reps x columns of ``stats_all``) from draws of non-event centres with a
    baseline, and the size of the pool they were drawn from."""
    n = len(series.values)
    cand = np.array([c for c in range(n) if c not in event_set and not np.isnan(base[c])], dtype=int)
    month = (series.ordinals % 12) if series.period_type == "month" else np.zeros(n, dtype=int)
    draws = _placebo_draws(np.column_stack([cand, month[cand]]), np.column_stack([positions, month[positions]]),
                           seasonal, reps, rng)
    return _nanmean(stats_all[draws], axis=1), len(cand)


def _nanstd(a: np.ndarray) -> np.ndarray:
    count = np.sum(~np.isnan(a), axis=0)
    with np.errstate(all="ignore"):
        mean = _nanmean(a, axis=0)
        var = np.nansum((a - mean) ** 2, axis=0) / np.maximum(count - 1, 1)
    return np.where(count > 1, np.sqrt(var), np.nan)


def _p_values(observed: np.ndarray, placebo: np.ndarray) -> np.ndarray:
    valid = ~np.isnan(placebo)
    tol = 1e-12 * np.maximum(1.0, np.abs(observed))
    hits = np.sum((np.abs(placebo) >= np.abs(observed) - tol) & valid, axis=0)
    p = (1 + hits) / (1 + valid.sum(axis=0))
    return np.where(np.isnan(observed), np.nan, p)


def event_study(series: PeriodSeries, dates: Iterable[dt.date | str], *, window: int = 2,
                baseline: int | None = None, event: str = "events", ci: str = "t", level: float = 0.95,
                reps: int = 999, seasonal: bool | None = None, seed: int = 20180601) -> EventStudyResult:
    """Event study of ``series`` around ``dates`` (see the module docstring for the formulas).

    ``window`` k: offsets -k..k periods (years or months, the series' period type). ``baseline`` L: the
    number of periods before each event averaged as its baseline (default k). ``seasonal`` (default: True
    for monthly series) draws each placebo in the event's calendar month. ``reps`` placebo (and bootstrap)
    draws, seeded by ``seed``.
    """
    if window < 1:
        raise ValueError("window must be at least 1 period")
    if ci not in CI_METHODS:
        raise ValueError(f"ci must be one of {', '.join(CI_METHODS)}, not {ci!r}")
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    baseline = window if baseline is None else int(baseline)
    if baseline < 1:
        raise ValueError("baseline must be at least 1 period")
    kind = series.period_type
    seasonal = (kind == "month") if seasonal is None else bool(seasonal)
    if seasonal and kind != "month":
        raise ValueError("seasonal matching needs a monthly series")
    rng = np.random.default_rng(seed)
    base, dev = _deviation_matrix(series.values, window, baseline)

    event_ords = sorted({ordinal(d if not isinstance(d, str) else dt.date.fromisoformat(d), kind) for d in dates})
    used, dropped = [], []
    for o in event_ords:
        pos = series.position(o)
        (used if pos is not None and not np.isnan(base[pos]) else dropped).append(o)
    if len(used) < 2:
        raise ValueError(f"{event}: only {len(used)} event(s) fall inside {series.name} with a baseline "
                         f"({series.labels()[0]} to {series.labels()[-1]}); need at least 2")
    positions = np.array([series.position(o) for o in used])
    rows = dev[positions]
    post_all = _nanmean(dev[:, window:], axis=1)
    rows_post = np.column_stack([rows, post_all[positions]])
    est, low, high, n = _interval(rows_post, ci, level, reps, rng)

    stats_all = np.concatenate([dev, post_all[:, None]], axis=1)     # every centre's deviations + post mean
    event_set = {series.position(o) for o in event_ords if series.position(o) is not None}
    placebo, pool = _placebo(series, base, stats_all, positions, event_set, seasonal, reps, rng)
    p = _p_values(est, placebo)

    offsets = list(range(-window, window + 1))
    table = pd.DataFrame({
        "term": ["offset"] * len(offsets) + ["post_mean"],
        "offset": pd.array(offsets + [None], dtype="Int64"),
        "estimate": est, "ci_low": low, "ci_high": high, "n": n.astype(int), "p_value": p,
        "placebo_sd": _nanstd(placebo),
    })
    labels = tuple(label(o, kind) for o in used)
    deviations = pd.DataFrame(rows, columns=offsets, index=pd.Index(labels, name="event"))
    return EventStudyResult(series.name, event, kind, window, baseline, ci, level, reps, seasonal, labels,
                            tuple(label(o, kind) for o in dropped), pool, table, deviations)
