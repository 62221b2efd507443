"""Tidy output shared by every indicator command: ``a, b, period, indicator, value, n`` (+ ``ci_low, ci_high``)."""

from __future__ import annotations

import json
import math
import sys
from typing import IO

import pandas as pd

TIDY_COLUMNS = ["a", "b", "period", "indicator", "value", "n"]
CI_COLUMNS = ["ci_low", "ci_high"]
FORMATS = ("table", "csv", "json")


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Order a result frame as tidy output; extra columns stay after the tidy ones."""
    missing = [c for c in TIDY_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"indicator output lacks tidy columns {missing}")
    cols = TIDY_COLUMNS + [c for c in CI_COLUMNS if c in frame.columns]
    rest = [c for c in frame.columns if c not in cols]
    return frame[cols + rest].reset_index(drop=True)


def _clean(value):
    if value is None:
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def emit(frame: pd.DataFrame, fmt: str = "table", out: IO[str] | None = None, floatfmt: str = "{:.4f}") -> None:
    """Write a frame as an aligned table, CSV or JSON (a list of records, missing values as null)."""
    out = out or sys.stdout
    if fmt == "csv":
        frame.to_csv(out, index=False)
    elif fmt == "json":
        json.dump(records(frame), out, indent=1, default=str)
        out.write("\n")
    elif fmt == "table":
        if frame.empty:
            out.write("(no rows)\n")
            return
        shown = frame.copy()
        for col in shown.columns:
            if pd.api.types.is_float_dtype(shown[col]):
                shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else floatfmt.format(v))
        out.write(shown.to_string(index=False, na_rep="") + "\n")
    else:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
