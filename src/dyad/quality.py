"""How far an indicator value can be trusted: existence of the dyad, coverage of the period, thin support.

Every registered indicator's ``compute`` ends in :func:`finish` (see :class:`dyad.indicators.Indicator`):

1. **Existence.** No row for a period before both states existed (:func:`dyad.countries.exists_between`);
   UN measures follow the UN seat instead (:func:`dyad.countries.un_seat_start`): China's seat counts as
   ``CHN`` from 25 Oct 1971 and Russia continues the USSR's seat. ``ussr_as_russia=True`` counts the USSR's
   history as Russia's for the other measures.
2. **Coverage.** ``coverage`` is the share of the period that the loaded files cover for this dyad
   (:mod:`dyad.coverage`); NaN when the store records no coverage for the source. A period with coverage 0
   has no row: it is missing, never 0. ``per_covered_day=True`` divides event counts by the covered days.
3. **Quality.** ``quality`` is ``thin`` when the support (``n`` or the covered days, per the indicator's
   ``support_unit``) is below the indicator's ``min_support`` (for covered days also when they are less than
   :data:`MIN_COVERED_SHARE` of the period), else ``ok``. :func:`drop_thin` is the helper
   headlines, the index and the scorecard use to leave thin values out unless asked.

Definitions and references: docs/methods/coverage.md and docs/methods/thresholds.md.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from dyad import countries

FINISH_OPTIONS = ("ussr_as_russia", "per_covered_day")
# Event values rest on covered days: below the indicator's minimum (7) or below this share of the period's days
# (a month: 8 of 31; a year: 92 of 365) a value is thin (docs/methods/thresholds.md).
MIN_COVERED_SHARE = 0.25
QUALITY = ("ok", "thin")


def period_span(period: object, by: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of a period label (``YYYY``, ``YYYY-MM``, ``YYYY-Qn``, a UN session number);
    None when the label is not a calendar period (e.g. ``all``)."""
    text = str(period).strip()
    if by == "session" and text.isdigit():
        year = 1945 + int(text)          # session 1 opened in 1946; session s opens in September of 1945 + s
        return (dt.date(1946, 1, 10) if int(text) == 1 else dt.date(year, 9, 1)), dt.date(year + 1, 8, 31)
    if re.fullmatch(r"\d{4}", text):
        y = int(text)
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        last = (dt.date(y + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1))
        return dt.date(y, mo, 1), last
    m = re.fullmatch(r"(\d{4})-?Q([1-4])", text)
    if m:
        y, q = int(m.group(1)), int(m.group(2))
        first = dt.date(y, 3 * q - 2, 1)
        last = dt.date(y + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
        return first, last
    return None


def is_un_measure(indicator) -> bool:
    """UN votes and UN General Debate speeches: the seat holder speaks and votes, so the UN seat rule applies."""
    return bool({"votes", "speeches"} & set(str(getattr(indicator, "source", "")).split(", ")))


def dyad_exists(a: str, b: str, span: tuple[dt.date, dt.date], *, un: bool = False,
                ussr_as_russia: bool = False) -> bool:
    """Did both states exist (UN measures: hold their seats) on some day of the span?"""
    first, last = span
    for code in (a, b):
        if un:
            start, _ = countries.un_seat_start(code)
            if start is not None and start > last:
                return False
        elif not countries.exists_between(code, first, last, ussr_as_russia=ussr_as_russia):
            return False
    return True


def notes_for(a: str, b: str, *, un: bool, ussr_as_russia: bool, dropped: int = 0) -> list[str]:
    """The labels a reader needs for the existence rule applied to this dyad (state rules: when they left
    periods out or the USSR option is on)."""
    out = []
    for code in dict.fromkeys((a, b)):
        if un:
            start, rule = countries.un_seat_start(code)
            if rule:
                out.append(rule)
        elif not dropped and not (ussr_as_russia and code == "RUS"):
            continue
        elif code == "RUS":
            out.append("USSR history counted as Russia's (ussr_as_russia)" if ussr_as_russia else
                       "Russia from 26 Dec 1991; earlier periods are the USSR's and are left out "
                       "(--ussr-as-russia counts them)")
        elif code == "CHN":
            out.append("People's Republic of China from 1 Oct 1949")
    return out


def support(frame: pd.DataFrame, indicator) -> pd.Series:
    """The support of each value in the indicator's ``support_unit``: covered days or ``n``."""
    if str(getattr(indicator, "support_unit", "")).startswith("covered days"):
        return frame["covered_days"].astype(float) if "covered_days" in frame else pd.Series(np.nan, frame.index)
    return pd.to_numeric(frame["n"], errors="coerce").astype(float)


def mark_quality(frame: pd.DataFrame, indicator) -> pd.DataFrame:
    """Add ``quality``: ``thin`` where the support is below the indicator's ``min_support``, else ``ok``.

    Unknown support (no coverage recorded for the source) is not thin: the coverage column says NaN.
    """
    frame = frame.copy()
    minimum = getattr(indicator, "min_support", None)
    if minimum is None:
        frame["quality"] = "ok"
        return frame
    s = support(frame, indicator)
    thin = s.notna() & (s < minimum)
    if str(getattr(indicator, "support_unit", "")).startswith("covered days") and "coverage" in frame:
        # days are counted against the period: 8 covered days make a week, not a year
        share = pd.to_numeric(frame["coverage"], errors="coerce")
        thin |= share.notna() & (share < MIN_COVERED_SHARE)
    frame["quality"] = np.where(thin, "thin", "ok")
    return frame


def drop_thin(frame: pd.DataFrame, include_thin: bool = False) -> tuple[pd.DataFrame, int]:
    """The rows to show as headlines: thin values left out unless ``include_thin``; returns (rows, how many
    were left out) so the caller can say that it did. Frames without a quality column pass unchanged."""
    quality = frame.get("quality") if isinstance(frame, pd.DataFrame) else None
    if include_thin or quality is None:
        return frame, 0
    thin = quality.eq("thin")
    return frame[~thin].reset_index(drop=True), int(thin.sum())


def _existing(frame: pd.DataFrame, a: str, b: str, by: str, *, un: bool, ussr_as_russia: bool,
              notes: list[str]) -> tuple[pd.DataFrame, list[str]]:
    periods = frame["period"].astype(str)
    spans = {p: period_span(p, by) for p in periods.unique()}
    keep = np.array([spans[p] is None or dyad_exists(a, b, spans[p], un=un, ussr_as_russia=ussr_as_russia)
                     for p in periods])
    before = int((~keep).sum())
    notes = notes + notes_for(a, b, un=un, ussr_as_russia=ussr_as_russia, dropped=before)
    if before:
        notes.append(f"{before} period(s) before both states existed left out")
    return frame[keep].reset_index(drop=True), notes


def existing(frame: pd.DataFrame, a: str, b: str, by: str = "year", *, ussr_as_russia: bool = False) -> pd.DataFrame:
    """Only the periods in which both states existed (the rule of :func:`finish`, without coverage), for
    commands that print measure rows directly (``dyad trade``, ``dyad arms``); the notes say what was left out
    and are in ``frame.attrs["notes"]``."""
    notes = list(frame.attrs.get("notes", []))
    if frame.empty or "period" not in frame:
        return frame
    frame, notes = _existing(frame.reset_index(drop=True), a, b, by, un=False, ussr_as_russia=ussr_as_russia,
                             notes=notes)
    frame.attrs["notes"] = notes
    return frame


def finish(store, indicator, frame: pd.DataFrame, a: str, b: str, by: str = "year", *,
           ussr_as_russia: bool = False, per_covered_day: bool = False, options: dict | None = None) -> pd.DataFrame:
    """Existence filter, coverage and quality columns for one indicator's tidy rows (see module doc)."""
    from dyad import coverage

    un = is_un_measure(indicator)
    notes = list(frame.attrs.get("notes", []))
    frame = frame.reset_index(drop=True).copy()
    if frame.empty or "period" not in frame:
        notes += notes_for(a, b, un=un, ussr_as_russia=ussr_as_russia)
        if "coverage" not in frame:
            frame["coverage"] = pd.Series(dtype=float)
        if "quality" not in frame:
            frame["quality"] = pd.Series(dtype=object)
        frame.attrs["notes"] = notes
        return frame
    frame, notes = _existing(frame, a, b, by, un=un, ussr_as_russia=ussr_as_russia, notes=notes)
    periods = frame["period"].astype(str)
    spans = {p: period_span(p, by) for p in periods.unique()}
    cov = coverage.for_periods(store, indicator, a, b, {p: spans[p] for p in periods.unique()}, frame=frame,
                               options=options)
    frame["coverage"] = periods.map(lambda p: cov[p][0]).astype(float)
    days = periods.map(lambda p: cov[p][1]).astype(float)
    uncovered = frame["coverage"].eq(0.0)
    if uncovered.any():
        notes.append(f"{int(uncovered.sum())} period(s) that no loaded file covers left out (missing, not 0)")
    frame = frame[~uncovered].reset_index(drop=True)
    days = days[~uncovered.to_numpy()].reset_index(drop=True)
    support_days = str(getattr(indicator, "support_unit", "")).startswith("covered days")
    if support_days:
        frame["covered_days"] = days
    if per_covered_day and str(getattr(indicator, "unit", "")).startswith("events"):
        frame["value"] = frame["value"].astype(float) / days.where(days > 0)
        for col in ("ci_low", "ci_high"):
            if col in frame:
                frame[col] = frame[col].astype(float) / days.where(days > 0)
        notes.append("event counts per covered day")
    frame = mark_quality(frame, indicator)
    if support_days:
        frame = frame.drop(columns="covered_days")
    thin = int(frame["quality"].eq("thin").sum())
    if thin:
        notes.append(f"{thin} value(s) below the minimum support of {indicator.min_support} "
                     f"{indicator.support_unit}: quality thin")
    frame.attrs["notes"] = notes
    return frame
