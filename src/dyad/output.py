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
            elif shown[col].dtype == object:
                # a missing value reads as blank, never as "None" or "nan"
                shown[col] = shown[col].map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
        width = table_width(out)
        text = shown.to_string(index=False, na_rep="")
        if width is not None and _widest(text) > width:
            text = _fit(shown, width)
        out.write(text + "\n")
    else:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def table_width(out: IO[str]) -> int | None:
    """The terminal's width when writing to one (``$COLUMNS`` wins), else None: files and pipes get whole rows."""
    import os
    import shutil

    if os.environ.get("COLUMNS", "").isdigit():
        return max(int(os.environ["COLUMNS"]), 40)
    isatty = getattr(out, "isatty", None)
    if isatty is not None and isatty():
        return max(shutil.get_terminal_size((100, 24)).columns, 40)
    return None


def _widest(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def _fit(shown: pd.DataFrame, width: int) -> str:
    """The table within ``width`` characters: long text cells cut with an ellipsis (narrowest first that
    fits, down to 12 characters), then, if the columns still do not fit, printed in blocks of columns."""
    text = shown.to_string(index=False, na_rep="")
    for cap in (60, 40, 30, 20, 12):
        if _widest(text) <= width:
            return text
        cut = shown.copy()
        for col in cut.columns:
            if not pd.api.types.is_numeric_dtype(cut[col]):
                cut[col] = cut[col].map(lambda v, c=cap: v if not isinstance(v, str) or len(v) <= c
                                        else v[: c - 1] + "\u2026")
        text = cut.to_string(index=False, na_rep="")
    if _widest(text) <= width:
        return text
    return cut.to_string(index=False, na_rep="", line_width=width - 1)


def usd_scale(size: float) -> tuple[float, str]:
    """(divisor, unit) for US dollars of this size: bn, m or thousand USD, or plain USD below a thousand."""
    return next(((f, n) for f, n in ((1e9, "bn USD"), (1e6, "m USD"), (1e3, "thousand USD")) if size >= f),
                (1.0, "USD"))


def for_reading(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for the terminal: US dollar values in billions, millions or thousands (one scale for the table,
    from its largest value; unit ``bn USD`` ...) and percentages to one decimal, as text, so 45922805741.0000
    reads 45.92 bn USD. CSV and JSON keep the stored values and units."""
    if frame.empty or "unit" not in frame.columns or "value" not in frame.columns:
        return frame
    out = frame.copy()
    values = pd.to_numeric(out["value"], errors="coerce")
    text = values.map(lambda v: "" if pd.isna(v) else f"{v:.4f}").astype(object)
    usd = out["unit"].astype(str).eq("USD")
    scale, name = usd_scale(values[usd].abs().max() if usd.any() else 0.0)   # one scale: rows compare at a glance
    text[usd] = values[usd].map(lambda v: "" if pd.isna(v) else f"{v / scale:,.2f}")
    out.loc[usd, "unit"] = name
    pct = out["unit"].astype(str).isin(["percent", "%"])
    text[pct] = values[pct].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
    out["value"] = text
    for col in ("ci_low", "ci_high"):
        if col in out.columns and usd.any():
            bounds = pd.to_numeric(out[col], errors="coerce").astype(object)
            bounds[usd] = pd.to_numeric(out.loc[usd, col], errors="coerce").map(
                lambda v: "" if pd.isna(v) else f"{v / scale:,.2f}")
            out[col] = bounds
    return out

