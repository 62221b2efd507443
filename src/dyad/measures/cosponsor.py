"""Co-sponsorship of UN General Assembly resolutions between two states.

For a dyad (a, b) and a period: of the adopted resolutions that a or b sponsored (on the draft or as an
additional sponsor), the share that both sponsored, i.e. that one state sponsored and the other
co-sponsored. It is a Jaccard index of the two states' sponsor sets, symmetric in a and b. The directed
shares (of a's resolutions, the share b co-sponsored, and the reverse) come as extra columns.

Read from ``resolutions`` and ``resolution_sponsors`` (the UN's own records, UNxml, from November 2019;
see :mod:`dyad.sources.unxml`). A period with loaded resolutions that neither state sponsored has no value
(nothing to share) and gets no row, as does a period with no loaded resolutions. Interval: Wilson score
interval for a proportion over the resolutions either state sponsored. Method and references:
docs/methods/alignment.md#un-co-sponsorship.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from dyad.indicators import Indicator, register
from dyad.sources import unxml  # noqa: F401  (registers the resolutions tables)

PERIODS = ("year", "all")
COLUMNS = ["a", "b", "period", "indicator", "value", "n", "ci_low", "ci_high", "resolutions", "a_sponsored",
           "b_sponsored", "joint", "share_of_a", "share_of_b"]
INDICATOR = "un_cosponsorship"


def wilson(k: np.ndarray, n: np.ndarray, z: float = 1.959963984540054) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes in n trials (Wilson 1927)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def counts(store, a: str, b: str, by: str = "year", start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """Per period: resolutions loaded, sponsored by a, by b, and by both."""
    if by not in PERIODS:
        raise ValueError(f"co-sponsorship is per year or over all: --by year or all, not {by!r}")
    res = store.table("resolutions")
    sp = store.table("resolution_sponsors")
    if start:
        res = res.filter(res.date >= start)
    if end:
        res = res.filter(res.date <= end)
    joined = res.select("symbol", "year")
    ina = joined.symbol.isin(sp.filter(sp.country == a).symbol)
    inb = joined.symbol.isin(sp.filter(sp.country == b).symbol)
    period = joined.year.cast("string") if by == "year" else ibis.literal("all")
    expr = joined.mutate(period=period, ia=ina.ifelse(1, 0), ib=inb.ifelse(1, 0),
                         both=(ina & inb).ifelse(1, 0))
    frame = expr.group_by("period").aggregate(resolutions=expr.symbol.count(), a_sponsored=expr.ia.sum(),
                                              b_sponsored=expr.ib.sum(), joint=expr.both.sum()).execute()
    frame = frame.sort_values("period").reset_index(drop=True)
    for col in ("resolutions", "a_sponsored", "b_sponsored", "joint"):
        frame[col] = frame[col].astype("int64")
    return frame


def cosponsorship(store, a: str, b: str, by: str = "year", ci: bool = True, start: str | None = None,
                  end: str | None = None, **_: object) -> pd.DataFrame:
    """Tidy rows: value = joint / (a_sponsored + b_sponsored - joint), n = that denominator."""
    frame = counts(store, a, b, by, start, end)
    union = frame["a_sponsored"] + frame["b_sponsored"] - frame["joint"]
    frame = frame[union > 0].assign(n=union[union > 0])
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    low, high = wilson(frame["joint"].to_numpy(), frame["n"].to_numpy()) if ci else (np.nan, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame({
            "a": a, "b": b, "period": frame["period"].astype(str), "indicator": INDICATOR,
            "value": frame["joint"] / frame["n"], "n": frame["n"].astype(int), "ci_low": low, "ci_high": high,
            "resolutions": frame["resolutions"], "a_sponsored": frame["a_sponsored"],
            "b_sponsored": frame["b_sponsored"], "joint": frame["joint"],
            "share_of_a": (frame["joint"] / frame["a_sponsored"]).where(frame["a_sponsored"] > 0),
            "share_of_b": (frame["joint"] / frame["b_sponsored"]).where(frame["b_sponsored"] > 0)})
    return out[COLUMNS].reset_index(drop=True)


register(Indicator(
    id=INDICATOR, label="UN resolution co-sponsorship", unit="share of resolutions either sponsored",
    source="resolutions, resolution_sponsors", method="un-co-sponsorship", compute=cosponsorship,
    directions=("D5",), frequencies=("year",), directed=False, higher_means="closer",
    min_support=10, support_unit="resolutions either state sponsored",
    description="Of the General Assembly resolutions that a or b sponsored (UN records, from Nov 2019), the "
                "share that both sponsored. Years in which neither sponsored a loaded resolution have no value."))
