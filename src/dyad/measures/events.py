"""Event-based indicators of a dyad per month or year (GDELT, ICEWS): who did what to whom.

One Ibis aggregation over the ``events`` table gives, per period, the dyad's counts by quad class and by
CAMEO code group, its Goldstein and tone sums, and the period's total event volume of the two countries
(events with either country as source or target, whatever the partner). Every indicator is a function of
these sums; the relationship score adds a bootstrap over the dyad's events. Definitions and references:
docs/methods/events.md.

Undirected (default): both directions pooled (a->b and b->a). ``directed=True``: a->b only.
Periods with no event of either country in the store are missing rows; a period with coverage but no dyad
event has counts 0 and means NaN (n = 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from dyad.indicators import Indicator, register

PERIODS = ("month", "year")
GOV = "GOV"
CONTACT_CODES = ("036", "040", "041", "042", "043", "044", "045", "046")

# id: (label, what it counts); the count columns of the aggregation.
COUNTS = {
    "ev_verbal_coop": ("Verbal cooperation events (quad class 1)", "n_q1", ("D1", "D5")),
    "ev_material_coop": ("Material cooperation events (quad class 2)", "n_q2", ("D1", "D5")),
    "ev_verbal_conflict": ("Verbal conflict events (quad class 3)", "n_q3", ("D1", "D5")),
    "ev_material_conflict": ("Material conflict events (quad class 4)", "n_q4", ("D1", "D5")),
    "ev_high_level_contacts": ("High-level contacts between governments (CAMEO 036, 040-046)", "n_contacts",
                               ("D1",)),
    "ev_agreements": ("Agreements signed (CAMEO 057)", "n_agree", ("D1",)),
    "ev_econ_coop": ("Economic cooperation (CAMEO 061)", "n_econ", ("D2",)),
    "ev_mil_coop": ("Military cooperation (CAMEO 062)", "n_mil", ("D3",)),
    "ev_threats": ("Threats (CAMEO root 13)", "n_threat", ("D3",)),
    "ev_coercion": ("Coercion (CAMEO root 17)", "n_coerce", ("D3",)),
}
CONFLICTUAL = {"ev_verbal_conflict", "ev_material_conflict", "ev_threats", "ev_coercion"}


# ---------------------------------------------------------------------------------- aggregation


def _is_gov(type_col, actor_col):
    """A government actor: GOV among the actor's type codes, or in its CAMEO actor code (e.g. CHNGOV)."""
    return type_col.fill_null("").contains(GOV) | actor_col.fill_null("").contains(GOV)


def period_sums_expr(store, a: str, b: str, by: str = "month", *, directed: bool = False,
                     dataset: str = "gdelt", start: str | None = None, end: str | None = None):
    """Ibis expression: per period, the dyad's sums and the two countries' total event volume."""
    if by not in PERIODS:
        raise ValueError(f"--by must be one of {', '.join(PERIODS)}, not {by!r}")
    ev = store.table("events")
    ev = ev.filter(ev.dataset == dataset)
    if start:
        ev = ev.filter(ev.date >= ibis.date(start))
    if end:
        ev = ev.filter(ev.date <= ibis.date(end))
    pair = [a, b]
    ev = ev.filter(ev.source_country.isin(pair) | ev.target_country.isin(pair))
    ab = (ev.source_country == a) & (ev.target_country == b)
    dyad = ab if directed else ab | ((ev.source_country == b) & (ev.target_country == a))
    fmt = "%Y-%m" if by == "month" else "%Y"
    ev = ev.mutate(period=ev.date.strftime(fmt), dyad=dyad.fill_null(False))
    code3 = ev.cameo.substr(0, 3)
    both_gov = _is_gov(ev.source_type, ev.source_actor) & _is_gov(ev.target_type, ev.target_actor)

    def n(cond):
        return (ev.dyad & cond).fill_null(False).ifelse(1, 0).sum()

    def total(value):
        return ev.dyad.ifelse(value, ibis.null()).sum()

    return ev.group_by("period").aggregate(
        volume=ev.count(), n=ev.dyad.ifelse(1, 0).sum(),
        n_q1=n(ev.quad == 1), n_q2=n(ev.quad == 2), n_q3=n(ev.quad == 3), n_q4=n(ev.quad == 4),
        n_contacts=n(code3.isin(list(CONTACT_CODES)) & both_gov), n_agree=n(code3 == "057"),
        n_econ=n(code3 == "061"), n_mil=n(code3 == "062"), n_threat=n(ev.root == 13), n_coerce=n(ev.root == 17),
        g_sum=total(ev.goldstein), g_n=n(ev.goldstein.notnull()),
        tone_sum=total(ev.tone), tone_n=n(ev.tone.notnull()),
    ).order_by("period")


@dataclass(frozen=True)
class EventSeries:
    """Per-period sums of one dyad's events (a results object; :meth:`values` gives any indicator)."""

    a: str
    b: str
    by: str
    directed: bool
    dataset: str
    sums: pd.DataFrame

    def values(self, indicator: str) -> pd.DataFrame:
        """Tidy rows for one indicator id (see :data:`INDICATORS`)."""
        s = self.sums
        n = s["n"].to_numpy(dtype=float)
        vol = s["volume"].to_numpy(dtype=float)
        share = indicator.endswith("_share") and indicator[: -len("_share")] in BASE_IDS
        base = indicator[: -len("_share")] if share else indicator
        with np.errstate(invalid="ignore", divide="ignore"):
            if base in COUNTS:
                value = s[COUNTS[base][1]].to_numpy(dtype=float)
            elif base == "ev_goldstein_sum":
                value = np.where(s["g_n"] > 0, s["g_sum"].astype(float), 0.0)
            elif base == "ev_goldstein_mean":
                value = np.where(s["g_n"] > 0, s["g_sum"].astype(float) / s["g_n"], np.nan)
            elif base == "ev_tone_mean":
                value = np.where(s["tone_n"] > 0, s["tone_sum"].astype(float) / s["tone_n"], np.nan)
            elif base == "ev_net_coop_share":
                coop = s["n_q1"] + s["n_q2"]
                conf = s["n_q3"] + s["n_q4"]
                value = np.where(n > 0, (coop - conf) / n, np.nan)
            else:
                raise KeyError(f"no event indicator {indicator!r}")
            if share:
                value = np.where(vol > 0, value / vol, np.nan)
        return _tidy(self, indicator, value, n.astype(int))


def _tidy(series: EventSeries, indicator: str, value, n, low=None, high=None) -> pd.DataFrame:
    frame = pd.DataFrame({"a": series.a, "b": series.b, "period": series.sums["period"].astype(str).to_numpy(),
                          "indicator": indicator, "value": np.asarray(value, dtype=float), "n": n})
    if low is not None:
        frame["ci_low"] = low
        frame["ci_high"] = high
    return frame


def event_series(store, a: str, b: str, by: str = "month", *, directed: bool = False, dataset: str = "gdelt",
                 start: str | None = None, end: str | None = None) -> EventSeries:
    """The per-period sums of the dyad's events (see :func:`period_sums_expr`)."""
    sums = period_sums_expr(store, a, b, by, directed=directed, dataset=dataset, start=start, end=end).execute()
    return EventSeries(a, b, by, directed, dataset, sums.reset_index(drop=True))


# --------------------------------------------------------------------------- relationship score


def score(goldstein: np.ndarray) -> np.ndarray:
    """Goldstein-weighted net cooperation: (sum of positive weights - sum of |negative|) / sum of |weights|.

    Works on the last axis, so a matrix of bootstrap resamples gives one score per row. In [-1, 1];
    NaN when every weight is 0.
    """
    g = np.asarray(goldstein, dtype=float)
    denom = np.abs(g).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, g.sum(axis=-1) / denom, np.nan)


def bootstrap_score(goldstein: np.ndarray, reps: int = 999, level: float = 0.95,
                    seed: int = 20180601) -> tuple[float, float]:
    """Percentile interval of :func:`score` from resampling the period's events with replacement."""
    g = np.asarray(goldstein, dtype=float)
    if g.size == 0:
        return (np.nan, np.nan)
    rng = np.random.default_rng(seed)
    draws = g[rng.integers(0, g.size, size=(reps, g.size))]
    values = score(draws)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return (np.nan, np.nan)
    alpha = (1.0 - level) / 2.0
    return float(np.quantile(values, alpha)), float(np.quantile(values, 1.0 - alpha))


def relationship_score(store, a: str, b: str, by: str = "month", *, directed: bool = False,
                       dataset: str = "gdelt", start: str | None = None, end: str | None = None,
                       ci: bool = True, reps: int = 999) -> pd.DataFrame:
    """Tidy rows of the relationship score per period with its bootstrap interval."""
    series = event_series(store, a, b, by, directed=directed, dataset=dataset, start=start, end=end)
    ev = store.table("events")
    ab = (ev.source_country == a) & (ev.target_country == b)
    dyad = ab if directed else ab | ((ev.source_country == b) & (ev.target_country == a))
    fmt = "%Y-%m" if by == "month" else "%Y"
    rows = ev.filter((ev.dataset == dataset) & dyad & ev.goldstein.notnull())
    if start:
        rows = rows.filter(rows.date >= ibis.date(start))
    if end:
        rows = rows.filter(rows.date <= ibis.date(end))
    events = rows.select(period=rows.date.strftime(fmt), goldstein=rows.goldstein).execute()
    groups = {p: g["goldstein"].to_numpy(dtype=float) for p, g in events.groupby("period")}
    values, lows, highs, ns = [], [], [], []
    for period in series.sums["period"].astype(str):
        g = groups.get(period, np.array([]))
        values.append(float(score(g)) if g.size else np.nan)
        low, high = bootstrap_score(g, reps=reps) if ci else (np.nan, np.nan)
        lows.append(low)
        highs.append(high)
        ns.append(int(g.size))
    return _tidy(series, "ev_relationship_score", values, np.array(ns, dtype=int), lows, highs)


# ------------------------------------------------------------------------------- registration

BASE_IDS = list(COUNTS) + ["ev_goldstein_sum", "ev_goldstein_mean", "ev_net_coop_share", "ev_tone_mean"]
INDICATORS = BASE_IDS + [f"{i}_share" for i in BASE_IDS] + ["ev_relationship_score"]


def compute(store, a: str, b: str, by: str = "month", indicator: str = "ev_relationship_score",
            **options) -> pd.DataFrame:
    """Tidy rows for one event indicator id."""
    if indicator == "ev_relationship_score":
        return relationship_score(store, a, b, by, **options)
    options.pop("ci", None)
    options.pop("reps", None)
    return event_series(store, a, b, by, **options).values(indicator)


def _compute(indicator: str):
    def run(store, a: str, b: str, by: str = "month", **options) -> pd.DataFrame:
        return compute(store, a, b, by=by, indicator=indicator, **options)

    run.__name__ = indicator
    return run


_OTHER = {
    "ev_goldstein_sum": ("Sum of Goldstein weights of the dyad's events", "Goldstein points", ("D1", "D5")),
    "ev_goldstein_mean": ("Mean Goldstein weight of the dyad's events", "Goldstein points (-10..10)", ("D1", "D5")),
    "ev_net_coop_share": ("Net cooperation share: (cooperation - conflict) / all dyad events", "share -1..1",
                          ("D1", "D5")),
    "ev_tone_mean": ("Mean tone of the articles reporting the dyad's events (GDELT AvgTone)", "tone",
                     ("D1",)),
}


def _register_all() -> None:
    for ind in BASE_IDS:
        label, dirs = (COUNTS[ind][0], COUNTS[ind][2]) if ind in COUNTS else (_OTHER[ind][0], _OTHER[ind][2])
        unit = "events" if ind in COUNTS else _OTHER[ind][1]
        higher = "conflict" if ind in CONFLICTUAL else "more" if ind in COUNTS else "closer"
        # directed=False: the default pools both directions, so value(a, b) = value(b, a)
        common = dict(source="events", method="event-indicators", directions=dirs, frequencies=PERIODS,
                      directed=False, higher_means=higher)
        register(Indicator(id=ind, label=label, unit=unit, compute=_compute(ind),
                           description="Undirected by default (both directions pooled); directed=True gives "
                                       "a->b only. Option dataset='gdelt' (default) or 'icews'.", **common))
        if ind not in COUNTS and ind != "ev_goldstein_sum":
            continue    # means and ratios are already per event: dividing them by volume means nothing
        register(Indicator(id=f"{ind}_share", label=f"{label}, per event of the two countries",
                           unit=f"{unit} per event", compute=_compute(f"{ind}_share"),
                           description="Divided by the period's number of events involving either country "
                                       "(any partner), to allow for GDELT's growing coverage.", **common))
    register(Indicator(
        id="ev_relationship_score", label="Event relationship score (Goldstein-weighted net cooperation)",
        unit="score -1..1", source="events", method="event-indicators", compute=_compute("ev_relationship_score"),
        directions=("D1", "D5"), frequencies=PERIODS, directed=False, higher_means="closer",
        description="(sum of positive - sum of negative Goldstein weights) / sum of absolute weights, with a "
                    "95% percentile interval from resampling the period's events (999 draws)."))


_register_all()
