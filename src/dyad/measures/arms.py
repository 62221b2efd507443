"""Arms transfers from a supplier a to a recipient b (SIPRI): deals ordered, TIV delivered, and a's share of
b's arms imports. TIV is SIPRI's trend-indicator value in millions (a volume index, not US dollars).

Sources: ``sipri-register`` (default; every deal since 1949, delivered TIV split equally over the listed
delivery years) or ``sipri-deliveries`` (per-year values as SIPRI reports them, 2000 on).
Definitions: docs/methods/trade.md#arms.
"""

from __future__ import annotations

import pandas as pd

from dyad.indicators import Indicator, register

SOURCES = ("sipri-register", "sipri-deliveries")
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


def _period(by: str, col: str) -> str:
    return "'all'" if by == "all" else f"CAST({col} AS VARCHAR)"


def deals(store, a, b, by="year", source="sipri-register", category=None, **_) -> pd.DataFrame:
    """Number of deals a→b per order year; ``uncertain`` counts those whose order year SIPRI marks '?'."""
    filt = _filter(store, "arms", by, source, category)
    if filt is None:
        return pd.DataFrame(columns=COLUMNS)
    where, params = filt
    f = store.sql(f"SELECT {_period(by, 'order_year')} AS period, count(*) AS value, count(*) AS n, "
                  "count(*) FILTER (WHERE order_year_uncertain) AS uncertain FROM arms "
                  f"WHERE source = ? AND supplier = ? AND recipient = ? {where} GROUP BY 1",
                  [source, a, b, *params])
    return _frame(a, b, "arms_deals", f, "deals", source)


def tiv_delivered(store, a, b, by="year", source="sipri-register", category=None, **_) -> pd.DataFrame:
    """TIV (millions) delivered a→b per delivery year; n = deals with deliveries that year."""
    filt = _filter(store, "arms_deliveries", by, source, category)
    if filt is None:
        return pd.DataFrame(columns=COLUMNS)
    where, params = filt
    f = store.sql(f"SELECT {_period(by, 'year')} AS period, sum(tiv) AS value, count(DISTINCT deal_id) AS n "
                  f"FROM arms_deliveries WHERE source = ? AND supplier = ? AND recipient = ? {where} "
                  "AND tiv IS NOT NULL GROUP BY 1", [source, a, b, *params])
    return _frame(a, b, "arms_tiv_delivered", f, "TIV millions", source)


def share_of_imports(store, a, b, by="year", source="sipri-register", category=None, **_) -> pd.DataFrame:
    """Percent of b's arms imports (TIV delivered from all suppliers) that came from a, per year."""
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
    register(Indicator(id=_id, label=_label, unit=_unit, source="arms, arms_deliveries", method="arms",
                       compute=_compute(_f), directions=("D3",), frequencies=("year",), directed=True,
                       higher_means="more", description=(_f.__doc__ or "").strip().splitlines()[0]))

__all__ = ["by_category", "deals", "share_of_imports", "tiv_delivered"]
