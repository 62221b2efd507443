"""Trade between two countries: values, balance, growth, product-group shares, concentration, dependence and
mirror discrepancies. All values in US dollars (adapters convert BACI's thousands and COW's millions).

Which source: ``source=None`` takes the first of :data:`SOURCE_ORDER` that has flows between the two
countries; the output names the source used. Within a source, when several reporters give the same flow
(Comtrade's mirror data), the importer's report is used (customs records imports more completely), and the
most aggregate product level present (``TOTAL`` if given, else the shortest HS codes) is summed.
Definitions and references: docs/methods/trade.md.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from dyad.indicators import Indicator, register

SOURCE_ORDER = ("baci", "comtrade", "oec", "cow-trade")
PERIODS = ("year", "month", "all")
TIDY = ["a", "b", "period", "indicator", "value", "n"]


# ------------------------------------------------------------------------------------ product groups


@dataclass(frozen=True)
class ProductGroup:
    id: str
    label: str
    prefixes: tuple[str, ...]
    exclusive: bool
    source: str


@lru_cache(maxsize=1)
def product_groups() -> dict[str, ProductGroup]:
    """The product-group table (``reference/product_groups.csv``): group id -> HS prefixes and source."""
    rows: dict[str, dict] = {}
    text = resources.files("dyad").joinpath("reference/product_groups.csv").read_text(encoding="utf-8")
    for rec in csv.DictReader(text.splitlines()):
        g = rows.setdefault(rec["group"], {"label": rec["label"], "prefixes": [], "exclusive": rec["exclusive"] == "yes",
                                           "source": rec["source"]})
        g["prefixes"].append(rec["hs_prefix"])
    return {k: ProductGroup(k, v["label"], tuple(v["prefixes"]), v["exclusive"], v["source"]) for k, v in rows.items()}


def exclusive_groups() -> list[str]:
    return [g.id for g in product_groups().values() if g.exclusive]


def group_of_chapter() -> dict[str, str]:
    """HS chapter (two digits) -> its exclusive group."""
    return {p: g.id for g in product_groups().values() if g.exclusive for p in g.prefixes}


def in_group(products: pd.Series, group: str) -> pd.Series:
    groups = product_groups()
    if group not in groups:
        raise ValueError(f"unknown product group {group!r}; groups: {', '.join(groups)}")
    return products.astype(str).str.startswith(groups[group].prefixes)


# ------------------------------------------------------------------------------------- data access


def _check_by(by: str) -> None:
    if by not in PERIODS:
        raise ValueError(f"--by must be one of {', '.join(PERIODS)}, not {by!r}")


def pick_source(store, a: str, b: str, source: str | None = None, products: bool = False,
                monthly: bool = False) -> str | None:
    """The source to use: the one asked for, else the first in SOURCE_ORDER with a↔b flows (HS-level or
    monthly if asked)."""
    if source is not None:
        return source
    if not store.has_table("trade"):
        return None
    have = store.sql(
        "SELECT source, bool_or(product <> 'TOTAL') AS hs, bool_or(month > 0) AS monthly FROM trade "
        "WHERE (exporter = ? AND importer = ?) OR (exporter = ? AND importer = ?) GROUP BY source", [a, b, b, a])
    if products:
        have = have[have["hs"]]
    if monthly:
        have = have[have["monthly"]]
    ok = set(have["source"])
    return next((s for s in SOURCE_ORDER if s in ok), next(iter(sorted(ok)), None))


def _period_sql(by: str) -> str:
    return {"year": "CAST(year AS VARCHAR)", "all": "'all'",
            "month": "CAST(year AS VARCHAR) || '-' || lpad(CAST(month AS VARCHAR), 2, '0')"}[by]


def flows(store, exporter: str, importer: str, source: str, by: str = "year", products: bool = False,
          start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """Rows of one direction: ``period, product, value_usd`` (products) or ``period, value_usd, n``.

    Monthly data (month > 0) are summed into years for ``by='year'``; for ``by='month'`` annual rows are left
    out. With several reporters of the same flow, the importer's report wins.
    """
    _check_by(by)
    if not store.has_table("trade"):
        return pd.DataFrame(columns=["period", "product", "value_usd", "n"])
    month_filter = "AND month > 0" if by == "month" else ""
    frame = store.sql(
        f"SELECT {_period_sql(by)} AS period, year, month, product, reporter, value_usd FROM trade "
        f"WHERE source = ? AND exporter = ? AND importer = ? {month_filter} "
        "AND (? IS NULL OR year >= ?) AND (? IS NULL OR year <= ?)",
        [source, exporter, importer, start, start, end, end])
    if frame.empty:
        return pd.DataFrame(columns=["period", "product", "value_usd", "n"])
    # One reporter per flow: the importer's, else the exporter's, else any (BACI, OEC, COW report themselves).
    rank = np.where(frame["reporter"] == importer, 0, np.where(frame["reporter"] == exporter, 1, 2))
    frame = frame.assign(_rank=rank)
    best = frame.groupby(["year", "month"])["_rank"].transform("min")
    frame = frame[frame["_rank"] == best]
    hs = frame[frame["product"] != "TOTAL"]
    if products:
        if hs.empty:
            return pd.DataFrame(columns=["period", "product", "value_usd"])
        level = hs["product"].str.len().max()      # the most detailed level present
        hs = hs[hs["product"].str.len() == level]
        return hs.groupby(["period", "product"], as_index=False)["value_usd"].sum()
    if (frame["product"] == "TOTAL").any():
        frame = frame[frame["product"] == "TOTAL"]
    else:
        level = frame["product"].str.len().min()
        frame = frame[frame["product"].str.len() == level]
    return frame.groupby("period", as_index=False).agg(value_usd=("value_usd", "sum"), n=("value_usd", "size"))


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("period", kind="stable").reset_index(drop=True)


def _rows(a, b, indicator, periods, values, n, source, unit) -> pd.DataFrame:
    out = pd.DataFrame({"a": a, "b": b, "period": list(periods), "indicator": indicator,
                        "value": np.asarray(values, dtype=float), "n": np.asarray(n, dtype=int)})
    out["unit"] = unit
    out["source"] = source
    return _sorted(out)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=TIDY + ["unit", "source"])


# ---------------------------------------------------------------------------------------- measures


def exports(store, a, b, by="year", source=None, group=None, **kw) -> pd.DataFrame:
    """Exports a→b in USD per period (``group``: only that product group)."""
    src = pick_source(store, a, b, source, products=group is not None, monthly=by == "month")
    if src is None:
        return _empty()
    if group is not None:
        return group_value(store, a, b, by=by, source=src, group=group, **kw)
    f = flows(store, a, b, src, by, **kw)
    return _rows(a, b, "trade_exports", f["period"], f["value_usd"], f["n"], src, "USD")


def _both(store, a, b, by, source, **kw):
    src = pick_source(store, a, b, source, monthly=by == "month")
    if src is None:
        return None, None
    ab = flows(store, a, b, src, by, **kw).set_index("period")
    ba = flows(store, b, a, src, by, **kw).set_index("period")
    both = ab[["value_usd", "n"]].add_suffix("_ab").join(ba[["value_usd", "n"]].add_suffix("_ba"), how="outer")
    return both.sort_index(), src


def total(store, a, b, by="year", source=None, **kw) -> pd.DataFrame:
    """Trade in both directions (USD); NaN with n=0 when one direction is missing from the source."""
    both, src = _both(store, a, b, by, source, **kw)
    if both is None:
        return _empty()
    value = both["value_usd_ab"] + both["value_usd_ba"]          # NaN if either side is missing
    n = (both["n_ab"].fillna(0) + both["n_ba"].fillna(0)).where(value.notna(), 0)
    return _rows(a, b, "trade_total", both.index, value, n, src, "USD")


def balance(store, a, b, by="year", source=None, **kw) -> pd.DataFrame:
    """a's exports to b minus a's imports from b (USD)."""
    both, src = _both(store, a, b, by, source, **kw)
    if both is None:
        return _empty()
    value = both["value_usd_ab"] - both["value_usd_ba"]
    n = (both["n_ab"].fillna(0) + both["n_ba"].fillna(0)).where(value.notna(), 0)
    return _rows(a, b, "trade_balance", both.index, value, n, src, "USD")


def growth(store, a, b, by="year", source=None, **kw) -> pd.DataFrame:
    """Year-on-year (or month-on-same-month-last-year) change of total trade, percent."""
    if by == "all":
        raise ValueError("growth needs periods: use --by year or month")
    start = kw.pop("start", None)
    # The first year shown needs the year before it.
    tot = total(store, a, b, by=by, source=source, start=start - 1 if start else None, **kw)
    if tot.empty:
        return _empty()
    prev_key = tot["period"].map(lambda p: f"{int(p[:4]) - 1}{p[4:]}")
    values = dict(zip(tot["period"], tot["value"], strict=True))
    prev = prev_key.map(values)
    value = (tot["value"] / prev - 1.0) * 100.0
    n = np.where(value.notna(), 2, 0)
    out = _rows(a, b, "trade_growth", tot["period"], value, n, tot["source"].iloc[0], "percent")
    return out[out["period"].str.slice(0, 4).astype(int) >= start] if start else out


def _hs_flows(store, a, b, by, source, **kw):
    src = pick_source(store, a, b, source, products=True)
    if src is None:
        return None, None
    f = flows(store, a, b, src, by, products=True, **kw)
    return f, src


def shares(store, a, b, by="year", source=None, groups: list[str] | None = None, **kw) -> pd.DataFrame:
    """Share (percent) of each product group in a's exports to b, per period (``trade_share_<group>``)."""
    f, src = _hs_flows(store, a, b, by, source, **kw)
    if f is None or f.empty:
        return _empty()
    groups = groups or list(product_groups())
    totals = f.groupby("period")["value_usd"].sum()
    counts = f.groupby("period")["product"].size()
    parts = []
    for g in groups:
        mask = in_group(f["product"], g)
        val = f[mask].groupby("period")["value_usd"].sum().reindex(totals.index, fill_value=0.0)
        parts.append(_rows(a, b, f"trade_share_{g}", totals.index, val / totals * 100.0, counts, src, "percent"))
    return pd.concat(parts, ignore_index=True)


def group_value(store, a, b, by="year", source=None, group: str = "energy", groups: list[str] | None = None,
                indicator: str = "trade_group_value", **kw) -> pd.DataFrame:
    """Value (USD) of one product group in a's exports to b (a period with HS rows but none of the group's
    products is a true 0: the flow was observed at product level and did not contain them)."""
    if groups:
        group = groups[0]
    f, src = _hs_flows(store, a, b, by, source, **kw)
    if f is None or f.empty:
        return _empty()
    periods = f["period"].unique()
    mask = in_group(f["product"], group)
    val = f[mask].groupby("period")["value_usd"].sum().reindex(periods, fill_value=0.0)
    n = f.groupby("period").size().reindex(periods, fill_value=0)
    out = _rows(a, b, indicator, periods, val, n, src, "USD")
    out["group"] = group
    return out


def hhi(store, a, b, by="year", source=None, **kw) -> pd.DataFrame:
    """Herfindahl-Hirschman index of a's exports to b over HS chapters (0..1; 1 = one chapter only)."""
    f, src = _hs_flows(store, a, b, by, source, **kw)
    if f is None or f.empty:
        return _empty()
    f = f.assign(chapter=f["product"].str.slice(0, 2))
    ch = f.groupby(["period", "chapter"])["value_usd"].sum().reset_index()
    ch["s"] = ch["value_usd"] / ch.groupby("period")["value_usd"].transform("sum")
    value = ch.groupby("period")["s"].apply(lambda s: float((s ** 2).sum()))
    n = ch[ch["value_usd"] > 0].groupby("period").size().reindex(value.index, fill_value=0)
    return _rows(a, b, "trade_hhi", value.index, value, n, src, "index 0..1")


def dependence(store, a, b, by="year", source=None, basis: str = "gdp", **kw) -> pd.DataFrame:
    """Bilateral trade (both directions) as percent of a's GDP (``basis='gdp'``, WDI covariate
    NY.GDP.MKTP.CD) or of a's total trade with the world (``basis='trade'``, flows to/from WLD in the same
    source; COW has them, BACI extracts for one dyad do not). Periods without the denominator are left out.
    """
    if basis not in ("gdp", "trade"):
        raise ValueError("basis must be 'gdp' or 'trade'")
    if by != "year":
        raise ValueError("trade_dependence is annual: use --by year")
    tot = total(store, a, b, by="year", source=source, **kw)
    if tot.empty:
        return _empty()
    if basis == "gdp":
        den = gdp(store, a)
    else:
        src = tot["source"].iloc[0]
        world_x = flows(store, a, "WLD", src, "year").set_index("period")["value_usd"]
        world_m = flows(store, "WLD", a, src, "year").set_index("period")["value_usd"]
        den = (world_x + world_m).dropna()
    den.index = den.index.astype(str)
    d = tot.set_index("period")[["value", "n"]].rename(columns={"value": "num"})
    joined = pd.concat([d, den.rename("den")], axis=1, join="inner").dropna()
    if joined.empty:
        return _empty()
    out = _rows(a, b, "trade_dependence", joined.index, joined["num"] / joined["den"] * 100.0,
                joined["n"], tot["source"].iloc[0], f"percent of {a}'s {'GDP' if basis == 'gdp' else 'total trade'}")
    out["basis"] = basis
    return out


LINKED_SOURCES = ("baci", "cow-trade")


def linked_gdp(store, a, b, by="year", sources: tuple[str, ...] = LINKED_SOURCES, **kw) -> pd.DataFrame:
    """Bilateral trade (both directions) as percent of a's GDP, from one linked series of sources.

    Each year takes its total from the first source in ``sources`` that has both directions that year (by
    default BACI, 2017 on in the loaded files, then Correlates of War, to 2014), and divides by a's GDP
    (WDI ``NY.GDP.MKTP.CD``). The ``source`` column says which source each year used. The two sources
    measure slightly differently (COW: IMF DOTS as reported, BACI: reconciled FOB), so the level may step
    where they join; as a share of GDP the step is small against the year-to-year changes (docs/methods/trade.md).
    Years with neither source or without GDP have no row.
    """
    if by != "year":
        raise ValueError("trade_gdp_linked is annual: use --by year")
    den = gdp(store, a)
    parts, taken = [], set()
    for src in sources:
        tot = total(store, a, b, by="year", source=src, **kw)
        tot = tot[tot["value"].notna() & ~tot["period"].isin(taken)]
        taken |= set(tot["period"])
        parts.append(tot)
    tot = pd.concat(parts, ignore_index=True) if parts else _empty()
    tot = tot[tot["period"].isin(den.index)]
    if tot.empty:
        return _empty()
    value = tot["value"].to_numpy(dtype=float) / den.reindex(tot["period"]).to_numpy(dtype=float) * 100.0
    out = pd.DataFrame({"a": a, "b": b, "period": tot["period"].to_numpy(), "indicator": "trade_gdp_linked",
                        "value": value, "n": tot["n"].astype(int).to_numpy(), "unit": f"percent of {a}'s GDP",
                        "source": tot["source"].to_numpy()})
    return _sorted(out)


def gdp(store, country: str) -> pd.Series:
    """GDP in current USD by year (WDI covariate ``NY.GDP.MKTP.CD``), index = year as string."""
    if not store.has_table("covariates"):
        return pd.Series(dtype=float)
    g = store.sql("SELECT year, max(value) AS value FROM covariates WHERE a = ? AND b = '' AND "
                  "variable = 'NY.GDP.MKTP.CD' AND value IS NOT NULL GROUP BY year ORDER BY year", [country])
    return pd.Series(g["value"].to_numpy(), index=g["year"].astype(str).to_numpy(), dtype=float)


def mirror_gap(store, a, b, by="year", **kw) -> pd.DataFrame:
    """Exports a→b as the importer reports them against a reference, percent: 100 (M_b - R) / R.

    Reference: the exporter's own report in Comtrade when both reported; otherwise BACI (CEPII's
    reconciled value). Positive gaps are expected (imports are valued CIF, exports FOB).
    """
    if by not in ("year", "all"):
        raise ValueError("mirror gaps are annual: use --by year")
    if not store.has_table("trade"):
        return _empty()
    rep = store.sql(
        f"SELECT {_period_sql(by)} AS period, reporter, sum(value_usd) AS v, count(*) AS n FROM trade "
        "WHERE source = 'comtrade' AND exporter = ? AND importer = ? AND product = 'TOTAL' "
        "GROUP BY ALL", [a, b])
    imp = rep[rep["reporter"] == b].set_index("period")
    exp = rep[rep["reporter"] == a].set_index("period")
    baci = flows(store, a, b, "baci", by).set_index("period")
    rows = []
    for period in imp.index:
        if period in exp.index:
            ref, label = exp.loc[period, "v"], f"comtrade {b} imports vs comtrade {a} exports"
        elif period in baci.index:
            ref, label = baci.loc[period, "value_usd"], f"comtrade {b} imports vs baci"
        else:
            continue
        rows.append({"a": a, "b": b, "period": period, "indicator": "trade_mirror_gap",
                     "value": (imp.loc[period, "v"] - ref) / ref * 100.0, "n": int(imp.loc[period, "n"]),
                     "unit": "percent", "source": "comtrade", "comparison": label})
    return _sorted(pd.DataFrame(rows)) if rows else _empty()


# ------------------------------------------------------------------------------------ registration

_SIMPLE = {
    "trade_exports": (exports, "Exports a→b", "USD", True, "more", "Merchandise exports from a to b."),
    "trade_total": (total, "Bilateral trade (both directions)", "USD", False, "more",
                    "a's exports to b plus b's exports to a, from one source; NaN when a direction is missing."),
    "trade_balance": (balance, "Trade balance of a with b", "USD", True, "more",
                      "a's exports to b minus a's imports from b."),
    "trade_growth": (growth, "Growth of bilateral trade", "percent", False, "more",
                     "Change of total trade against the same period one year earlier."),
    "trade_group_value": (group_value, "Exports a→b of one product group", "USD", True, "more",
                          "Value of the product group given by the group option (default energy)."),
    "trade_hhi": (hhi, "Concentration of a's exports to b (HHI over HS chapters)", "index 0..1", True, "more",
                  "Sum of squared chapter shares; 1/96 would be perfectly even, 1 a single chapter."),
    "trade_dependence": (dependence, "Bilateral trade relative to a's GDP or total trade", "percent", True, "more",
                         "basis='gdp' (WDI) or 'trade' (flows with the world in the same source)."),
    "trade_gdp_linked": (linked_gdp, "Bilateral trade relative to a's GDP, linked BACI and COW series", "percent",
                         True, "more", "Both directions' trade over a's GDP (WDI); each year from BACI if loaded, "
                         "else Correlates of War; the source column names it."),
    "trade_mirror_gap": (mirror_gap, "Mirror discrepancy of exports a→b", "percent", True, "more",
                         "Importer-reported value against the exporter's report or BACI."),
}


def _wrap(func, indicator_id: str, group: str | None = None):
    def compute(store, a, b, by="year", **options):
        if group is not None:
            options = {**options, "groups": [group]}
        return func(store, a, b, by=by, **options)

    compute.__name__ = indicator_id
    return compute


for _id, (_f, _label, _unit, _directed, _hm, _desc) in _SIMPLE.items():
    register(Indicator(id=_id, label=_label, unit=_unit, source="trade", method="trade", compute=_wrap(_f, _id),
                       directions=("D2",), frequencies=("year", "month") if _id in (
                           "trade_exports", "trade_total", "trade_balance", "trade_growth") else ("year",),
                       directed=_directed, higher_means=_hm, description=_desc))

for _g in product_groups().values():
    register(Indicator(
        id=f"trade_share_{_g.id}", label=f"Share of {_g.label.lower()} in a's exports to b", unit="percent",
        source="trade", method="trade-product-groups", compute=_wrap(shares, f"trade_share_{_g.id}", _g.id),
        directions=("D2",), frequencies=("year",), directed=True, higher_means="more",
        description=f"HS prefixes {', '.join(_g.prefixes[:12])}{' ...' if len(_g.prefixes) > 12 else ''}; "
                    f"{'exclusive group (shares of exclusive groups sum to 100)' if _g.exclusive else 'sub-group, overlaps others'}. "
                    f"Definition: {_g.source}."))


for _g in product_groups().values():
    register(Indicator(
        id=f"trade_value_{_g.id}", label=f"{_g.label} exported from a to b (value)", unit="USD",
        source="trade", method="trade-product-groups",
        compute=_wrap(lambda store, a, b, by="year", _i=f"trade_value_{_g.id}", **o: group_value(
            store, a, b, by=by, indicator=_i, **o), f"trade_value_{_g.id}", _g.id),
        directions=("D2",), frequencies=("year",), directed=True, higher_means="more",
        description=f"Value in USD of HS {', '.join(_g.prefixes[:12])}{' ...' if len(_g.prefixes) > 12 else ''} "
                    f"in a's exports to b (the level behind trade_share_{_g.id}). Definition: {_g.source}."))


def gdp_indicator(store, a, b, by="year", **_) -> pd.DataFrame:
    """a's GDP in current USD per year (WDI ``NY.GDP.MKTP.CD``); b is carried along, not used."""
    if by != "year":
        raise ValueError("wdi_gdp is annual: use --by year")
    g = gdp(store, a)
    if g.empty:
        return _empty()
    return _rows(a, b, "wdi_gdp", g.index, g.to_numpy(), np.ones(len(g)), "wdi", "USD")


register(Indicator(id="wdi_gdp", label="GDP of a (current USD, World Bank)", unit="USD", source="covariates",
                   method="trade", compute=gdp_indicator, directions=("D2",), frequencies=("year",),
                   directed=True, higher_means="more",
                   description="State-year covariate NY.GDP.MKTP.CD from the wdi source; the denominator of "
                               "trade_dependence."))
