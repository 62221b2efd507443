"""Arms transfers from a supplier a to a recipient b (SIPRI): deals ordered, TIV delivered, and a's share of
b's arms imports. TIV is SIPRI's trend-indicator value in millions (a volume index, not US dollars).

Sources: ``sipri-register`` (default; every deal since 1949), ``sipri-deliveries`` (per-year values as SIPRI
reports them, 2000 on) or ``sipri-tiv`` (SIPRI's own TIV table, supplier by recipient and year, when loaded).

The register gives each deal's delivered TIV and the list of its delivery years, not what was delivered in
each year. Its yearly series spreads a deal's TIV over those years: in proportion to the number of units
delivered each year where the deliveries export (``sipri-deliveries``) is loaded and names the same deal
(same supplier, recipient, designation and description, and the same order year unless that pair of
designation and description is one deal on each side -- SIPRI revises order years between releases); units the
register counts beyond those years (e.g. after the export ends) are split equally over the register's
remaining years; every other deal is split equally over its years. ``bench/bench_sipri_tiv.py`` and the
tests measure how far the result stays from SIPRI's TIV table. Definitions: docs/methods/trade.md#arms.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dyad.indicators import Indicator, register

SOURCES = ("sipri-register", "sipri-deliveries", "sipri-tiv")
_KEY = ["order_year", "weapon", "description"]
_LOOSE = ["weapon", "description"]


def _base(designation) -> str:
    """A designation without the internal number the deliveries export appends: ``AL-31 (13500)`` -> ``AL-31``."""
    return re.sub(r"\s*\(\d+\)$", "", str(designation or "")).strip()
COLUMNS = ["a", "b", "period", "indicator", "value", "n", "unit", "source"]


def _check(by: str, source: str) -> None:
    if by not in ("year", "all"):
        raise ValueError("arms indicators are annual: use --by year or all")
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}")


def _cat(category: str | None) -> tuple[str, list]:
    return ("AND category = ?", [category]) if category else ("", [])


def _frame(a, b, indicator, frame, unit, source) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.DataFrame({"a": a, "b": b, "period": frame["period"].astype(str), "indicator": indicator,
                        "value": frame["value"].astype(float), "n": frame["n"].astype(int), "unit": unit,
                        "source": source})
    for extra in ("uncertain",):
        if extra in frame:
            out[extra] = frame[extra].astype(int).to_numpy()
    return out.sort_values("period").reset_index(drop=True)


def _filter(store, table: str, by: str, source: str, category) -> tuple[str, list] | None:
    """Check the options; the category filter (SQL and parameters), or None when ``table`` is not stored."""
    _check(by, source)
    if not store.has_table(table):
        return None
    return _cat(category)


def _register_years(store, table: str, year_col: str, source: str, a: str, b: str) -> range | None:
    """The years in which the loaded ``source`` would list a deal (or delivery) a→b if there were one, or None.

    SIPRI's register lists every deal, so a year without one is a true zero, but only where the loaded file
    covers the pair: it must hold a as a supplier and b as a recipient (an export filtered to some suppliers or
    recipients still covers those pairs), and only from its first to its last year."""
    if not store.has_table(table):
        return None
    row = store.sql(f"SELECT bool_or(supplier = ?) AS has_a, bool_or(recipient = ?) AS has_b, "
                    f"min({year_col}) AS lo, max({year_col}) AS hi FROM {table} WHERE source = ?",
                    [a, b, source]).iloc[0]
    def yes(v) -> bool:
        return bool(pd.notna(v) and v)

    if not (yes(row["has_a"]) and yes(row["has_b"])) or pd.isna(row["lo"]):
        return None
    return range(int(row["lo"]), int(row["hi"]) + 1)


def _with_zeros(frame: pd.DataFrame, years: range | None, a: str, b: str, indicator: str, unit: str,
                source: str) -> pd.DataFrame:
    """``frame`` plus a 0 (n = 0) for every covered year it lacks."""
    if years is None:
        return frame
    have = set(frame["period"].astype(str)) if len(frame) else set()
    add = [str(y) for y in years if str(y) not in have]
    if not add:
        return frame
    zeros = pd.DataFrame({"a": a, "b": b, "period": add, "indicator": indicator, "value": 0.0, "n": 0,
                          "unit": unit, "source": source})
    if "uncertain" in frame.columns:
        zeros["uncertain"] = 0
    both = pd.concat([frame, zeros], ignore_index=True) if len(frame) else zeros
    return both.sort_values("period").reset_index(drop=True)


def _period(by: str, col: str) -> str:
    return "'all'" if by == "all" else f"CAST({col} AS VARCHAR)"


def deals(store, a, b, by="year", source="sipri-register", category=None, **_) -> pd.DataFrame:
    """Number of deals a→b per order year; ``uncertain`` counts those whose order year SIPRI marks '?'."""
    if source == "sipri-tiv":
        raise ValueError("SIPRI's TIV table has no deals; use source sipri-register or sipri-deliveries")
    filt = _filter(store, "arms", by, source, category)
    if filt is None:
        return pd.DataFrame(columns=COLUMNS)
    where, params = filt
    f = store.sql(f"SELECT {_period(by, 'order_year')} AS period, count(*) AS value, count(*) AS n, "
                  "count(*) FILTER (WHERE order_year_uncertain) AS uncertain FROM arms "
                  f"WHERE source = ? AND supplier = ? AND recipient = ? {where} GROUP BY 1",
                  [source, a, b, *params])
    out = _frame(a, b, "arms_deals", f, "deals", source)
    if by == "year":            # no deal ordered in a covered year is a true zero
        out = _with_zeros(out, _register_years(store, "arms", "order_year", source, a, b), a, b, "arms_deals",
                          "deals", source)
    return out


def spread_register(deals: pd.DataFrame, reported: pd.DataFrame, covered: tuple[int, int] | None) -> pd.DataFrame:
    """Per-year TIV of register deals: ``deal_id, year, tiv, basis``.

    ``deals``: register rows (deal_id, order_year, weapon, description, number_delivered, delivery_years,
    tiv_delivered). ``reported``: the deliveries export's per-year rows for the same supplier and recipient
    (order_year, weapon, description, deal, year, number, tiv). ``covered``: first and last year of the
    deliveries export (None when it is not loaded). See the module docstring for the rule.
    """
    out = []
    exact, loose = {}, {}
    deals = deals.assign(weapon=deals["weapon"].map(_base))
    if covered is not None and len(reported):
        reported = reported.assign(weapon=reported["weapon"].map(_base))
        for key, table in ((_KEY, exact), (_LOOSE, loose)):
            n_rep = reported.groupby(key)["deal"].nunique()
            n_reg = deals.groupby(key)["deal_id"].size()
            for k, rows in reported.groupby(key):
                if n_rep.loc[k] == 1 and n_reg.get(k, 0) == 1:
                    table[k] = rows
    for _, d in deals.iterrows():
        years = [int(y) for y in str(d["delivery_years"] or "").split("; ") if y.strip()]
        if not years or pd.isna(d["tiv_delivered"]):
            continue
        rows = exact.get(tuple(d[k] for k in _KEY))
        if rows is None:
            rows = loose.get(tuple(d[k] for k in _LOOSE))
        weights, basis = np.ones(len(years)), "equal split over the register's delivery years"
        if rows is not None:
            per = rows.groupby("year")["number"].sum(min_count=1)
            if per.isna().any() or per.sum() <= 0:
                per = rows.groupby("year")["tiv"].sum()
            inside = [covered[0] <= y <= covered[1] for y in years]
            left = [y for y, ins in zip(years, inside, strict=True) if not ins]
            rest = max(float(d["number_delivered"] or 0) - float(per.sum()), 0.0) if left else 0.0
            w = np.array([float(per.get(y, 0.0)) if ins else rest / len(left)
                          for y, ins in zip(years, inside, strict=True)])
            extra = [y for y in per.index if y not in years and per[y] > 0]
            if extra:          # the export delivers in years the register does not list: take its years
                years += [int(y) for y in extra]
                w = np.concatenate([w, per.loc[extra].to_numpy(dtype=float)])
            if w.sum() > 0:
                weights, basis = w, "weighted by units delivered per year (deliveries export)"
        tiv = float(d["tiv_delivered"]) * weights / weights.sum()
        out += [{"deal_id": d["deal_id"], "year": y, "tiv": t, "basis": basis}
                for y, t in zip(years, tiv, strict=True) if t > 0 or len(years) == 1]
    return pd.DataFrame(out, columns=["deal_id", "year", "tiv", "basis"])


def _register_yearly(store, a, b, category) -> pd.DataFrame:
    where, params = _cat(category)
    deals = store.sql("SELECT deal_id, order_year, weapon, description, number_delivered, delivery_years, "
                      "tiv_delivered FROM arms WHERE source = 'sipri-register' AND supplier = ? AND recipient = ? "
                      f"AND tiv_delivered IS NOT NULL {where}", [a, b, *params])
    covered, reported = None, pd.DataFrame(columns=[*_KEY, "deal", "year", "number", "tiv"])
    span = store.sql("SELECT min(year) AS lo, max(year) AS hi FROM arms_deliveries WHERE source = 'sipri-deliveries'")
    if len(span) and pd.notna(span["lo"].iloc[0]):
        covered = (int(span["lo"].iloc[0]), int(span["hi"].iloc[0]))
        reported = store.sql(
            "SELECT a.order_year, a.weapon, a.description, d.deal_id AS deal, d.year, d.number, d.tiv "
            "FROM arms_deliveries d JOIN arms a ON a.source = d.source AND a.deal_id = d.deal_id "
            "WHERE d.source = 'sipri-deliveries' AND d.supplier = ? AND d.recipient = ?", [a, b])
    per = spread_register(deals, reported, covered)
    return per


def tiv_delivered(store, a, b, by="year", source="sipri-register", category=None, **_) -> pd.DataFrame:
    """TIV (millions) delivered a→b per delivery year; n = deals with deliveries that year (sipri-tiv: 1)."""
    if source == "sipri-tiv":
        _check(by, source)
        if category is not None:
            raise ValueError("SIPRI's TIV table has no armament categories; drop the category option")
        if not store.has_table("arms_tiv"):
            return pd.DataFrame(columns=COLUMNS)
        f = store.sql(f"SELECT {_period(by, 'year')} AS period, sum(tiv) AS value, count(*) AS n FROM arms_tiv "
                      "WHERE source = 'sipri-tiv' AND supplier = ? AND recipient = ? GROUP BY 1", [a, b])
        return _frame(a, b, "arms_tiv_delivered", f, "TIV millions", source)
    filt = _filter(store, "arms_deliveries", by, source, category)
    if filt is None:
        return pd.DataFrame(columns=COLUMNS)
    where, params = filt
    if source == "sipri-register" and store.has_table("arms"):
        per = _register_yearly(store, a, b, category)
        years = _register_years(store, "arms", "order_year", source, a, b) if by == "year" else None
        if per.empty and years is None:
            return pd.DataFrame(columns=COLUMNS)
        per["period"] = per["year"].astype(str) if by == "year" else "all"
        f = per.groupby("period").agg(value=("tiv", "sum"), n=("deal_id", "nunique")).reset_index()
        # a covered year with no delivery is a true zero
        return _with_zeros(_frame(a, b, "arms_tiv_delivered", f, "TIV millions", source), years, a, b,
                           "arms_tiv_delivered", "TIV millions", source)
    f = store.sql(f"SELECT {_period(by, 'year')} AS period, sum(tiv) AS value, count(DISTINCT deal_id) AS n "
                  f"FROM arms_deliveries WHERE source = ? AND supplier = ? AND recipient = ? {where} "
                  "AND tiv IS NOT NULL GROUP BY 1", [source, a, b, *params])
    years = _register_years(store, "arms_deliveries", "year", source, a, b) if by == "year" else None
    return _with_zeros(_frame(a, b, "arms_tiv_delivered", f, "TIV millions", source), years, a, b,
                       "arms_tiv_delivered", "TIV millions", source)


def share_of_imports(store, a, b, by="year", source="sipri-register", category=None, **_) -> pd.DataFrame:
    """Percent of b's arms imports (TIV delivered from all suppliers) that came from a, per year."""
    if source == "sipri-tiv":
        raise ValueError("SIPRI's TIV table loaded here covers one supplier's exports, not b's imports from all "
                         "suppliers; use source sipri-register or sipri-deliveries")
    filt = _filter(store, "arms_deliveries", by, source, category)
    if filt is None:
        return pd.DataFrame(columns=COLUMNS)
    where, params = filt
    f = store.sql(f"SELECT {_period(by, 'year')} AS period, sum(tiv) FILTER (WHERE supplier = ?) AS from_a, "
                  "sum(tiv) AS total, count(DISTINCT deal_id) AS n FROM arms_deliveries "
                  f"WHERE source = ? AND recipient = ? {where} AND tiv IS NOT NULL GROUP BY 1",
                  [a, source, b, *params])
    f = f[f["total"] > 0]
    f = f.assign(value=f["from_a"].fillna(0.0) / f["total"] * 100.0)
    return _frame(a, b, "arms_share_of_imports", f, "percent", source)


def by_category(store, a, b, source="sipri-register") -> pd.DataFrame:
    """Deals and TIV delivered a→b per SIPRI armament category, over all years."""
    if not store.has_table("arms"):
        return pd.DataFrame(columns=["category", "deals", "tiv_delivered"])
    return store.sql("SELECT coalesce(category, 'unknown') AS category, count(*) AS deals, "
                     "sum(tiv_delivered) AS tiv_delivered FROM arms WHERE source = ? AND supplier = ? "
                     "AND recipient = ? GROUP BY 1 ORDER BY tiv_delivered DESC NULLS LAST", [source, a, b])


def _compute(func):
    def compute(store, a, b, by="year", **options):
        return func(store, a, b, by=by, **options)

    compute.__name__ = func.__name__
    return compute


for _id, _f, _label, _unit in (
    ("arms_deals", deals, "Arms deals ordered, a to b", "deals"),
    ("arms_tiv_delivered", tiv_delivered, "Arms delivered, a to b (SIPRI TIV)", "TIV millions"),
    ("arms_share_of_imports", share_of_imports, "a's share of b's arms imports", "percent"),
):
    # a share of b's imports resting on one or two delivering deals is one contract's timing (China's "100%"
    # of Russia's imports in 2019 is one batch of ship engines): thin below 3 deals
    share = _id == "arms_share_of_imports"
    register(Indicator(id=_id, label=_label, unit=_unit, source="arms, arms_deliveries", method="arms",
                       compute=_compute(_f), directions=("D3",), frequencies=("year",), directed=True,
                       higher_means="more", description=(_f.__doc__ or "").strip().splitlines()[0],
                       min_support=3 if share else None,
                       support_unit="deals delivering to b that year (all suppliers)" if share else ""))

__all__ = ["by_category", "deals", "share_of_imports", "tiv_delivered"]
