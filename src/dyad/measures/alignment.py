"""UN General Assembly voting alignment between two countries, or among all of them.

Every measure here is a function of one 3x3 table of joint votes (rows: country a's yes / abstain / no;
columns: country b's), so the same maths serves one dyad (counts from an Ibis expression) and all dyads at
once (counts from one-hot matrix products). Definitions and references: docs/methods.md#un-alignment.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from dyad.indicators import Indicator, register

CATS = ("yes", "abstain", "no")
POSITION = np.array([1.0, 0.5, 0.0])          # yes / abstain / no on the Voeten and S-score scale
ISSUES = ("me", "nu", "di", "hr", "co", "ec")
ISSUE_CODINGS = ("unvotes", "voeten2016")   # newest first; see sources/unvotes.py
EXTRACT_CODING = "unxml"   # roll calls from the UN's own records (after Voeten's); always used with the above
ABSENT_RULES = ("missing", "abstain")
PERIODS = ("year", "session", "all")

# ----------------------------------------------------------------------------------------- maths


def _split(tab: np.ndarray):
    tab = np.asarray(tab, dtype=float)
    n = tab.sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = tab / n[..., None, None]
    return tab, n, p


def agreement(tab: np.ndarray) -> np.ndarray:
    """Share of roll calls (both present) on which the two cast the same vote."""
    _, _, p = _split(tab)
    return np.trace(p, axis1=-2, axis2=-1)


def _mean_distance(p: np.ndarray) -> np.ndarray:
    d = np.abs(POSITION[:, None] - POSITION[None, :])   # 0, 0.5 or 1
    return (p * d).sum(axis=(-2, -1))


def voeten(tab: np.ndarray) -> np.ndarray:
    """Voeten's agreement index: 1 same vote, 0.5 when exactly one abstains, 0 for yes against no."""
    _, _, p = _split(tab)
    return 1.0 - _mean_distance(p)


def s_score(tab: np.ndarray) -> np.ndarray:
    """Signorino and Ritter's S on the yes/abstain/no scale: 1 - 2 d / d_max, d the mean distance."""
    _, _, p = _split(tab)
    return 1.0 - 2.0 * _mean_distance(p)    # distances already scaled by d_max = 1


def kappa(tab: np.ndarray) -> np.ndarray:
    """Cohen's kappa: chance-corrected agreement with each country's own vote distribution (Häge 2011)."""
    _, _, p = _split(tab)
    po = np.trace(p, axis1=-2, axis2=-1)
    pe = (p.sum(axis=-1) * p.sum(axis=-2)).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.isclose(pe, 1.0), np.nan, (po - pe) / (1.0 - pe))


def scott_pi(tab: np.ndarray) -> np.ndarray:
    """Scott's pi: chance-corrected agreement with the pooled vote distribution of both countries."""
    _, _, p = _split(tab)
    po = np.trace(p, axis1=-2, axis2=-1)
    pooled = (p.sum(axis=-1) + p.sum(axis=-2)) / 2.0
    pe = (pooled ** 2).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.isclose(pe, 1.0), np.nan, (po - pe) / (1.0 - pe))


MEASURES = {"agreement": agreement, "voeten": voeten, "sscore": s_score, "kappa": kappa, "pi": scott_pi}


def bootstrap_ci(tab: np.ndarray, measure: str, reps: int = 999, level: float = 0.95,
                 seed: int = 20180601) -> tuple[float, float]:
    """Percentile interval from resampling roll calls: multinomial draws of the 3x3 table."""
    tab = np.asarray(tab, dtype=float)
    n = int(tab.sum())
    if n == 0:
        return (np.nan, np.nan)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, (tab / n).ravel(), size=reps).reshape(reps, 3, 3)
    values = MEASURES[measure](draws)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return (np.nan, np.nan)
    alpha = (1.0 - level) / 2.0
    return float(np.quantile(values, alpha)), float(np.quantile(values, 1.0 - alpha))


# ------------------------------------------------------------------------------ Ibis expressions


def _prepared_votes(store, absent: str):
    if absent not in ABSENT_RULES:
        raise ValueError(f"absent must be one of {', '.join(ABSENT_RULES)}, not {absent!r}")
    votes = store.table("votes")
    vote = votes.vote
    if absent == "abstain":
        vote = (vote == "absent").ifelse("abstain", vote)
    return votes.mutate(vote=vote).filter(vote.isin(list(CATS)))


def issue_coding(store) -> str | None:
    """The issue coding used for --issue: the newest release's ("unvotes") if loaded, else the 2016 one."""
    tagged = store.table("rollcall_issues")
    present = set(tagged.select("coding").distinct().execute()["coding"])
    return next((c for c in (*ISSUE_CODINGS, EXTRACT_CODING) if c in present), None)


def _rollcalls(store, issue: str | None, important: bool, start: str | None, end: str | None):
    rc = store.table("rollcalls")
    if issue is not None:
        if issue not in ISSUES:
            raise ValueError(f"unknown issue {issue!r}; use one of {', '.join(ISSUES)}")
        coding = issue_coding(store)
        if coding is None:
            raise ValueError("no roll-call issue codes are loaded; ingest un_roll_call_issues or a Voeten release")
        tagged = store.table("rollcall_issues")
        codings = [coding, EXTRACT_CODING]   # the UN extract's roll calls are not in Voeten's (one source each)
        rc = rc.filter(rc.rcid.isin(tagged.filter((tagged.issue == issue) & tagged.coding.isin(codings)).rcid))
    if important:
        rc = rc.filter(rc.important.fill_null(False))
    if start:
        rc = rc.filter(rc.date >= ibis.date(start))
    if end:
        rc = rc.filter(rc.date <= ibis.date(end))
    return rc


def joint_table_expr(store, a: str, b: str, by: str = "year", *, issue: str | None = None,
                     important: bool = False, absent: str = "missing", start: str | None = None,
                     end: str | None = None):
    """Ibis expression: per period, the nine counts ``n_<va>_<vb>`` of joint votes of a and b."""
    if by not in PERIODS:
        raise ValueError(f"--by must be one of {', '.join(PERIODS)}, not {by!r}")
    votes = _prepared_votes(store, absent)
    va = votes.filter(votes.country == a).select("rcid", va="vote")
    vb = votes.filter(votes.country == b).select("rcid", vb="vote")
    rc = _rollcalls(store, issue, important, start, end)
    joined = va.join(vb, "rcid").join(rc, "rcid")
    period = ibis.literal("all") if by == "all" else joined[by].cast("string")
    joined = joined.mutate(period=period)
    counts = {f"n_{x}_{y}": ((joined.va == x) & (joined.vb == y)).ifelse(1, 0).sum()
              for x in CATS for y in CATS}
    return joined.group_by("period").aggregate(**counts).order_by("period")


def joint_tables(store, a: str, b: str, by: str = "year", **options) -> tuple[list[str], np.ndarray]:
    frame = joint_table_expr(store, a, b, by, **options).execute()
    if by != "all":
        frame = frame.assign(_k=pd.to_numeric(frame["period"])).sort_values("_k")
    cols = [f"n_{x}_{y}" for x in CATS for y in CATS]
    tabs = frame[cols].to_numpy(dtype=float).reshape(-1, 3, 3)
    return frame["period"].astype(str).tolist(), tabs


@dataclass(frozen=True)
class AlignmentSeries:
    a: str
    b: str
    measure: str
    periods: list[str]
    tables: np.ndarray

    def to_frame(self, ci: bool = True, reps: int = 999) -> pd.DataFrame:
        values = MEASURES[self.measure](self.tables) if len(self.tables) else np.array([])
        rows = []
        for period, tab, value in zip(self.periods, self.tables, values, strict=True):
            low, high = bootstrap_ci(tab, self.measure, reps=reps) if ci else (np.nan, np.nan)
            rows.append({"a": self.a, "b": self.b, "period": period, "indicator": f"un_{self.measure}",
                         "value": float(value), "n": int(tab.sum()), "ci_low": low, "ci_high": high})
        return pd.DataFrame(rows, columns=["a", "b", "period", "indicator", "value", "n", "ci_low", "ci_high"])


def alignment(store, a: str, b: str, by: str = "year", measure: str = "agreement", **options) -> AlignmentSeries:
    """UN voting alignment of a and b per period (a results object with ``.to_frame()``)."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    periods, tabs = joint_tables(store, a, b, by, **options)
    return AlignmentSeries(a, b, measure, periods, tabs)


# ---------------------------------------------------------------------------------- all dyads


def vote_matrix_frame(store, *, year: int | None = None, absent: str = "missing", issue: str | None = None,
                      important: bool = False) -> pd.DataFrame:
    """Votes with their period, as a frame (rcid, country, vote, year) for the matrix computation."""
    votes = _prepared_votes(store, absent)
    rc = _rollcalls(store, issue, important, None, None)
    if year is not None:
        rc = rc.filter(rc.year == year)
    return votes.join(rc.select("rcid", "year"), "rcid").select("rcid", "country", "vote", "year").execute()


def all_dyad_tables(frame: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """Joint 3x3 tables for every ordered pair of countries: one-hot matrices multiplied, no pair loops."""
    countries_ = sorted(frame["country"].unique())
    cidx = pd.Index(countries_).get_indexer(frame["country"])
    rcids, ridx = np.unique(frame["rcid"].to_numpy(), return_inverse=True)
    kidx = pd.Index(CATS).get_indexer(frame["vote"])
    c = len(countries_)
    onehot = np.zeros((3 * c, len(rcids)), dtype=np.float64)   # rows: vote category k, country
    onehot[kidx * c + cidx, ridx] = 1.0
    products = onehot @ onehot.T                                   # one BLAS call: all nine K_k K_l^T
    tabs = products.reshape(3, c, 3, c).transpose(1, 3, 0, 2)    # -> [a, b, k, l]
    return countries_, tabs


def alignment_matrix(store, year: int, measure: str = "agreement", **options) -> pd.DataFrame:
    """All dyads for one year, long format: a, b, value, n."""
    frame = vote_matrix_frame(store, year=year, **options)
    return matrix_to_long(frame, measure, str(year))


def matrix_to_long(frame: pd.DataFrame, measures: str | tuple[str, ...], period: str) -> pd.DataFrame:
    """Long tidy rows for every ordered pair with joint votes, one row per pair and measure."""
    measures = (measures,) if isinstance(measures, str) else tuple(measures)
    names, tabs = all_dyad_tables(frame)
    n = tabs.sum(axis=(-2, -1))
    a_idx, b_idx = np.nonzero(~np.eye(len(names), dtype=bool) & (n > 0))
    names_arr = np.array(names, dtype=object)
    picked = tabs[a_idx, b_idx]
    parts = [pd.DataFrame({"a": names_arr[a_idx], "b": names_arr[b_idx], "period": period,
                           "indicator": f"un_{m}", "value": MEASURES[m](picked),
                           "n": n[a_idx, b_idx].astype(int)}) for m in measures]
    return pd.concat(parts, ignore_index=True)


def all_years_matrix(store, measure: str | tuple[str, ...] = "agreement", **options) -> pd.DataFrame:
    """Every dyad and every year (and every measure asked for) in one pass over the votes.

    Roll calls are sorted by year so that each year is a contiguous block of columns of one one-hot matrix;
    a year's nine count matrices are then one matrix product of that block with itself.
    """
    measures = (measure,) if isinstance(measure, str) else tuple(measure)
    frame = vote_matrix_frame(store, **options)
    if frame.empty:
        return pd.DataFrame(columns=["a", "b", "period", "indicator", "value", "n"])
    country_cat = pd.Categorical(frame["country"])
    names = np.asarray(country_cat.categories, dtype=object)
    c = len(names)
    calls = frame[["rcid", "year"]].drop_duplicates("rcid").sort_values(["year", "rcid"])
    ridx = pd.Index(calls["rcid"]).get_indexer(frame["rcid"])
    kidx = pd.Categorical(frame["vote"], categories=CATS).codes
    onehot = np.zeros((3 * c, len(calls)), dtype=np.float32)
    onehot[kidx.astype(np.int64) * c + country_cat.codes.astype(np.int64), ridx] = 1.0
    years = calls["year"].to_numpy()
    bounds = np.flatnonzero(np.diff(years)) + 1
    off_diagonal = ~np.eye(c, dtype=bool)
    picked, a_all, b_all, period_all = [], [], [], []
    year_labels = np.unique(years)
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(years)], strict=True):
        block = onehot[:, lo:hi]
        tabs = (block @ block.T).reshape(3, c, 3, c).transpose(1, 3, 0, 2)
        a_idx, b_idx = np.nonzero(off_diagonal & (tabs.sum(axis=(-2, -1)) > 0))
        picked.append(tabs[a_idx, b_idx])
        a_all.append(a_idx)
        b_all.append(b_idx)
        period_all.append(np.full(len(a_idx), np.searchsorted(year_labels, years[lo])))
    tabs = np.concatenate(picked)
    # Categorical columns from integer codes: no per-row strings are built for 10^6 rows.
    a = pd.Categorical.from_codes(np.concatenate(a_all), categories=names)
    b = pd.Categorical.from_codes(np.concatenate(b_all), categories=names)
    period = pd.Categorical.from_codes(np.concatenate(period_all), categories=year_labels.astype(str))
    n = tabs.sum(axis=(-2, -1)).astype(np.int64)
    parts = [pd.DataFrame({"a": a, "b": b, "period": period,
                           "indicator": pd.Categorical.from_codes(np.zeros(len(n), dtype=np.int8), [f"un_{m}"]),
                           "value": MEASURES[m](tabs), "n": n}) for m in measures]
    return pd.concat(parts, ignore_index=True)


def top_partners(store, country: str, year: int, measure: str = "agreement", top: int = 10, **options):
    """The countries that vote most like ``country`` in ``year``."""
    long = alignment_matrix(store, year, measure, **options)
    mine = long[long["a"] == country].sort_values(["value", "n"], ascending=[False, False])
    return mine.head(top).reset_index(drop=True)


# ------------------------------------------------------------------------------- registration


def _compute(measure: str):
    def compute(store, a: str, b: str, by: str = "year", ci: bool = True, **options) -> pd.DataFrame:
        return alignment(store, a, b, by=by, measure=measure, **options).to_frame(ci=ci)

    compute.__name__ = f"un_{measure}"
    return compute


_LABELS = {
    "agreement": ("UN vote agreement (identical votes)", "share of joint roll calls"),
    "voeten": ("UN vote agreement index (Voeten)", "index 0..1"),
    "sscore": ("UN vote S-score (Signorino-Ritter)", "index -1..1"),
    "kappa": ("UN vote Cohen's kappa", "index -1..1"),
    "pi": ("UN vote Scott's pi", "index -1..1"),
}

for _m, (_label, _unit) in _LABELS.items():
    register(Indicator(
        id=f"un_{_m}", label=_label, unit=_unit, source="votes, rollcalls",
        method="un-alignment", compute=_compute(_m), directions=("D5",),
        frequencies=("year", "session"), directed=False, higher_means="closer",
        description="Computed over roll calls where both countries voted yes, no or abstain."))
