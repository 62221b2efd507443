"""The proposal scorecard: for each proposal and linked series, what changed between the agenda's windows.

Design (the strongest the series supports, named in each piece of evidence; docs/methods/agenda.md#designs):

* **windows compared** -- at least ``MIN_YEARS`` (3) baseline and 3 evaluation years: the level change
  (evaluation mean minus baseline mean, also in baseline sd) tested with Welch's t (default) or an exact /
  Monte Carlo permutation test of the difference in means; OLS slopes in each window beside it;
* **change and trend since the last pre-evaluation year** (weaker) -- otherwise, when the series has a year
  before the evaluation window (the anchor) and at least two evaluation years: the change of the evaluation
  mean from the anchor year, and the OLS trend over the anchor and the evaluation years, tested against 0;
* **not measurable** -- neither.

Series verdict (``s`` the expected sign, ``d`` the level change or trend, ``p`` the test's p-value *after the
multiple-testing correction*, ``alpha`` the agenda's level): *advanced* if ``p < alpha`` and ``s*d > 0``;
*reversed* if ``p < alpha`` and ``s*d < 0``; *stalled* otherwise. The correction (Benjamini-Hochberg by
default, Holm, or none) runs over one family: every series test of the scorecard run.

Proposal verdict: the weighted plurality of its measurable series' verdicts (weights as in the index, a
directed indicator's weight split over its flows); a tie goes to *stalled*. No measurable series: *not
measurable with the loaded data*. An agenda scores only the countries it names; any other pair is scored on
the generic five-direction agenda (no proposals). See docs/methods/agenda.md.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from dyad.agenda import Agenda, Window, parse_window
from dyad.analysis.inputs import Fetcher, Series, agenda_for, expand, year_list

ADVANCED, STALLED, REVERSED, NOT_MEASURABLE = "advanced", "stalled", "reversed", "not measurable"
TESTS = ("welch", "permutation")
CORRECTIONS = ("bh", "holm", "none")
CORRECTION_NAMES = {"bh": "Benjamini-Hochberg (false discovery rate)", "holm": "Holm (family-wise error)",
                    "none": "none"}
WINDOWS = "windows compared"
TREND = "change and trend since the last pre-evaluation year (weaker)"
MIN_YEARS = 3
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
    design: str = ""
    base_years: str = ""          # the years each side of the comparison used
    eval_years: str = ""
    p_adjusted: float = np.nan    # after the multiple-testing correction; the verdict uses it when set
    direction: float = np.nan     # the signed quantity the verdict reads: level change or trend slope


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


def compare_windows(years, values, sign: int, baseline: Window, evaluation: Window, *, alpha: float = 0.05,
                    test: str = "welch", seed: int = 0) -> Change:
    """Design, level change, slopes, test and (uncorrected) verdict for one yearly series."""
    if test not in TESTS:
        raise ValueError(f"unknown test {test!r}; use {' or '.join(TESTS)}")
    years = np.asarray(years, dtype=int)
    values = np.asarray(values, dtype=float)
    ok = np.isfinite(values)
    years, values = years[ok], values[ok]
    in_b = np.array([baseline.contains(int(t)) for t in years], dtype=bool)
    in_e = np.array([evaluation.contains(int(t)) for t in years], dtype=bool)
    xb, xe, yb, ye = values[in_b], values[in_e], years[in_b], years[in_e]
    eval_mean = float(xe.mean()) if len(xe) else np.nan
    eval_slope, slope_lo, slope_hi = ols_slope(ye, xe)
    if len(xb) >= MIN_YEARS and len(xe) >= MIN_YEARS:
        base_mean, base_sd = float(xb.mean()), float(xb.std(ddof=1))
        change = eval_mean - base_mean
        change_sd = change / base_sd if np.isfinite(base_sd) and base_sd > 0 else np.nan
        name, stat, p = _window_test(xb, xe, test, seed)
        common = dict(n_base=len(xb), n_eval=len(xe), base_mean=base_mean, eval_mean=eval_mean,
                      level_change=change, level_change_sd=change_sd, base_slope=ols_slope(yb, xb)[0],
                      eval_slope=eval_slope, eval_slope_low=slope_lo, eval_slope_high=slope_hi, test=name,
                      statistic=stat, p_value=p, design=WINDOWS, base_years=year_list(yb),
                      eval_years=year_list(ye), direction=change)
        return Change(**common, verdict=verdict_of(sign, change, p, alpha), reason="")
    before = years < evaluation.start
    if before.any() and len(xe) >= 2:
        anchor_year = int(years[before].max())
        anchor = float(values[years == anchor_year][0])
        ty, tx = np.concatenate([[anchor_year], ye]), np.concatenate([[anchor], xe])
        res = stats.linregress(ty.astype(float), tx)
        slope = float(res.slope)
        if np.isfinite(res.pvalue):
            stat, p = float(slope / res.stderr) if res.stderr > 0 else math.copysign(math.inf, slope), float(res.pvalue)
        else:    # a perfect line: no residual variance
            stat, p = (math.copysign(math.inf, slope), 0.0) if slope != 0 else (0.0, 1.0)
        lo, hi = ols_slope(ty, tx)[1:]
        change = eval_mean - anchor
        why = (f"weaker design: {len(xb)} baseline and {len(xe)} evaluation years (windows need {MIN_YEARS} "
               f"and {MIN_YEARS}); trend from {anchor_year}")
        return Change(n_base=1, n_eval=len(xe), base_mean=anchor, eval_mean=eval_mean, level_change=change,
                      level_change_sd=np.nan, base_slope=np.nan, eval_slope=slope, eval_slope_low=lo,
                      eval_slope_high=hi, test="OLS trend t test", statistic=stat, p_value=p,
                      verdict=verdict_of(sign, slope, p, alpha), reason=why, design=TREND,
                      base_years=str(anchor_year), eval_years=year_list(ye), direction=slope)
    if len(xb) == 0 and len(xe) == 0:
        reason = f"no data in the baseline {baseline.label} and the evaluation {evaluation.label}"
    elif len(xe) == 0:
        reason = f"no data in the evaluation {evaluation.label}"
    elif not before.any():
        reason = f"no data in the baseline {baseline.label} or any year before the evaluation"
    else:
        reason = (f"too few years ({len(xb)} baseline, {len(xe)} evaluation): need {MIN_YEARS} and {MIN_YEARS} "
                  "to compare windows, or a pre-evaluation year and 2 evaluation years for a trend")
    return Change(n_base=len(xb), n_eval=len(xe), base_mean=float(xb.mean()) if len(xb) else np.nan,
                  eval_mean=eval_mean, level_change=np.nan, level_change_sd=np.nan, base_slope=np.nan,
                  eval_slope=eval_slope, eval_slope_low=slope_lo, eval_slope_high=slope_hi, test="",
                  statistic=np.nan, p_value=np.nan, verdict=NOT_MEASURABLE, reason=reason, design=NOT_MEASURABLE,
                  base_years=year_list(yb), eval_years=year_list(ye))


def verdict_of(sign: int, quantity: float, p: float, alpha: float) -> str:
    if not np.isfinite(p):
        return NOT_MEASURABLE
    if p < alpha and sign * quantity > 0:
        return ADVANCED
    if p < alpha and sign * quantity < 0:
        return REVERSED
    return STALLED


def _window_test(xb, xe, test: str, seed: int):
    if test == "welch":
        return ("welch t", *_welch(xb, xe))
    return ("permutation", *permutation_p(xb, xe, seed=seed))


def adjust(p_values, method: str = "bh") -> np.ndarray:
    """Multiple-testing adjusted p-values (NaN stays NaN and is not counted in the family).

    ``bh``: Benjamini and Hochberg (1995), ``p_(i) * m / i`` made monotone from the largest down, capped at 1.
    ``holm``: Holm (1979), ``p_(i) * (m - i + 1)`` made monotone from the smallest up, capped at 1.
    """
    if method not in CORRECTIONS:
        raise ValueError(f"unknown correction {method!r}; use {', '.join(CORRECTIONS)}")
    p = np.asarray(p_values, dtype=float)
    out = p.copy()
    have = np.flatnonzero(np.isfinite(p))
    m = len(have)
    if method == "none" or m == 0:
        return out
    order = have[np.argsort(p[have], kind="stable")]
    ranked = p[order]
    i = np.arange(1, m + 1)
    if method == "bh":
        adj = np.minimum.accumulate((ranked * m / i)[::-1])[::-1]
    else:
        adj = np.maximum.accumulate(ranked * (m - i + 1))
    out[order] = np.minimum(adj, 1.0)
    return out


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
            years = f"; years {c.base_years or '-'} vs {c.eval_years or '-'}" if (c.base_years or c.eval_years) else ""
            return f"{self.series}: not measurable ({'; '.join(t for t in (c.reason, self.note) if t)}{years})"
        unit = _unit_of(self.indicator)

        def amt(v: float, signed: bool = False) -> str:
            return amount(v, unit, signed)

        sd = "" if not np.isfinite(c.level_change_sd) else f", {c.level_change_sd:+.2f} baseline sd"
        slope = "" if not np.isfinite(c.eval_slope) else f"; slope {amt(c.eval_slope, True)}/yr"
        if np.isfinite(c.eval_slope_low):
            slope += f" [{amt(c.eval_slope_low, True)}, {amt(c.eval_slope_high, True)}]"
        if np.isfinite(c.base_slope):
            slope += f" vs {amt(c.base_slope, True)}/yr before"
        weak = "".join(f" ({t})" for t in (c.reason, self.note) if t)
        adj = f", adjusted {c.p_adjusted:.3g}" if np.isfinite(c.p_adjusted) else ""
        return (f"{self.series} (expected {'+' if self.sign > 0 else '-'}): {c.verdict} [{c.design}; "
                f"{c.base_years} vs {c.eval_years}]; mean {amt(c.eval_mean)} over {c.n_eval} yr vs "
                f"{amt(c.base_mean)} over {c.n_base} yr ({amt(c.level_change, True)}{sd}); "
                f"{c.test} p={c.p_value:.3g}{adj}{slope}{weak}")


def _unit_of(indicator_id: str) -> str:
    from dyad import indicators

    try:
        return str(indicators.get(indicator_id).unit)
    except Exception:  # noqa: BLE001 - an indicator of a test or plugin no longer registered: no unit
        return ""


def _three(x: float) -> str:
    """Three significant digits, trailing zeros kept: 88.0, 148, 4.66, 0.470."""
    if x == 0:
        return "0"
    digits = max(0, 2 - int(math.floor(math.log10(abs(x)))))
    return f"{x:,.{digits}f}"


def amount(value: float, unit: str, signed: bool = False) -> str:
    """A number for a sentence: US dollars in bn/m/thousand USD by their size, percentages with "%", other
    units to four significant digits (``48.3 bn USD``, ``+5.33%``, ``0.7442``)."""
    if not np.isfinite(value):
        return "-"
    sign = "+" if signed and value > 0 else ""
    if unit == "USD":
        from dyad.output import usd_scale

        scale, name = usd_scale(abs(value))
        return f"{sign}{_three(value / scale)} {name}"
    if unit == "percent":
        return f"{sign}{_three(value)}%"
    if unit == "TIV millions":
        return f"{sign}{_three(value)} m TIV"
    return f"{sign}{value:.4g}"


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
    correction: str = "none"
    family: str = ""
    note: str = ""

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
                "correction": CORRECTION_NAMES.get(self.correction, self.correction), "family": self.family,
                "note": self.note,
                "proposals": [{"id": p.id, "statement": p.statement, "directions": list(p.directions),
                               "verdict": p.verdict, "coverage": p.coverage, "strength": p.strength,
                               "note": p.note,
                               "evidence": records(evidence[evidence["proposal"] == p.id].drop(columns=shared))}
                              for p in self.proposals]}

    def summary(self) -> str:
        lines = [f"Scorecard {self.a}-{self.b}, agenda {self.agenda}: baseline {self.baseline} vs evaluation "
                 f"{self.evaluation} ({self.test}, alpha {self.alpha}; correction "
                 f"{CORRECTION_NAMES.get(self.correction, self.correction)} over {self.family or 'no tests'})"]
        if self.note:
            lines.append(self.note)
        for p in self.proposals:
            weak = ", proxies only" if p.strength == "weak" else ""
            lines.append(f"{p.id} [{','.join(p.directions)}] {p.verdict.upper()} (coverage {p.coverage:.0%}{weak}): "
                         f"{p.statement}")
            if not p.evidence:
                lines.append(f"    {p.note or 'no indicator linked'}")
            lines.extend(f"    {e.text()}" for e in p.evidence)
        return "\n".join(lines)


def scorecard(source, agenda: Agenda, a: str, b: str, *, weights=None, alpha: float | None = None,
              test: str = "welch", seed: int = 0, on_error: str = "record", correction: str = "bh",
              baseline: Window | str | None = None, evaluation: Window | str | None = None,
              include_thin: bool = False) -> Scorecard:
    """Score every proposal of ``agenda`` for a and b from a store or ``{indicator_id: tidy frame}``.

    ``baseline`` / ``evaluation`` (e.g. ``"2013-2017"``, ``"2018-"``) replace the agenda's windows;
    ``correction`` is ``bh`` (default), ``holm`` or ``none``, over every series test of this run;
    ``include_thin`` keeps values the indicators mark thin. An agenda naming other countries than a and b is
    replaced by the generic five-direction agenda, and the scorecard's note says so.
    """
    if correction not in CORRECTIONS:
        raise ValueError(f"unknown correction {correction!r}; use {', '.join(CORRECTIONS)}")
    agenda, note = agenda_for(agenda, a, b)
    base = agenda.baseline if baseline is None else _window(baseline)
    ev = agenda.evaluation if evaluation is None else _window(evaluation)
    if base.end is None or base.end >= ev.start:
        raise ValueError(f"baseline {base.label} must end before the evaluation {ev.label} starts")
    w = agenda.weights.override(weights)
    alpha = agenda.alpha if alpha is None else alpha
    fetch = Fetcher(source, on_error, include_thin=include_thin)
    raw = []
    for p in agenda.proposals:
        evidence = []
        for link in p.links:
            for s in expand(link, agenda, a, b, w.indicator(link.indicator)):
                evidence.append(_evidence(p.id, link.rationale, s, fetch, base, ev, alpha, test, seed))
        raw.append((p, evidence))
    flat = [e for _, evidence in raw for e in evidence]
    adjusted = adjust([e.change.p_value for e in flat], correction)
    m = int(np.isfinite(adjusted).sum())
    fixed = iter([_corrected(e, q, alpha, correction) for e, q in zip(flat, adjusted, strict=True)])
    results = []
    for p, evidence in raw:
        evidence = [next(fixed) for _ in evidence]
        verdict, coverage = combine(evidence)
        results.append(ProposalResult(p.id, p.statement, p.directions, verdict, coverage, tuple(evidence), p.note,
                                      p.evidence))
    family = f"{m} series test(s) of this scorecard" if m else ""
    return Scorecard(a, b, agenda.id, base.label, ev.label, alpha, test, tuple(results), correction, family, note)


def _window(value) -> Window:
    return value if isinstance(value, Window) else parse_window(value)


def _corrected(e: Evidence, q: float, alpha: float, correction: str) -> Evidence:
    c = e.change
    if correction == "none" or not np.isfinite(q):
        return e
    return replace(e, change=replace(c, p_adjusted=float(q), verdict=verdict_of(e.sign, c.direction, q, alpha)))


def _evidence(pid: str, rationale: str, s: Series, fetch: Fetcher, baseline: Window, evaluation: Window,
              alpha: float, test: str, seed: int) -> Evidence:
    yearly = fetch.yearly(s)
    change = compare_windows(yearly["year"].to_numpy(), yearly["value"].to_numpy(), s.sign, baseline,
                             evaluation, alpha=alpha, test=test, seed=seed)
    note = "; ".join(t for t in (fetch.note(s), fetch.dropped.get(s.key, "")) if t)
    return Evidence(pid, s.indicator, s.label, s.sign, s.weight, rationale, change, note)
