"""Dyad-year and state-year covariates (table ``covariates``) as tidy indicator rows.

Filled by the ``peacesciencer`` and ``wdi`` adapters. Every peacesciencer series is an indicator:

* complete dyad-year tables (IGO joint memberships, minimum distance) list every dyad-year of their coverage,
  zeros included: a missing row is missing;
* sparse tables list only dyad-years *with* an alliance, a dispute or a rivalry (ATOP, COW alliances, COW and
  GML MIDs, rivalries). As peacesciencer's ``add_*`` verbs do, an absent dyad-year inside the table's coverage
  (its first to last year in the loaded file) counts as 0 when both states are members of the state system
  that year; outside the coverage, or when either state is not a member, there is no row;
* state-year series (regime scores, NMC capabilities, Archigos leader changes) are directed indicators whose
  value for (a, b) is a's: the report shows both sides;
* ``cinc_ratio`` = CINC of a / CINC of b.

State-system membership is read from the COW National Material Capabilities rows (``cinc``): NMC lists every
member of the COW state system in every year of membership. Methods: docs/methods/trade.md#covariates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dyad.indicators import Indicator, get, register

COLUMNS = ["a", "b", "period", "indicator", "value", "n", "unit", "source"]


def covariate(store, a: str, b: str, variable: str, source: str | None = None, state: bool = False,
              indicator: str | None = None, unit: str = "") -> pd.DataFrame:
    """Rows of one covariate for the dyad (or for state a alone with ``state=True``), one per year."""
    if not store.has_table("covariates"):
        return pd.DataFrame(columns=COLUMNS)
    f = store.sql("SELECT year, value, source FROM covariates WHERE a = ? AND b = ? AND variable = ? "
                  "AND (? IS NULL OR source = ?) ORDER BY year", [a, "" if state else b, variable, source, source])
    f = f.drop_duplicates("year")
    return pd.DataFrame({"a": a, "b": b, "period": f["year"].astype(str), "indicator": indicator or variable,
                         "value": f["value"].astype(float), "n": np.ones(len(f), dtype=int), "unit": unit,
                         "source": f["source"]}, columns=COLUMNS)


def igo_joint(store, a, b, by="year", **_) -> pd.DataFrame:
    """Number of intergovernmental organisations both a and b belong to (COW IGO v3, to 2014)."""
    if by != "year":
        raise ValueError("igo_joint_memberships is annual: use --by year")
    return covariate(store, a, b, "dyadigos", indicator="igo_joint_memberships", unit="organisations")


register(Indicator(id="igo_joint_memberships", label="Joint IGO memberships", unit="organisations",
                   source="covariates", method="covariates", compute=igo_joint, directions=("D5",),
                   frequencies=("year",), directed=False, higher_means="closer",
                   description="COW Intergovernmental Organizations v3 (Pevehouse et al. 2020) via peacesciencer: "
                               "full and associate memberships held by both states.", all_dyads=True))


# ---------------------------------------------------------------------- every peacesciencer series

MEMBERSHIP = "cinc"      # NMC rows: one per state-system member and year

# id (= variable unless noted), label, unit, directions, higher_means, description
SPARSE_DYADIC = {
    "atop_defense": ("ATOP defence pact", "0/1", ("D3",), "closer", "ATOP 5 (Leeds et al. 2002): a defence pledge"),
    "atop_offense": ("ATOP offence pact", "0/1", ("D3",), "closer", "ATOP 5: an offence pledge"),
    "atop_neutral": ("ATOP neutrality pact", "0/1", ("D3",), "closer", "ATOP 5: a neutrality pledge"),
    "atop_nonagg": ("ATOP non-aggression pact", "0/1", ("D3",), "closer", "ATOP 5: a non-aggression pledge"),
    "atop_consul": ("ATOP consultation pact", "0/1", ("D3",), "closer", "ATOP 5: a consultation pledge"),
    "cow_defense": ("COW defence pact", "0/1", ("D3",), "closer", "COW Formal Alliances 4.1 (Gibler 2009)"),
    "cow_entente": ("COW entente", "0/1", ("D3",), "closer", "COW Formal Alliances 4.1: an entente"),
    "cow_neutral": ("COW neutrality pact", "0/1", ("D3",), "closer", "COW Formal Alliances 4.1: neutrality"),
    "cow_nonagg": ("COW non-aggression pact", "0/1", ("D3",), "closer", "COW Formal Alliances 4.1: non-aggression"),
    "cowmid_onsets": ("MID onsets (COW)", "disputes", ("D3",), "conflict",
                      "COW MID 5 (Palmer et al. 2022): militarised disputes starting that year"),
    "cowmid_disputes": ("MIDs ongoing (COW)", "disputes", ("D3",), "conflict",
                        "COW MID 5: militarised disputes ongoing that year"),
    "cowmid_hostlev_max": ("MID highest hostility (COW)", "level 0-5", ("D3",), "conflict",
                           "COW MID 5: highest hostility level that year (0 no dispute, 5 war)"),
    "cowmid_fatality_max": ("MID fatalities (COW)", "level 0-6", ("D3",), "conflict",
                            "COW MID 5: highest fatality level that year (0 none ... 6 over 999 deaths)"),
    "gmlmid_onsets": ("MID onsets (GML)", "disputes", ("D3",), "conflict",
                      "GML MID 2 (Gibler, Miller and Little 2016): disputes starting that year"),
    "gmlmid_disputes": ("MIDs ongoing (GML)", "disputes", ("D3",), "conflict", "GML MID 2: disputes ongoing"),
    "gmlmid_hostlev_max": ("MID highest hostility (GML)", "level 0-5", ("D3",), "conflict",
                           "GML MID 2: highest hostility level that year (0 no dispute, 5 war)"),
    "gmlmid_fatality_max": ("MID fatalities (GML)", "level 0-6", ("D3",), "conflict",
                            "GML MID 2: highest fatality level that year"),
    "td_rivalry": ("Strategic rivalry (Thompson and Dreyer)", "0/1", ("D3",), "conflict",
                   "Thompson and Dreyer (2012) strategic rivalries"),
    "tss_rivalry": ("Interstate rivalry (Goertz, Diehl and Balas)", "0/1", ("D3",), "conflict",
                    "Goertz, Diehl and Balas (2016) rivalries (the tss table)"),
}
COMPLETE_DYADIC = {
    "mindist": ("Minimum distance", "km", ("D3",), "further apart",
                "COW/Gleditsch-Ward minimum distance between the two states' territories (Schvitz et al. 2022)"),
}
MONADIC = {
    "polity2": ("Polity2 score (a)", "-10..10", ("D1",), "more", "Polity IV/5 polity2 of the country named first (swap the pair for the other)"),
    "v2x_polyarchy": ("V-Dem polyarchy (a)", "0..1", ("D1",), "more", "V-Dem electoral democracy index of the country named first"),
    "xm_qudsest": ("Unified democracy score (a)", "z-score", ("D1",), "more",
                   "Márquez's extension of the Unified Democracy Scores of the country named first"),
    "cinc": ("CINC (a)", "share of world", ("D3",), "more", "COW NMC composite index of national capability of the country named first"),
    "milex": ("Military expenditure (a)", "thousands of USD", ("D3",), "more", "COW NMC milex of the country named first"),
    "milper": ("Military personnel (a)", "thousands", ("D3",), "more", "COW NMC milper of the country named first"),
    "irst": ("Iron and steel production (a)", "thousand tons", ("D3",), "more", "COW NMC irst of the country named first"),
    "pec": ("Primary energy consumption (a)", "thousand tons coal eq.", ("D3",), "more", "COW NMC pec of the country named first"),
    "tpop": ("Total population (a)", "thousands", ("D3",), "more", "COW NMC tpop of the country named first"),
    "upop": ("Urban population (a)", "thousands", ("D3",), "more", "COW NMC upop of the country named first"),
    "archigos_entries": ("Leaders taking office (a)", "leaders", ("D1",), "more", "Archigos 4.1: entries of the country named first"),
    "archigos_irregular_exits": ("Irregular leader exits (a)", "leaders", ("D1",), "more",
                                 "Archigos 4.1: irregular exits of the first-named country's leaders"),
}


def members(store) -> pd.DataFrame:
    """State-system membership: ``country, year`` from the NMC rows."""
    f = store.sql("SELECT DISTINCT a AS country, year FROM covariates WHERE b = '' AND variable = ?", [MEMBERSHIP]) \
        if store.has_table("covariates") else pd.DataFrame(columns=["country", "year"])
    if f.empty:
        raise ValueError("state-system membership is unknown: load peacesciencer's cow_nmc table "
                         "(`dyad ingest peacesciencer --from DIR`); sparse alliance, dispute and rivalry tables "
                         "count an absent dyad-year as 0 only for member states")
    return f


def coverage(store, variable: str) -> tuple[int, int] | None:
    f = store.sql("SELECT min(year) lo, max(year) hi FROM covariates WHERE variable = ?", [variable])
    return None if f.empty or pd.isna(f["lo"].iloc[0]) else (int(f["lo"].iloc[0]), int(f["hi"].iloc[0]))


def _sparse(variable: str):
    def compute(store, a, b, by="year", **_) -> pd.DataFrame:
        if by != "year":
            raise ValueError(f"{variable} is annual: use --by year")
        listed = covariate(store, a, b, variable, indicator=variable, unit=get(variable).unit)
        span = coverage(store, variable) if store.has_table("covariates") else None
        if span is None:
            return listed
        m = members(store)
        both = set(m.loc[m["country"] == a, "year"]) & set(m.loc[m["country"] == b, "year"])
        years = sorted(y for y in both if span[0] <= y <= span[1])
        value = listed.set_index(listed["period"].astype(int))["value"].reindex(years).fillna(0.0)
        return pd.DataFrame({"a": a, "b": b, "period": [str(y) for y in years], "indicator": variable,
                             "value": value.to_numpy(), "n": 1, "unit": get(variable).unit, "source": "peacesciencer"},
                            columns=COLUMNS)
    return compute


def _complete(variable: str):
    def compute(store, a, b, by="year", **_) -> pd.DataFrame:
        if by != "year":
            raise ValueError(f"{variable} is annual: use --by year")
        return covariate(store, a, b, variable, indicator=variable, unit=get(variable).unit)
    return compute


def _monadic(variable: str):
    def compute(store, a, b, by="year", **_) -> pd.DataFrame:
        if by != "year":
            raise ValueError(f"{variable} is annual: use --by year")
        f = covariate(store, a, b, variable, state=True, indicator=variable, unit=get(variable).unit)
        return f.assign(b=b)
    return compute


def cinc_ratio(store, a, b, by="year", **_) -> pd.DataFrame:
    """CINC of a divided by CINC of b, in years where both have one."""
    if by != "year":
        raise ValueError("cinc_ratio is annual: use --by year")
    ca, cb = (covariate(store, c, "", "cinc", state=True).set_index("period")["value"] for c in (a, b))
    r = (ca / cb).dropna()
    r = r[np.isfinite(r)]
    return pd.DataFrame({"a": a, "b": b, "period": r.index, "indicator": "cinc_ratio", "value": r.to_numpy(), "n": 1,
                         "unit": "ratio", "source": "peacesciencer"}, columns=COLUMNS)


def _register_all() -> None:
    for table, kind in ((SPARSE_DYADIC, _sparse), (COMPLETE_DYADIC, _complete), (MONADIC, _monadic)):
        for var, (label, unit, directions, higher, desc) in table.items():
            register(Indicator(id=var, label=label, unit=unit, source="covariates", method="covariates",
                               compute=kind(var), directions=directions, frequencies=("year",),
                               directed=table is MONADIC, higher_means=higher,
                               description=desc + " (via peacesciencer)." + (
                                   " Absent dyad-years within the coverage count as 0 for member states."
                                   if table is SPARSE_DYADIC else ""), all_dyads=True))
    register(Indicator(id="cinc_ratio", label="Capability ratio (CINC a / CINC b)", unit="ratio",
                       source="covariates", method="covariates", compute=cinc_ratio, directions=("D3",),
                       frequencies=("year",), directed=True, higher_means="more",
                       description="COW NMC composite index of national capability of the first-named country over the other's (via peacesciencer).",
                       all_dyads=True))


_register_all()


# ---------------------------------------------------------------------- ICEWS dyad-years (netify layout)

ICEWS_COUNTS = ("icews_verbal_coop", "icews_material_coop", "icews_verbal_conflict", "icews_material_conflict")


def _icews_pair(store, a: str, b: str) -> pd.DataFrame:
    """Per year: cooperative and all ICEWS events between a and b, both directions summed (a year with no row
    in the file has no row here: missing, not 0)."""
    if not store.has_table("covariates"):
        return pd.DataFrame(columns=["year", "coop", "total"])
    return store.sql(
        "SELECT year, sum(value) FILTER (WHERE variable IN ('icews_verbal_coop', 'icews_material_coop')) AS coop, "
        "sum(value) AS total FROM covariates WHERE source = 'netify_icews' AND variable IN (?, ?, ?, ?) "
        "AND ((a = ? AND b = ?) OR (a = ? AND b = ?)) GROUP BY year ORDER BY year",
        [*ICEWS_COUNTS, a, b, b, a])


def icews_events(store, a, b, by="year", **_) -> pd.DataFrame:
    """ICEWS events between a and b per year (both directions), with an exact Poisson 95% interval."""
    from scipy import stats

    if by != "year":
        raise ValueError("icews_events is annual (ICEWS dyad-years): use --by year")
    f = _icews_pair(store, a, b)
    k = f["total"].astype(float).to_numpy()
    low = np.where(k > 0, stats.chi2.ppf(0.025, 2 * k) / 2, 0.0)
    high = stats.chi2.ppf(0.975, 2 * (k + 1)) / 2
    return pd.DataFrame({"a": a, "b": b, "period": f["year"].astype(str), "indicator": "icews_events", "value": k,
                         "n": k.astype(int), "ci_low": low, "ci_high": high, "unit": "events",
                         "source": "netify_icews"})


def icews_coop_share(store, a, b, by="year", **_) -> pd.DataFrame:
    """Share of the pair's ICEWS events that are cooperative (verbal or material), with a Wilson interval."""
    from dyad.measures.cosponsor import wilson

    if by != "year":
        raise ValueError("icews_coop_share is annual (ICEWS dyad-years): use --by year")
    f = _icews_pair(store, a, b)
    f = f[f["total"] > 0]
    k, n = f["coop"].fillna(0).to_numpy(dtype=float), f["total"].to_numpy(dtype=float)
    low, high = wilson(k, n)
    return pd.DataFrame({"a": a, "b": b, "period": f["year"].astype(str), "indicator": "icews_coop_share",
                         "value": 100 * k / n, "n": n.astype(int), "ci_low": 100 * low, "ci_high": 100 * high,
                         "unit": "percent", "source": "netify_icews"})


_ICEWS_DOC = ("ICEWS events aggregated to directed dyad-years (netify layout: verbal and material cooperation and "
              "conflict counts, 2002-2014 in the shared file), both directions summed. Whole years of the whole "
              "world, unlike the few-day GDELT and ICEWS event samples.")
register(Indicator(id="icews_events", label="ICEWS events between the pair (dyad-years)", unit="events",
                   source="covariates", method="covariates", compute=icews_events, directions=("D1",),
                   frequencies=("year",), directed=False, higher_means="more",
                   description=_ICEWS_DOC + " Volume of reported contact; it also follows ICEWS's news coverage.",
                   min_support=None, support_unit="events in the dyad-year (no threshold: a count)",
                   all_dyads=True))
register(Indicator(id="icews_coop_share", label="Cooperative share of ICEWS events (dyad-years)", unit="percent",
                   source="covariates", method="covariates", compute=icews_coop_share, directions=("D1",),
                   frequencies=("year",), directed=False, higher_means="closer",
                   description=_ICEWS_DOC + " Verbal and material cooperation as a share of all four counts.",
                   min_support=20, support_unit="events in the dyad-year", all_dyads=True))

