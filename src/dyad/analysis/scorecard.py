"""The proposal scorecard: for each proposal and linked series, what changed between the agenda's windows.

Per series (yearly values): the level change (evaluation mean minus baseline mean, also in baseline sd), the
OLS trend slope in each window with a t interval for the evaluation slope, and a test of the level change
(Welch's t by default, or an exact/Monte Carlo permutation test of the difference in means). With a single
baseline (or evaluation) year and at least three years on the other side, a one-sample t test against that
single year is used and flagged as weak.

Series verdict (``s`` the expected sign, ``d`` the level change, ``p`` the test's p-value, ``alpha`` the
agenda's level): *advanced* if ``p < alpha`` and ``s*d > 0``; *reversed* if ``p < alpha`` and ``s*d < 0``;
*stalled* otherwise; *not measurable* when a window has no data or too few years to test.

Proposal verdict: the weighted plurality of its measurable series' verdicts (weights as in the index, a
directed indicator's weight split over its flows); a tie goes to *stalled*. No measurable series: *not
measurable with the loaded data*. See docs/methods/agenda.md.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from dyad.agenda import Agenda, Window
from dyad.analysis.inputs import Fetcher, Series, expand

ADVANCED, STALLED, REVERSED, NOT_MEASURABLE = "advanced", "stalled", "reversed", "not measurable"
TESTS = ("welch", "permutation")
_EXACT_LIMIT = 20000


@dataclass(frozen=True)
class Change:
    """The change of one yearly series between a baseline and an evaluation window."""

    n_base: int
    n_eval: int
    base_mean: float
    eval_mean: float
    level_change: float
    level_change_sd: float
    base_slope: float
    eval_slope: float
    eval_slope_low: float
    eval_slope_high: float
    test: str
    statistic: float
    p_value: float
    verdict: str
    reason: str


def ols_slope(years: np.ndarray, values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """OLS slope per year with a t interval (interval NaN below three points)."""
    if len(values) < 2:
        return np.nan, np.nan, np.nan
    res = stats.linregress(years.astype(float), values.astype(float))
    if len(values) < 3 or not np.isfinite(res.stderr):
        return float(res.slope), np.nan, np.nan
    half = stats.t.ppf((1 + level) / 2, len(values) - 2) * res.stderr
    return float(res.slope), float(res.slope - half), float(res.slope + half)


def permutation_p(x: np.ndarray, y: np.ndarray, reps: int = 9999, seed: int = 0) -> tuple[float, float]:
    """Two-sided permutation p-value of mean(y) - mean(x): exact when the arrangements are few."""
    pooled = np.concatenate([x, y])
    n, k = len(pooled), len(y)
    observed = y.mean() - x.mean()
    if math.comb(n, k) <= _EXACT_LIMIT:
        idx = np.array(list(itertools.combinations(range(n), k)))
        mask = np.zeros((len(idx), n), dtype=bool)
        np.put_along_axis(mask, idx, True, axis=1)
    else:
        rng = np.random.default_rng(seed)
        mask = np.zeros((reps, n), dtype=bool)
        np.put_along_axis(mask, np.argsort(rng.random((reps, n)), axis=1)[:, :k], True, axis=1)
    sums = mask @ pooled
    diffs = sums / k - (pooled.sum() - sums) / (n - k)
    extreme = np.abs(diffs) >= abs(observed) - 1e-12 * max(1.0, abs(observed))
    if math.comb(n, k) <= _EXACT_LIMIT:
        return float(observed), float(extreme.mean())
    return float(observed), float((extreme.sum() + 1) / (reps + 1))


def _welch(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    if x.var(ddof=1) == 0 and y.var(ddof=1) == 0:
        # No spread on either side: any difference is exact, no difference is none.
        return (math.copysign(math.inf, y.mean() - x.mean()), 0.0) if y.mean() != x.mean() else (0.0, 1.0)
    res = stats.ttest_ind(y, x, equal_var=False)
    return float(res.statistic), float(res.pvalue)


def _single(point: float, others: np.ndarray) -> tuple[float, float]:
    if others.var(ddof=1) == 0:
        return (math.inf, 0.0) if others.mean() != point else (0.0, 1.0)
    res = stats.ttest_1samp(others, point)
    return float(res.statistic), float(res.pvalue)


def compare_windows(years, values, sign: int, baseline: Window, evaluation: Window, *, alpha: float = 0.05,
                    test: str = "welch", seed: int = 0) -> Change:
    """Level change, slopes, test and verdict for one yearly series (arrays of years and values)."""
    if test not in TESTS:
        raise ValueError(f"unknown test {test!r}; use {' or '.join(TESTS)}")
    years = np.asarray(years, dtype=int)
    values = np.asarray(values, dtype=float)
    ok = np.isfinite(values)
    years, values = years[ok], values[ok]
    in_b = np.array([baseline.contains(int(t)) for t in years], dtype=bool)
    in_e = np.array([evaluation.contains(int(t)) for t in years], dtype=bool)
    xb, xe, yb, ye = values[in_b], values[in_e], years[in_b], years[in_e]
    base_mean = float(xb.mean()) if len(xb) else np.nan
    eval_mean = float(xe.mean()) if len(xe) else np.nan
    base_sd = float(xb.std(ddof=1)) if len(xb) >= 2 else np.nan
    change = eval_mean - base_mean
    change_sd = change / base_sd if base_sd and np.isfinite(base_sd) and base_sd > 0 else np.nan
    base_slope = ols_slope(yb, xb)[0]
    eval_slope, slope_lo, slope_hi = ols_slope(ye, xe)
    common = dict(n_base=len(xb), n_eval=len(xe), base_mean=base_mean, eval_mean=eval_mean, level_change=change,
                  level_change_sd=change_sd, base_slope=base_slope, eval_slope=eval_slope,
                  eval_slope_low=slope_lo, eval_slope_high=slope_hi)
    name, stat, p, reason = _test(xb, xe, baseline, evaluation, test, seed)
    if not np.isfinite(p):
        return Change(**common, test=name, statistic=np.nan, p_value=np.nan, verdict=NOT_MEASURABLE, reason=reason)
    aligned = sign * change
    if p < alpha and aligned > 0:
        verdict = ADVANCED
    elif p < alpha and aligned < 0:
        verdict = REVERSED
    else:
        verdict = STALLED
    return Change(**common, test=name, statistic=stat, p_value=p, verdict=verdict, reason=reason)


def _test(xb, xe, baseline: Window, evaluation: Window, test: str, seed: int):
    """(test name, statistic, p-value, note); p NaN when the windows cannot be compared."""
    nb, ne = len(xb), len(xe)
    if nb == 0 or ne == 0:
        empty = [f"baseline {baseline.label}"] * (nb == 0) + [f"evaluation {evaluation.label}"] * (ne == 0)
        return "", np.nan, np.nan, f"no data in the {' and the '.join(empty)}"
    if nb >= 2 and ne >= 2:
        if test == "welch":
            stat, p = _welch(xb, xe)
            return "welch t", stat, p, ""
        stat, p = permutation_p(xb, xe, seed=seed)
        return "permutation", stat, p, ""
    if nb == 1 and ne >= 3:
        stat, p = _single(float(xb[0]), xe)
        return "one-sample t vs the single baseline year", stat, p, "weak: one baseline year"
    if ne == 1 and nb >= 3:
        stat, p = _single(float(xe[0]), xb)
        return "one-sample t vs the single evaluation year", -stat, p, "weak: one evaluation year"
    return "", np.nan, np.nan, (f"too few years to test ({nb} in the baseline, {ne} in the evaluation; need 2 "
                                "and 2, or 1 and 3)")


@dataclass(frozen=True)
class Evidence:
    """One linked series of a proposal: what it is, how it changed, and its verdict."""

    proposal: str
    indicator: str
    series: str
    sign: int
    weight: float
    rationale: str
    change: Change
    note: str = ""

    def text(self) -> str:
        c = self.change
        if c.verdict == NOT_MEASURABLE:
            return f"{self.series}: not measurable ({self.note or c.reason})"
        sd = "" if not np.isfinite(c.level_change_sd) else f", {c.level_change_sd:+.2f} baseline sd"
        slope = "" if not np.isfinite(c.eval_slope) else f"; slope {c.eval_slope:+.4g}/yr"
        if np.isfinite(c.eval_slope_low):
            slope += f" [{c.eval_slope_low:+.4g}, {c.eval_slope_high:+.4g}]"
        if np.isfinite(c.base_slope):
            slope += f" vs {c.base_slope:+.4g}/yr before"
        weak = "".join(f" ({t})" for t in (c.reason, self.note) if t)
        return (f"{self.series} (expected {'+' if self.sign > 0 else '-'}): {c.verdict}; mean {c.eval_mean:.4g} "
                f"over {c.n_eval} yr vs {c.base_mean:.4g} over {c.n_base} yr ({c.level_change:+.4g}{sd}); "
                f"{c.test} p={c.p_value:.3g}{slope}{weak}")


@dataclass(frozen=True)
class ProposalResult:
    id: str
    statement: str
    directions: tuple[str, ...]
    verdict: str
    coverage: float               # share of the proposal's linked weight that is measurable
    evidence: tuple[Evidence, ...]
    note: str = ""
    strength: str = "indicators"  # the agenda's word on its evidence: indicators, weak (proxies only) or none

    def reason(self) -> str:
        if self.verdict == NOT_MEASURABLE and not self.evidence:
            return self.note or "no indicator linked"
        return "; ".join(e.text() for e in self.evidence)


def combine(evidence: list[Evidence] | tuple[Evidence, ...]) -> tuple[str, float]:
    """Proposal verdict and coverage from its series: weighted plurality, ties to stalled."""
    total = sum(e.weight for e in evidence)
    tally = {ADVANCED: 0.0, STALLED: 0.0, REVERSED: 0.0}
    for e in evidence:
        if e.change.verdict in tally:
            tally[e.change.verdict] += e.weight
    measured = sum(tally.values())
    coverage = measured / total if total > 0 else 0.0
    if measured <= 0:
        return NOT_MEASURABLE, coverage
    top = max(tally.values())
    leaders = [v for v, wt in tally.items() if math.isclose(wt, top)]
    return (leaders[0] if len(leaders) == 1 else STALLED), coverage


@dataclass(frozen=True)
class Scorecard:
    a: str
    b: str
    agenda: str
    baseline: str
    evaluation: str
    alpha: float
    test: str
    proposals: tuple[ProposalResult, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per proposal and series (a proposal without series gets one row)."""
        rows = []
        for p in self.proposals:
            head = {"a": self.a, "b": self.b, "proposal": p.id, "directions": ",".join(p.directions),
                    "proposal_verdict": p.verdict, "strength": p.strength}
            if not p.evidence:
                rows.append({**head, "indicator": None, "series": None, "verdict": NOT_MEASURABLE,
                             "note": p.note})
            for e in p.evidence:
                rows.append({**head, "indicator": e.indicator, "series": e.series, "sign": e.sign,
                             "weight": e.weight, **asdict(e.change), "note": e.note})
        frame = pd.DataFrame(rows)
        for col in ("sign", "n_base", "n_eval"):
            if col in frame:
                frame[col] = frame[col].astype("Int64")     # stays whole with the rows of unlinked proposals
        return frame

    def proposals_frame(self) -> pd.DataFrame:
        """One row per proposal: verdict, coverage, counts of series verdicts and the evidence as text."""
        rows = []
        for p in self.proposals:
            counts = {v: sum(e.change.verdict == v for e in p.evidence)
                      for v in (ADVANCED, STALLED, REVERSED, NOT_MEASURABLE)}
            rows.append({"proposal": p.id, "directions": ",".join(p.directions), "verdict": p.verdict,
                         "coverage": p.coverage, "strength": p.strength,
                         **{k.replace(" ", "_"): v for k, v in counts.items()},
                         "statement": p.statement, "evidence": p.reason()})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        from dyad.output import records

        evidence = self.to_frame()
        evidence = evidence[evidence["series"].notna()]
        shared = ["a", "b", "proposal", "directions", "proposal_verdict", "strength"]
        return {"a": self.a, "b": self.b, "agenda": self.agenda, "baseline": self.baseline,
                "evaluation": self.evaluation, "alpha": self.alpha, "test": self.test,
                "proposals": [{"id": p.id, "statement": p.statement, "directions": list(p.directions),
                               "verdict": p.verdict, "coverage": p.coverage, "strength": p.strength,
                               "note": p.note,
                               "evidence": records(evidence[evidence["proposal"] == p.id].drop(columns=shared))}
                              for p in self.proposals]}

    def summary(self) -> str:
        lines = [f"Scorecard {self.a}-{self.b}, agenda {self.agenda}: baseline {self.baseline} vs evaluation "
                 f"{self.evaluation} ({self.test}, alpha {self.alpha})"]
        for p in self.proposals:
            weak = ", proxies only" if p.strength == "weak" else ""
            lines.append(f"{p.id} [{','.join(p.directions)}] {p.verdict.upper()} (coverage {p.coverage:.0%}{weak}): "
                         f"{p.statement}")
            if not p.evidence:
                lines.append(f"    {p.note or 'no indicator linked'}")
            lines.extend(f"    {e.text()}" for e in p.evidence)
        return "\n".join(lines)


def scorecard(source, agenda: Agenda, a: str, b: str, *, weights=None, alpha: float | None = None,
              test: str = "welch", seed: int = 0, on_error: str = "record") -> Scorecard:
    """Score every proposal of ``agenda`` for a and b from a store or ``{indicator_id: tidy frame}``."""
    w = agenda.weights.override(weights)
    alpha = agenda.alpha if alpha is None else alpha
    fetch = Fetcher(source, on_error)
    results = []
    for p in agenda.proposals:
        evidence = []
        for link in p.links:
            for s in expand(link, agenda, a, b, w.indicator(link.indicator)):
                evidence.append(_evidence(p.id, link.rationale, s, fetch, agenda, alpha, test, seed))
        verdict, coverage = combine(evidence)
        results.append(ProposalResult(p.id, p.statement, p.directions, verdict, coverage, tuple(evidence), p.note,
                                      p.evidence))
    return Scorecard(a, b, agenda.id, agenda.baseline.label, agenda.evaluation.label, alpha, test, tuple(results))


def _evidence(pid: str, rationale: str, s: Series, fetch: Fetcher, agenda: Agenda, alpha: float, test: str,
              seed: int) -> Evidence:
    yearly = fetch.yearly(s)
    change = compare_windows(yearly["year"].to_numpy(), yearly["value"].to_numpy(), s.sign, agenda.baseline,
                             agenda.evaluation, alpha=alpha, test=test, seed=seed)
    note = "; ".join(t for t in (fetch.note(s), fetch.dropped.get(s.key, "")) if t)
    return Evidence(pid, s.indicator, s.label, s.sign, s.weight, rationale, change, note)
