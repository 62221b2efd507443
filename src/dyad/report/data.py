"""What the report shows, gathered from the store: indicator series, calendar, coverage, provenance."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dyad import schema
from dyad.indicators import DIRECTIONS, Indicator, all_indicators
from dyad.report.optional import run_optional

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")


def period_date(period: object) -> dt.date | None:
    """The middle of a period written as YYYY, YYYY-MM, YYYY-Qn or YYYY-MM-DD; None if not a date."""
    text = str(period).strip()
    if m := _YEAR.match(text):
        return dt.date(int(m[1]), 7, 2)
    if m := _MONTH.match(text):
        return dt.date(int(m[1]), int(m[2]), 15)
    if m := _QUARTER.match(text):
        return dt.date(int(m[1]), 3 * int(m[2]) - 1, 15)
    if m := _DAY.match(text):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    return None


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    by: str
    frame: pd.DataFrame | None      # tidy rows, NaN values dropped; None when skipped
    note: str = ""                  # why it was skipped, or what is missing
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.frame is not None and len(self.frame) > 0

    @property
    def direction(self) -> str:
        return self.indicator.directions[0] if self.indicator.directions else "other"

    def summary(self) -> dict:
        """One row of the summary table."""
        ind = self.indicator
        row = {"id": ind.id, "indicator": ind.label, "direction": self.direction, "unit": ind.unit,
               "periods": 0, "first": "", "last": "", "latest": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "n": np.nan, "note": self.note}
        if not self.ok:
            return row
        frame = self.frame
        assert frame is not None
        latest = frame.sort_values("period").groupby(["a", "b"]).tail(1).iloc[0]
        row.update(periods=int(frame["period"].nunique()), first=str(frame["period"].min()),
                   last=str(frame["period"].max()), latest=float(latest["value"]),
                   ci_low=float(latest.get("ci_low", np.nan)), ci_high=float(latest.get("ci_high", np.nan)),
                   n=latest["n"])
        if pd.notna(latest["n"]) and float(latest["n"]) < 10:
            row["note"] = "; ".join(x for x in (self.note, f"latest period rests on only n={int(latest['n'])}") if x)
        return row


def _missing_years(frame: pd.DataFrame) -> list[int]:
    years = sorted({d.year for d in frame["period"].map(period_date) if d is not None})
    if not years or not all(_YEAR.match(str(p)) for p in frame["period"]):
        return []
    return sorted(set(range(years[0], years[-1] + 1)) - set(years))


def compute_indicator(store, ind: Indicator, a: str, b: str, by: str | None = None) -> IndicatorResult:
    """Compute one indicator for the dyad (both orders when it is directed); never raises."""
    by = by or ind.frequencies[0]
    started = time.perf_counter()
    try:
        pairs = [(a, b), (b, a)] if ind.directed else [(a, b)]
        frame = pd.concat([ind(store, x, y, by=by) for x, y in pairs], ignore_index=True)
    except Exception as exc:  # noqa: BLE001 - shown in the report as a skipped indicator
        return IndicatorResult(ind, by, None, f"skipped: {type(exc).__name__}: {exc}",
                               time.perf_counter() - started)
    seconds = time.perf_counter() - started
    if frame is None or len(frame) == 0:
        return IndicatorResult(ind, by, None, "skipped: no rows for this dyad (its source is not loaded "
                               "or does not cover these countries)", seconds)
    frame = frame.assign(period=frame["period"].astype(str))
    valid = frame[frame["value"].notna()].reset_index(drop=True)
    if len(valid) == 0:
        return IndicatorResult(ind, by, None, f"skipped: all {len(frame)} periods have no value", seconds)
    notes = []
    if len(valid) < len(frame):
        notes.append(f"{len(frame) - len(valid)} period(s) without a value")
    gaps = _missing_years(valid)
    if gaps:
        shown = ", ".join(map(str, gaps[:12])) + (" ..." if len(gaps) > 12 else "")
        notes.append(f"no data for {len(gaps)} year(s) in the range: {shown}")
    return IndicatorResult(ind, by, valid, "; ".join(notes), seconds)


def compute_all(store, a: str, b: str, progress_enabled: bool | None = None) -> list[IndicatorResult]:
    from dyad.progress import progress

    inds = all_indicators()
    return [compute_indicator(store, ind, a, b)
            for ind in progress(inds, desc="indicators", unit="indicator", enabled=progress_enabled)]


# ------------------------------------------------------------------------------------ calendar

CAL_COLUMNS = ["country", "date", "kind", "label", "source"]


def calendar_events(store, a: str, b: str) -> tuple[pd.DataFrame, str]:
    """Political-cycle events of A and B and their bilateral milestones, with where they came from."""
    section = run_optional("calendar", store, a, b)
    if section.available:
        frame = next(iter(section.frames.values()))
        if set(CAL_COLUMNS[1:4]) <= set(frame.columns):
            return _clean_calendar(frame), "dyad.calendar"
    if not store.has_table("calendar"):
        return pd.DataFrame(columns=CAL_COLUMNS), "no calendar is loaded in the store"
    frame = store.sql(
        "SELECT country, date, kind, label, source FROM calendar "
        "WHERE country IN (?, ?) OR (country LIKE ? AND country LIKE ?) ORDER BY date",
        [a, b, f"%{a}%", f"%{b}%"])
    note = "the store's calendar table" if len(frame) else "the store's calendar table has no entries for A or B"
    return _clean_calendar(frame), note


def _clean_calendar(frame: pd.DataFrame) -> pd.DataFrame:
    """The calendar columns the report uses, dates parsed, undated rows dropped, sorted by date."""
    frame = frame.copy()
    for col in CAL_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
    return frame[frame["date"].notna()][CAL_COLUMNS].sort_values("date").reset_index(drop=True)


# -------------------------------------------------------------------------- coverage, provenance

def table_coverage(store) -> pd.DataFrame:
    """Rows and time span of every canonical table present (identifiers come from the schema only)."""
    rows = []
    for name, table in sorted(schema.TABLES.items()):
        if not store.has_table(name):
            continue
        cols = table.column_names
        span = next((c for c in ("date", "year", "order_year") if c in cols), None)
        if span:
            q = f'SELECT count(*), min("{span}"), max("{span}") FROM "{name}"'
            n, lo, hi = store.sql(q).iloc[0]
        else:
            n, lo, hi = store.count(name), None, None
        rows.append({"table": name, "rows": int(n), "from": "" if lo is None or pd.isna(lo) else str(lo)[:10],
                     "to": "" if hi is None or pd.isna(hi) else str(hi)[:10], "what": table.doc})
    return pd.DataFrame(rows, columns=["table", "rows", "from", "to", "what"])


def _shorten_paths(frame: pd.DataFrame, col: str) -> tuple[pd.DataFrame, str]:
    """Paths relative to their common folder (said once above the table), so the table stays readable."""
    import os

    paths = [p for p in frame[col].dropna().astype(str) if p.startswith("/")]
    if len(paths) < 2:
        return frame, ""
    root = os.path.commonpath(paths)
    if root in ("/", ""):
        return frame, ""
    frame = frame.copy()
    frame[col] = frame[col].map(lambda p: os.path.relpath(p, root) if isinstance(p, str) and p.startswith("/") else p)
    return frame, root


def _stamp(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    for col in cols:
        frame[col] = pd.to_datetime(frame[col]).dt.strftime("%Y-%m-%d %H:%M:%S")
    return frame


def provenance_runs(store) -> tuple[pd.DataFrame, str]:
    """Ingest runs (sha256 shortened; the files table has it in full) and the common folder of their paths."""
    if not store.has_table("provenance"):
        return pd.DataFrame(), ""
    frame = store.sql(
        "SELECT ingest_id, source, path, left(sha256, 12) AS sha256_prefix, status, rows_read, rows_loaded, "
        "rows_rejected, finished, message FROM provenance ORDER BY ingest_id")
    return _shorten_paths(_stamp(frame, "finished"), "path")


def provenance_files(store) -> tuple[pd.DataFrame, str]:
    if not store.has_table("provenance_files"):
        return pd.DataFrame(), ""
    frame = store.sql(
        "SELECT p.source, f.ingest_id, f.file, f.sha256, f.size, f.rows_read, f.rows_loaded, f.rows_rejected "
        "FROM provenance_files f JOIN provenance p USING (ingest_id) ORDER BY p.source, f.file")
    return _shorten_paths(frame, "file")


def quarantine_counts(store) -> pd.DataFrame:
    if not store.has_table("quarantine"):
        return pd.DataFrame()
    return store.sql(
        "SELECT p.source, q.reason, count(*) AS rows FROM quarantine q JOIN provenance p USING (ingest_id) "
        "GROUP BY p.source, q.reason ORDER BY p.source, rows DESC")


def directions_of(results: list[IndicatorResult]) -> list[tuple[str, str, list[IndicatorResult]]]:
    """Indicators grouped by their first direction, in D1..D5 order, then any others."""
    groups: list[tuple[str, str, list[IndicatorResult]]] = []
    for code, label in list(DIRECTIONS.items()) + [("other", "other indicators")]:
        members = [r for r in results if r.direction == code]
        if members:
            groups.append((code, label, members))
    return groups
