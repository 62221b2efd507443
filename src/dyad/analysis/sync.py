"""Synchronisation of two countries' political cycles, and whether it moves the dyad's indicators.

On a monthly grid, a month is *near* a country's renewal when a leadership renewal (presidential
election, party congress, NPC leadership transition ...) lies within N months before or after it, and
*synchronised* when it is near a renewal of both countries. Statistics:

* gaps: for each renewal of one side, the signed distance in months to the nearest renewal of the other;
* shares: of months near A, near B, near both, and the share expected if the two were independent;
* the difference in a dyadic indicator between synchronised periods and the others;
* lagged cross-correlations between each side's cycle phase and the indicator.

The null distribution of the share, the gaps and the difference comes from circular shifts of B's
calendar against A's (every shift of the monthly grid): it keeps each side's rhythm and breaks only
their alignment. Formulas and limits: docs/methods/cycles.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from dyad import calendar
from dyad.analysis.series import PeriodSeries, label

# Leadership renewals per country; other countries use calendar.RENEWAL_KINDS.
DEFAULT_RENEWALS = {
    "RUS": ("presidential_election",),
    "CHN": ("party_congress", "npc_leadership_transition"),
}
MERGE_MONTHS = 12      # renewals this close form one cycle start (China: congress, then the NPC in March)
DETREND = ("none", "linear", "diff")
STAT_COLUMNS = ["statistic", "side", "lag", "estimate", "ci_low", "ci_high", "p_value", "n"]


def month_ordinal(d: dt.date | pd.Timestamp) -> int:
    return d.year * 12 + d.month - 1


def renewal_dates(country: str, kinds: Iterable[str] | None = None, *, store=None,
                  paths: Iterable[str | Path] = (), notes: list[str] | None = None) -> list[dt.date]:
    """Dates of a country's leadership renewals from the calendars (held entries only), after
    :func:`dyad.calendar.usable`: the rounds of one election count once, nothing before the state existed."""
    kinds = tuple(kinds) if kinds else DEFAULT_RENEWALS.get(country, calendar.RENEWAL_KINDS)
    frame = calendar.usable(calendar.entries(country, kinds, store=store, paths=paths), notes)
    if frame.empty:
        raise ValueError(f"no leadership renewals ({', '.join(kinds)}) for {country} in the calendars; "
                         "add a calendar file or pass other kinds")
    return [d.date() for d in frame["date"]]


def near(renewals: np.ndarray, grid: np.ndarray, months: int) -> np.ndarray:
    """True for grid months within ``months`` of any renewal (before or after)."""
    dist = np.abs(grid[:, None] - renewals[None, :]).min(axis=1)
    return dist <= months


def cycle_phase(renewals: np.ndarray, grid: np.ndarray, merge: int = MERGE_MONTHS) -> np.ndarray:
    """Position in the current cycle, 0 at a renewal rising to 1 just before the next; NaN before the first.

    Renewals within ``merge`` months of a cycle start belong to that cycle. After the last renewal the
    cycle length is the median of the earlier ones.
    """
    starts: list[int] = []
    for r in np.sort(renewals):
        if not starts or r - starts[-1] > merge:
            starts.append(int(r))
    if len(starts) < 2:
        raise ValueError("need at least two cycle starts to measure a cycle phase")
    lengths = np.diff(starts)
    ends = np.append(np.array(starts[1:]), starts[-1] + int(np.median(lengths)))
    phase = np.full(len(grid), np.nan)
    for s, e in zip(starts, ends, strict=True):
        inside = (grid >= s) & (grid < e)
        phase[inside] = (grid[inside] - s) / (e - s)
    return phase


def _period_means(flags: np.ndarray, grid: np.ndarray, series: PeriodSeries) -> np.ndarray:
    """Per period of the series: the mean over its months of a monthly array (NaN outside the grid)."""
    if series.period_type == "month":
        index = pd.Series(flags, index=grid)
        return index.reindex(series.ordinals).to_numpy(dtype=float)
    years = grid // 12
    frame = pd.DataFrame({"y": years, "v": flags.astype(float)}).groupby("y")["v"].mean()
    return frame.reindex(series.ordinals).to_numpy(dtype=float)


def _period_shares(masks: np.ndarray, grid: np.ndarray, series: PeriodSeries) -> np.ndarray:
    """For a stack of monthly masks (shifts x months): the share of each period's months that are set
    (shifts x periods; NaN for periods with no month on the grid). One matrix product for all shifts."""
    period = grid if series.period_type == "month" else grid // 12
    idx = period - series.start
    inside = (idx >= 0) & (idx < len(series.values))
    weights = np.zeros((len(series.values), len(grid)))
    weights[idx[inside], np.flatnonzero(inside)] = 1.0
    counts = weights.sum(axis=1)
    share = masks.astype(float) @ weights.T / np.where(counts > 0, counts, 1.0)
    share[:, counts == 0] = np.nan
    return share


def _welch(x: np.ndarray, y: np.ndarray, level: float) -> tuple[float, float, float]:
    diff = x.mean() - y.mean()
    if len(x) < 2 or len(y) < 2:
        return diff, np.nan, np.nan
    vx, vy = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se = np.sqrt(vx + vy)
    if se == 0:
        return diff, diff, diff
    df = (vx + vy) ** 2 / (vx ** 2 / (len(x) - 1) + vy ** 2 / (len(y) - 1))
    half = stats.t.ppf(0.5 + level / 2, df) * se
    return diff, diff - half, diff + half


def _lag1(x: np.ndarray) -> float:
    ok = ~np.isnan(x[:-1]) & ~np.isnan(x[1:])
    if ok.sum() < 3:
        return 0.0
    a, b = x[:-1][ok], x[1:][ok]
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def cross_correlation(x: np.ndarray, y: np.ndarray, lags: int, level: float = 0.95) -> pd.DataFrame:
    """corr(x_t, y_{t+lag}) for lag -L..L, with Fisher-z intervals on an effective sample size that
    discounts autocorrelation: n_eff = n (1 - r1 r2) / (1 + r1 r2) (Bretherton et al. 1999)."""
    r1, r2 = _lag1(x), _lag1(y)
    factor = (1 - r1 * r2) / (1 + r1 * r2) if r1 * r2 > -1 else 1.0
    zq = stats.norm.ppf(0.5 + level / 2)
    rows = []
    for lag in range(-lags, lags + 1):
        a = x[max(0, -lag): len(x) - max(0, lag)]
        b = y[max(0, lag): len(y) - max(0, -lag)]
        ok = ~np.isnan(a) & ~np.isnan(b)
        n = int(ok.sum())
        r = low = high = p = np.nan
        if n >= 4 and a[ok].std() > 0 and b[ok].std() > 0:
            r = float(np.corrcoef(a[ok], b[ok])[0, 1])
            n_eff = min(float(n), max(n * factor, 0.0))
            if n_eff > 3:
                z, se = np.arctanh(np.clip(r, -0.999999, 0.999999)), 1 / np.sqrt(n_eff - 3)
                low, high = np.tanh(z - zq * se), np.tanh(z + zq * se)
                p = float(2 * stats.norm.sf(abs(z) / se))
        rows.append({"lag": lag, "estimate": r, "ci_low": low, "ci_high": high, "p_value": p, "n": n})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class SyncResult:
    """How aligned two countries' renewal cycles are, and (with an indicator) whether it matters."""

    a: str
    b: str
    months: int
    start: str
    end: str
    renewals_a: tuple[str, ...]
    renewals_b: tuple[str, ...]
    indicator: str | None
    detrend: str
    stats: pd.DataFrame = field(repr=False, compare=False)
    gaps: pd.DataFrame = field(repr=False, compare=False)
    periods: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    notes: tuple[str, ...] = ()      # what the calendars' rules left out (dyad.calendar.usable), the grid's start

    def to_frame(self) -> pd.DataFrame:
        """Every statistic as one row: statistic, side, lag, estimate, ci_low, ci_high, p_value, n."""
        frame = self.stats.copy()
        frame.insert(0, "b", self.b)
        frame.insert(0, "a", self.a)
        return frame

    def stat(self, statistic: str, side: str = "", lag: int | None = None) -> pd.Series:
        s = self.stats
        hit = s[(s["statistic"] == statistic) & (s["side"] == side)]
        if lag is not None:
            hit = hit[hit["lag"] == lag]
        if hit.empty:
            raise KeyError(f"no statistic {statistic!r} (side {side!r}, lag {lag})")
        return hit.iloc[0]

    def summary(self) -> str:
        share = self.stat("share_both_near")
        lines = [
            f"Synchronisation of {self.a} and {self.b} renewals, {self.start} to {self.end} "
            f"(near = within {self.months} months)",
            f"  renewals {self.a}: {', '.join(self.renewals_a)}",
            f"  renewals {self.b}: {', '.join(self.renewals_b)}",
            f"  months near a renewal: {self.a} {self.stat('share_near', self.a)['estimate']:.1%}, "
            f"{self.b} {self.stat('share_near', self.b)['estimate']:.1%}; both {share['estimate']:.1%} "
            f"(independence: {self.stat('share_both_expected')['estimate']:.1%}; "
            f"circular-shift p = {share['p_value']:.3f})",
        ]
        lines.extend(f"  note: {n}" for n in self.notes)
        for side in (self.a, self.b):
            g = self.stat("median_abs_gap_months", side)
            lines.append(f"  median |gap| from each {side} renewal to the nearest other: {g['estimate']:.1f} "
                         f"months (p = {g['p_value']:.3f})")
        if self.indicator:
            d = self.stat("indicator_diff_sync")
            n_sync = int(self.stat("indicator_sync_periods")["estimate"])
            what = {"none": "", "linear": " (residuals from a linear trend)", "diff": " (first differences)"}
            lines.append(f"  {self.indicator}{what[self.detrend]}: synchronised minus other periods = "
                         f"{d['estimate']:.4f} "
                         + (f"[{d['ci_low']:.4f}, {d['ci_high']:.4f}] (Welch), shift p = {d['p_value']:.3f}, "
                            if n_sync >= 2 and not np.isnan(d["p_value"]) else
                            "(too few synchronised periods for an interval or test), ")
                         + f"{n_sync} synchronised of {int(d['n'])} periods")
            for side in (self.a, self.b):
                xc = self.stats[(self.stats["statistic"] == "xcorr_phase") & (self.stats["side"] == side)]
                if len(xc) and xc["estimate"].notna().any():
                    best = xc.loc[xc["estimate"].abs().idxmax()]
                    lines.append(f"  phase of {side} vs indicator: strongest r = {best['estimate']:.3f} "
                                 f"[{best['ci_low']:.3f}, {best['ci_high']:.3f}] at lag {int(best['lag'])}")
        return "\n".join(lines)


def _gap_table(a_dates: list[dt.date], b_dates: list[dt.date], side_a: str, side_b: str) -> pd.DataFrame:
    """Each renewal's signed distance (months, other minus own) to the other side's nearest renewal."""
    rows = []
    for side, own_dates, other_dates in ((side_a, a_dates, b_dates), (side_b, b_dates, a_dates)):
        other_days = np.array([d.toordinal() for d in other_dates])
        for d in own_dates:
            diff = other_days - d.toordinal()
            j = int(np.abs(diff).argmin())
            rows.append({"side": side, "renewal": d.isoformat(), "nearest_other": other_dates[j].isoformat(),
                         "gap_months": round(diff[j] / 30.4375, 1) + 0.0})  # + 0.0: no "-0.0"
    return pd.DataFrame(rows)


def _median_gap(own: np.ndarray, other: np.ndarray) -> float:
    return float(np.median(np.abs(own[:, None] - other[None, :]).min(axis=1)))


def synchronisation(a: str, b: str, *, months: int = 6, series: PeriodSeries | None = None,
                    start: str = "1990-01", end: str = "2026-12", kinds_a: Iterable[str] | None = None,
                    kinds_b: Iterable[str] | None = None, lags: int = 2, level: float = 0.95,
                    min_shift: int | None = None, detrend: str = "none", store=None,
                    paths: Iterable = ()) -> SyncResult:
    """Synchronisation statistics of A's and B's renewal calendars; with ``series`` (a dyadic indicator)
    also the synchronised-vs-other difference and the phase cross-correlations (``lags`` periods).

    p-values compare the observed statistic with B's calendar shifted circularly by every ``s`` months
    with ``min_shift <= s <= len(grid) - min_shift`` (default ``min_shift = 2 * months + 1``).
    ``detrend`` (none, linear, diff) says what is compared: the indicator, its residual from a straight
    line over the series, or its change from the previous period."""
    if months < 0:
        raise ValueError("months must be >= 0")
    grid = np.arange(month_ordinal(pd.Timestamp(start)), month_ordinal(pd.Timestamp(end)) + 1)
    if len(grid) < 24:
        raise ValueError("the grid needs at least two years (--start/--end)")
    notes: list[str] = []
    # months before both states existed are not months of this pair (Russia from December 1991)
    from dyad.countries import existence

    starts = [rec.start for rec in (existence(a), existence(b)) if rec is not None and rec.start is not None]
    if starts and month_ordinal(max(starts)) > grid[0]:
        grid = grid[grid >= month_ordinal(max(starts))]
        notes.append(f"the months start in {label(grid[0], 'month')}: both states exist from "
                     f"{max(starts):%d %b %Y}")
        if len(grid) < 24:
            raise ValueError("the grid needs at least two years in which both states exist (--start/--end)")
    a_dates = renewal_dates(a, kinds_a, store=store, paths=paths, notes=notes)
    b_dates = renewal_dates(b, kinds_b, store=store, paths=paths, notes=notes)
    a_ord = np.array([month_ordinal(d) for d in a_dates])
    b_ord = np.array([month_ordinal(d) for d in b_dates])
    a_in = [d for d in a_dates if grid[0] <= month_ordinal(d) <= grid[-1]]
    b_in = [d for d in b_dates if grid[0] <= month_ordinal(d) <= grid[-1]]
    if not a_in or not b_in:
        raise ValueError(f"no renewals of {a if not a_in else b} between {start} and {end}")

    near_a = near(a_ord, grid, months)
    m = len(grid)
    # every circular shift of B's calendar against A's; shift 0 is what happened
    # shift 0 is what happened; the null keeps only shifts that move B's windows clear of where they
    # were (a shift of a month or two would reproduce the observed alignment and dilute the test)
    min_shift = 2 * months + 1 if min_shift is None else int(min_shift)
    shifts = [0] + [s for s in range(1, m) if min(s, m - s) >= min_shift]
    near_b = near(b_ord, grid, months)
    near_b_all = np.array([np.roll(near_b, s) for s in shifts])
    both_all = near_a[None, :] & near_b_all
    share_all = both_all.mean(axis=1)
    a_grid = np.array([month_ordinal(d) for d in a_in])
    b_grid = np.array([month_ordinal(d) for d in b_in])
    gap_ab = np.array([_median_gap(a_grid, grid[0] + (b_grid - grid[0] + s) % m) for s in shifts])
    gap_ba = np.array([_median_gap(grid[0] + (b_grid - grid[0] + s) % m, a_grid) for s in shifts])

    rows = [
        _row("share_near", a, near_a.mean(), n=m),
        _row("share_near", b, near_b.mean(), n=m),
        _row("share_both_near", "", share_all[0], p=float(np.mean(share_all >= share_all[0] - 1e-12)), n=m),
        _row("share_both_expected", "", near_a.mean() * near_b.mean(), n=m),
        _row("median_abs_gap_months", a, gap_ab[0], p=float(np.mean(gap_ab <= gap_ab[0] + 1e-12)), n=len(a_in)),
        _row("median_abs_gap_months", b, gap_ba[0], p=float(np.mean(gap_ba <= gap_ba[0] + 1e-12)), n=len(b_in)),
    ]
    periods = None
    name = None
    if series is not None:
        name = series.name
        extra, periods = _indicator_stats(series, grid, near_a, both_all, a_ord, b_ord, a, b, lags, level,
                                          detrend)
        rows.extend(extra)
    frame = pd.DataFrame(rows, columns=STAT_COLUMNS)
    return SyncResult(a, b, months, label(grid[0], "month"), label(grid[-1], "month"),
                      tuple(d.isoformat() for d in a_in), tuple(d.isoformat() for d in b_in), name, detrend, frame,
                      _gap_table(a_in, b_in, a, b), periods, tuple(notes))


def _row(statistic, side, estimate, low=np.nan, high=np.nan, p=np.nan, n=0, lag=None) -> dict:
    return {"statistic": statistic, "side": side, "lag": lag, "estimate": float(estimate), "ci_low": low,
            "ci_high": high, "p_value": p, "n": int(n)}


def detrended(values: np.ndarray, how: str) -> np.ndarray:
    """The series as compared: raw (``none``), residuals from a least-squares line (``linear``), or
    first differences y_t - y_(t-1) (``diff``). Missing values stay missing."""
    if how == "none":
        return values.astype(float)
    if how == "diff":
        return np.concatenate([[np.nan], np.diff(values.astype(float))])
    if how == "linear":
        t = np.arange(len(values), dtype=float)
        ok = ~np.isnan(values)
        if ok.sum() < 3:
            raise ValueError("linear detrending needs at least 3 values")
        slope, intercept = np.polyfit(t[ok], values[ok], 1)
        return values - (intercept + slope * t)
    raise ValueError(f"detrend must be one of {', '.join(DETREND)}, not {how!r}")


def _indicator_stats(series, grid, near_a, both_all, a_ord, b_ord, a, b, lags, level, detrend):
    y = detrended(series.values, detrend)
    share = _period_shares(both_all, grid, series)   # shifts x periods
    flags = share >= 0.5
    valid = ~np.isnan(y) & ~np.isnan(share[0])
    if valid.sum() < 4:
        raise ValueError(f"{series.name}: fewer than 4 periods with data inside the calendar grid")

    def welch_t(f):
        # the shift statistic is Welch's t, not the raw difference: with one or two synchronised
        # periods a raw difference is dominated by whichever single period lands there
        x, z = y[valid & f], y[valid & ~f]
        if len(x) < 2 or len(z) < 2:
            return np.nan
        se = np.sqrt(x.var(ddof=1) / len(x) + z.var(ddof=1) / len(z))
        return (x.mean() - z.mean()) / se if se > 0 else np.nan

    t_all = np.array([welch_t(f) for f in flags])
    est, low, high = (_welch(y[valid & flags[0]], y[valid & ~flags[0]], level)
                      if flags[0][valid].any() and (~flags[0][valid]).any() else (np.nan,) * 3)
    ok = ~np.isnan(t_all)
    p = float(np.mean(np.abs(t_all[ok]) >= abs(t_all[0]) - 1e-12)) if ok[0] else np.nan
    rows = [_row("indicator_diff_sync", "", est, low, high, p, n=int(valid.sum())),
            _row("indicator_sync_periods", "", float((valid & flags[0]).sum()), n=int(valid.sum()))]
    phases = {}
    for side, ords in ((a, a_ord), (b, b_ord)):
        phase = _period_means(cycle_phase(ords, grid), grid, series)
        phases[side] = phase
        xc = cross_correlation(phase, y, lags, level)
        for _, r in xc.iterrows():
            rows.append(_row("xcorr_phase", side, r["estimate"], r["ci_low"], r["ci_high"], r["p_value"],
                             n=r["n"], lag=int(r["lag"])))
    periods = pd.DataFrame({"period": series.labels(), "value": y, "share_sync": share[0],
                            "synchronised": np.where(np.isnan(share[0]), None, flags[0]),
                            f"phase_{a}": phases[a], f"phase_{b}": phases[b]})
    return rows, periods
