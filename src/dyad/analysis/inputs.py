"""Yearly input series for the index and the scorecard, from a store or from plain frames.

An agenda link names an indicator; for a directed indicator it becomes one series per direction of flow.
Each series is fetched as tidy rows (``period, value, n`` and optional ``ci_low, ci_high``) and brought to
calendar years: monthly rows are averaged (``mean``) or averaged and multiplied by 12 (``sum``: a yearly
total, annualised when months are missing). Missing values stay missing; a row with ``n == 0`` or a NaN value
is dropped, never read as zero. Years before both countries existed are left out
(:func:`both_exist`), and so are values the indicator marks ``quality == 'thin'`` unless asked for.

``source`` is either a store (indicators are computed through the registry) or a mapping
``{indicator_id: tidy frame}`` -- the analysis functions work the same on both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dyad import countries
from dyad import indicators as registry
from dyad.agenda import Agenda, Link

YEARLY_COLUMNS = ["year", "value", "n", "ci_low", "ci_high", "months"]
_COUNT_UNITS = ("count", "events", "number", "deals")
_RATE_UNITS = ("share", "mean", "average", "per ", "index", "%", "ratio", "score")
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
ARROW = ">"
# Founding years used when dyad.countries has no existence table (the PRC was proclaimed on 1 Oct 1949).
FOUNDED = {"CHN": 1949}


def exists(iso3: str, year: int) -> bool:
    """Did ``iso3`` exist as a state in ``year``? ``dyad.countries.exists`` when present, else :data:`FOUNDED`."""
    check = getattr(countries, "exists", None)
    if check is not None:
        return bool(check(iso3, int(year)))
    return int(year) >= FOUNDED.get(iso3, -10**9)


def both_exist(x: str, y: str, year: int) -> bool:
    return exists(x, year) and exists(y, year)


def year_list(years) -> str:
    """Years as compact runs: ``2013-2014, 2017-2023``."""
    ys = sorted({int(y) for y in years})
    runs, start = [], None
    for i, y in enumerate(ys):
        start = y if start is None else start
        if i + 1 == len(ys) or ys[i + 1] != y + 1:
            runs.append(f"{start}" if start == y else f"{start}-{y}")
            start = None
    return ", ".join(runs)


@dataclass(frozen=True)
class Series:
    """One input series: an indicator for one ordered (or unordered) pair of countries."""

    indicator: str
    x: str
    y: str
    directed: bool
    sign: int
    weight: float                 # the indicator's weight, split evenly over its series
    options: tuple = ()
    aggregate: str | None = None
    min_n: int = 0

    @property
    def label(self) -> str:
        return f"{self.indicator} {self.x}{ARROW}{self.y}" if self.directed else self.indicator

    @property
    def key(self) -> tuple:
        return (self.indicator, self.x, self.y, self.directed, self.options, self.aggregate, self.min_n)


def roles(agenda: Agenda, a: str, b: str) -> dict[str, str]:
    """Which run country plays the agenda's roles a and b.

    When the agenda names the same two countries as the run, roles follow the agenda (``pair: [RUS, CHN]``
    means RUS to CHN whatever order the command gives); otherwise roles follow position.
    """
    if agenda.countries and set(agenda.countries) == {a, b}:
        return {"a": agenda.countries[0], "b": agenda.countries[1]}
    return {"a": a, "b": b}


def agenda_for(agenda: Agenda, a: str, b: str) -> tuple[Agenda, str]:
    """The agenda to score a and b on, and a note: an agenda naming two countries scores only those two;
    any other pair gets the built-in generic five-direction agenda (no proposals)."""
    if agenda.countries and set(agenda.countries) != {a, b}:
        from dyad.agenda import load

        generic = load("generic")
        return generic, (f"Agenda {agenda.id} names {'-'.join(agenda.countries)}, not {a}-{b}: scored on the "
                         f"generic five-direction agenda instead (no proposals).")
    return agenda, ""


def _is_directed(link: Link) -> bool | None:
    try:
        return registry.get(link.indicator).directed
    except KeyError:
        return None


def expand(link: Link, agenda: Agenda, a: str, b: str, weight: float) -> list[Series]:
    """The series a link stands for, each with its share of the indicator's weight."""
    r = roles(agenda, a, b)
    directed = link.directed
    if directed is None and _is_directed(link):
        directed = "both"
    if directed in (None, "pooled"):
        pairs, is_dir = [(r["a"], r["b"])], False
    else:
        pairs = {"a_to_b": [(r["a"], r["b"])], "b_to_a": [(r["b"], r["a"])],
                 "both": [(r["a"], r["b"]), (r["b"], r["a"])]}[directed]
        is_dir = True
    return [Series(link.indicator, x, y, is_dir, link.sign, weight / len(pairs), link.options, link.aggregate,
                   link.min_n) for x, y in pairs]


def _default_aggregate(indicator_id: str) -> str:
    try:
        unit = registry.get(indicator_id).unit.lower()
    except KeyError:
        return "mean"
    counts = any(word in unit for word in _COUNT_UNITS) and not any(word in unit for word in _RATE_UNITS)
    return "sum" if counts else "mean"


def to_yearly(frame: pd.DataFrame, aggregate: str = "mean", where: str = "") -> pd.DataFrame:
    """Tidy rows (yearly or monthly periods) as one row per calendar year, missing values dropped.

    Yearly rows are kept as they are (with their intervals). Monthly rows become a year: ``mean`` of the
    months present, or for ``sum`` the mean times 12 (the yearly total, annualised when months are missing);
    intervals are not carried over from months. Where a frame has both, the yearly rows win.
    """
    if frame is None or frame.empty:
        return pd.DataFrame(columns=YEARLY_COLUMNS)
    for col in ("period", "value"):
        if col not in frame.columns:
            raise ValueError(f"{where}: indicator rows lack a {col!r} column")
    f = frame.copy()
    f["period"] = f["period"].astype(str)
    f["value"] = pd.to_numeric(f["value"], errors="coerce")
    f["n"] = pd.to_numeric(f["n"], errors="coerce") if "n" in f else np.nan
    keep = f["value"].notna() & np.isfinite(f["value"]) & ~(f["n"] == 0)
    f = f[keep]
    is_year = f["period"].str.match(_YEAR)
    is_month = f["period"].str.match(_MONTH)
    odd = f.loc[~(is_year | is_month), "period"]
    if len(odd):
        raise ValueError(f"{where}: period {odd.iloc[0]!r} is neither a year (2018) nor a month (2018-05); "
                         "compute the indicator by year or by month")
    yearly = f[is_year].assign(year=lambda d: d["period"].astype(int), months=np.nan)
    for col in ("ci_low", "ci_high"):
        if col not in yearly:
            yearly[col] = np.nan
    monthly = f[is_month & ~f["period"].str[:4].isin(yearly["period"])]
    if len(monthly):
        monthly = monthly.assign(year=monthly["period"].str[:4].astype(int))
        grouped = monthly.groupby("year")
        agg = pd.DataFrame({"value": grouped["value"].mean(), "n": grouped["n"].sum(min_count=1),
                            "months": grouped["value"].size()}).reset_index()
        if aggregate == "sum":
            agg["value"] = agg["value"] * 12.0
        agg["ci_low"] = agg["ci_high"] = np.nan
        yearly = pd.concat([yearly[YEARLY_COLUMNS], agg[YEARLY_COLUMNS]], ignore_index=True)
    out = yearly[YEARLY_COLUMNS].sort_values("year").reset_index(drop=True)
    if out["year"].duplicated().any():
        raise ValueError(f"{where}: more than one row per year; give one series per indicator and pair")
    return out.astype({"year": int, "value": float})


class Fetcher:
    """Fetches and caches yearly series from a store or a mapping of frames.

    ``on_error="record"`` keeps going when an indicator cannot be computed and records why (the series then
    counts as not measurable, with that reason shown); ``"raise"`` lets the error through.
    """

    def __init__(self, source, on_error: str = "record", include_thin: bool = False):
        if on_error not in ("record", "raise"):
            raise ValueError("on_error must be 'record' or 'raise'")
        self.source = source
        self.on_error = on_error
        self._cache: dict[tuple, pd.DataFrame] = {}
        self.notes: dict[tuple, str] = {}      # why a series has no data
        self.dropped: dict[tuple, str] = {}    # years left out for too few observations
        self.include_thin = include_thin

    @property
    def frames(self) -> bool:
        return isinstance(self.source, Mapping)

    def yearly(self, series: Series) -> pd.DataFrame:
        if series.key not in self._cache:
            try:
                rows = self._quality(series, self._rows(series))
                agg = series.aggregate or _default_aggregate(series.indicator)
                yearly = self._exist(series, to_yearly(rows, agg, where=series.label))
                self._cache[series.key] = self._thin(series, yearly)
            except Exception as exc:  # recorded and shown as the reason (class docstring)
                if self.on_error == "raise":
                    raise
                self.notes[series.key] = f"could not compute: {type(exc).__name__}: {exc}"
                self._cache[series.key] = pd.DataFrame(columns=YEARLY_COLUMNS)
        return self._cache[series.key]

    def _drop(self, series: Series, text: str) -> None:
        self.dropped[series.key] = "; ".join(t for t in (self.dropped.get(series.key), text) if t)

    def _quality(self, series: Series, rows: pd.DataFrame) -> pd.DataFrame:
        """Leave out rows the indicator marks thin (column ``quality``, when it has one) unless asked."""
        quality = rows.get("quality") if rows is not None else None
        if quality is None or self.include_thin:
            return rows
        thin = quality.astype(str).eq("thin")
        if thin.any():
            self._drop(series, f"left out thin {', '.join(rows.loc[thin, 'period'].astype(str))} "
                               "(below the indicator's minimum support; include_thin to keep)")
        return rows[~thin]

    def _exist(self, series: Series, yearly: pd.DataFrame) -> pd.DataFrame:
        """Leave out years before both countries existed (e.g. before the PRC, 1949)."""
        if yearly.empty:
            return yearly
        ok = np.array([both_exist(series.x, series.y, y) for y in yearly["year"]], dtype=bool)
        if not ok.all():
            self._drop(series, f"left out {year_list(yearly.loc[~ok, 'year'])} (before both states existed)")
        return yearly[ok].reset_index(drop=True)

    def _thin(self, series: Series, yearly: pd.DataFrame) -> pd.DataFrame:
        """Leave out years resting on fewer than ``min_n`` observations, and say which."""
        if not series.min_n:
            return yearly
        thin = yearly["n"].notna() & (yearly["n"] < series.min_n)
        if thin.any():
            years = ", ".join(str(y) for y in yearly.loc[thin, "year"])
            self._drop(series, f"left out {years} (n < {series.min_n})")
        return yearly[~thin].reset_index(drop=True)

    def note(self, series: Series) -> str:
        return self.notes.get(series.key, "")

    def _rows(self, series: Series) -> pd.DataFrame:
        if self.frames:
            frame = self.source.get(series.indicator)
            if frame is None:
                self.notes[series.key] = "no data loaded for this indicator"
                return pd.DataFrame(columns=["period", "value"])
            return _select(frame, series)
        try:
            indicator = registry.get(series.indicator)
        except KeyError:
            self.notes[series.key] = "indicator not registered in this installation"
            return pd.DataFrame(columns=["period", "value"])
        by = "year" if "year" in indicator.frequencies else "month"
        if by not in indicator.frequencies:
            raise ValueError(f"{series.indicator} has neither yearly nor monthly values")
        from dyad import cache  # results cache keyed by store version: the report, API and CLI share it

        rows = cache.compute(self.source, indicator.id, series.x, series.y, by=by, **dict(series.options))
        return _select(rows, series)


def _select(frame: pd.DataFrame, series: Series) -> pd.DataFrame:
    """The rows of one series: this indicator, this pair (either order when undirected)."""
    if "indicator" in frame.columns:
        frame = frame[frame["indicator"] == series.indicator]
    if not {"a", "b"} <= set(frame.columns):
        return frame
    exact = frame[(frame["a"] == series.x) & (frame["b"] == series.y)]
    if series.directed or len(exact):
        return exact
    return frame[(frame["a"] == series.y) & (frame["b"] == series.x)]
