"""Regular time series for the cycle analyses: yearly or monthly periods on an integer grid.

A :class:`PeriodSeries` holds one value per period on a complete grid (missing periods are NaN, never
zero). Periods are integer ordinals: the year itself for yearly series, ``12 * year + month - 1`` for
monthly ones, so that "k periods before" is plain subtraction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

PERIOD_TYPES = ("year", "month")
_PATTERNS = {"year": re.compile(r"^\d{4}$"), "month": re.compile(r"^\d{4}-\d{2}$")}


def ordinal(value: object, period_type: str) -> int:
    """Integer ordinal of a period label (``1999`` or ``1999-03``) or a date."""
    if isinstance(value, dt.date | pd.Timestamp):
        return value.year if period_type == "year" else value.year * 12 + value.month - 1
    text = str(value).strip()
    if period_type == "year":
        return int(text)
    year, month = text.split("-")
    if not 1 <= int(month) <= 12:
        raise ValueError(f"month {text!r} out of range")
    return int(year) * 12 + int(month) - 1


def label(ordinal_: int, period_type: str) -> str:
    """Period label of an ordinal: ``1999`` or ``1999-03``."""
    if period_type == "year":
        return str(int(ordinal_))
    return f"{int(ordinal_) // 12:04d}-{int(ordinal_) % 12 + 1:02d}"


def infer_period_type(labels: list[str], where: str = "series") -> str:
    """``year`` when every label is YYYY, ``month`` when every label is YYYY-MM; else a clear error."""
    for kind, pattern in _PATTERNS.items():
        if labels and all(pattern.match(s) for s in labels):
            return kind
    first = next((p for p in _PATTERNS.values() if labels and p.match(labels[0])), None)
    bad = 0 if first is None else next(i for i, s in enumerate(labels) if not first.match(s))
    raise ValueError(f"{where}: periods must all be years (YYYY) or all months (YYYY-MM); "
                     f"row {bad + 1} has {labels[bad] if labels else '(none)'!r}")


@dataclass(frozen=True)
class PeriodSeries:
    """Values on a complete grid of periods starting at ordinal ``start`` (NaN where missing)."""

    name: str
    period_type: str
    start: int
    values: np.ndarray = field(repr=False)

    def __post_init__(self):
        if self.period_type not in PERIOD_TYPES:
            raise ValueError(f"period type must be one of {', '.join(PERIOD_TYPES)}, not {self.period_type!r}")

    @property
    def ordinals(self) -> np.ndarray:
        return np.arange(self.start, self.start + len(self.values))

    def labels(self) -> list[str]:
        return [label(o, self.period_type) for o in self.ordinals]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"period": self.labels(), "value": self.values})

    def position(self, ordinal_: int) -> int | None:
        """Index in ``values`` of a period ordinal, or None outside the series."""
        i = int(ordinal_) - self.start
        return i if 0 <= i < len(self.values) else None


def from_frame(frame: pd.DataFrame, name: str = "series", period_type: str | None = None,
               where: str = "series") -> PeriodSeries:
    """A series from a frame with columns ``period`` and ``value`` (one row per period)."""
    missing = [c for c in ("period", "value") if c not in frame.columns]
    if missing:
        raise ValueError(f"{where}: needs columns period and value; missing {', '.join(missing)} "
                         f"(found {', '.join(map(str, frame.columns))})")
    labels = [str(p).strip() for p in frame["period"]]
    period_type = period_type or infer_period_type(labels, where)
    values = pd.to_numeric(frame["value"], errors="coerce")
    bad = values.isna() & frame["value"].notna() & (frame["value"].astype(str).str.strip() != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{where}: row {i + 1}: value {frame['value'].iloc[i]!r} is not a number")
    try:
        ords = np.array([ordinal(s, period_type) for s in labels], dtype=int)
    except ValueError as exc:
        raise ValueError(f"{where}: a period is not a {period_type} ({exc})") from exc
    dup = pd.Series(ords).duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise ValueError(f"{where}: row {i + 1}: period {labels[i]!r} appears twice; give one value per period")
    if not len(ords):
        raise ValueError(f"{where}: no rows")
    present = ~values.isna().to_numpy()
    if not present.any():
        raise ValueError(f"{where}: every value is missing")
    # the series runs from its first to its last value; missing periods inside stay missing
    ords, vals = ords[present], values.to_numpy(dtype=float)[present]
    start = int(ords.min())
    grid = np.full(int(ords.max()) - start + 1, np.nan)
    grid[ords - start] = vals
    return PeriodSeries(name, period_type, start, grid)


def read_csv(path: str | Path) -> PeriodSeries:
    """A series from a CSV file with header ``period,value`` (periods YYYY or YYYY-MM)."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=["", "NA", "NaN"])
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read as CSV ({exc}); expected a header line period,value") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    try:
        return from_frame(frame, name=path.stem, where=str(path))
    except ValueError as exc:
        # rows are reported 1-based over data rows; the file line is one more (the header)
        raise ValueError(f"{exc} (file line = row + 1)") from exc


def from_indicator(store, a: str, b: str, indicator: str, by: str = "year", min_n: int = 1,
                   **options) -> PeriodSeries:
    """A dyad's indicator series from the store through the indicator registry.

    Periods whose value rests on fewer than ``min_n`` observations (column ``n``) become missing.
    """
    from dyad import indicators

    ind = indicators.get(indicator)
    if by not in ind.frequencies:
        raise ValueError(f"indicator {indicator} has periods {', '.join(ind.frequencies)}, not {by!r}")
    from dyad import cache

    frame = cache.compute(store, ind.id, a, b, by=by, **options)
    if frame.empty:
        raise ValueError(f"indicator {indicator} has no data for {a}-{b}; ingest its source first")
    if "n" in frame.columns:
        # n = 0 means no data behind the value: missing, not a measurement; a tiny n is noise
        frame = frame.assign(value=frame["value"].where(frame["n"].fillna(0) >= max(min_n, 1)))
    return from_frame(frame[["period", "value"]], name=f"{indicator} {a}-{b}", period_type=by,
                      where=f"indicator {indicator}")
