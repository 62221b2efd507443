"""OEC-style HS4 tables: one row per HS4 product and year, with a value column naming the direction.

Format read: CSV with ``HS4 ID``, ``Year`` and a value column ``Exports from <Country> to <Country> (USD)``
(as exported from oec.world's bilateral product view), optionally ``Section ID``, ``Section``, ``HS4``,
``PCI``. The direction comes from the value column's name. ``HS4 ID`` is either the heading itself (``101``
is ``0101``, the leading zero lost) or OEC's section-prefixed id (``10101`` = section 1, heading 0101).

Tables whose value columns do not name both countries (for example ``Russia's Exports`` / ``China's
Exports`` without a partner) cannot be placed in a dyad; given alone they are an error, in a folder skipped
with a note.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from dyad import countries
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError
from dyad.sources._tabular import (
    first_lines,
    header_fields,
    raw_text,
    read_trade_files,
    rejects,
    to_number,
)

VALUE_COLUMN = re.compile(r"^(?:Exports|Imports) from (?P<a>.+?) to (?P<b>.+?) \((?P<unit>USD|US\$)\)$", re.I)


def _value_column(columns: list[str]) -> str | None:
    return next((c for c in columns if VALUE_COLUMN.match(c.strip())), None)


def _is_hs4(columns: list[str]) -> bool:
    return "HS4 ID" in columns and "Year" in columns


def _files(path: Path) -> tuple[list[Path], list[str]]:
    if path.is_file():
        cols = header_fields(first_lines(path, 1)[0]) if first_lines(path, 1) else []
        if not _is_hs4(cols) or _value_column(cols) is None:
            raise SourceError(f"{path}: line 1 has columns {cols}; an OEC HS4 table needs 'HS4 ID', 'Year' and a "
                              "value column named 'Exports from <country> to <country> (USD)' so the direction "
                              "is known. Rename the value column if you know the direction.")
        return [path], []
    files, notes = [], []
    for p in sorted(path.glob("*.csv")):
        lines = first_lines(p, 1)
        cols = header_fields(lines[0]) if lines else []
        if _is_hs4(cols):
            if _value_column(cols) is None:
                notes.append(f"{p.name}: skipped, its value columns do not name exporter and importer")
            else:
                files.append(p)
    if not files:
        raise SourceError(f"{path}: no OEC HS4 table with a column 'Exports from X to Y (USD)' in this folder.")
    return files, notes


def _heading(raw: pd.Series, section: pd.Series | None) -> tuple[pd.Series, pd.Series]:
    num = to_number(raw)
    whole = num.notna() & (num % 1 == 0) & (num >= 100)
    head = (num % 10000).where(whole)
    reason = pd.Series(None, index=raw.index, dtype="object")
    reason[~whole] = "HS4 ID is not a heading number: " + raw.astype(str)
    if section is not None:
        sec = to_number(section)
        prefixed = whole & (num >= 10000)
        clash = prefixed & sec.notna() & ((num // 10000) != sec)
        reason[clash] = "HS4 ID section prefix disagrees with Section ID"
    return head.map(lambda h: f"{int(h):04d}" if pd.notna(h) else None), reason


def _read_file(file: Path):
    frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    col = _value_column(list(frame.columns))
    m = VALUE_COLUMN.match(col.strip()) if col else None
    if col is None or m is None:
        raise SourceError(f"{file}: no 'Exports from <country> to <country> (USD)' column.")
    exporter, importer = countries.resolve(m["a"]), countries.resolve(m["b"])
    if col.lower().startswith("imports"):
        exporter, importer = importer, exporter
    product, reason = _heading(frame["HS4 ID"], frame["Section ID"] if "Section ID" in frame else None)
    year = to_number(frame["Year"])
    value = to_number(frame[col])
    reason[value.isna() | (value < 0)] = f"{col} is not a non-negative number"
    reason[year.isna() | ~year.between(1962, 2100)] = "Year is not a year"
    dup = pd.DataFrame({"y": year, "p": product}).duplicated() & reason.isna()
    reason[dup] = "duplicate: an earlier line gives this heading and year"
    bad = reason.notna().to_numpy()
    ok = ~bad
    rows = pd.DataFrame({"source": "oec", "year": year[ok].astype(int), "month": 0, "exporter": exporter,
                         "importer": importer, "product": product[ok], "classification": "HS4",
                         "reporter": "oec", "value_usd": value[ok]})
    rej = rejects(file, np.flatnonzero(bad) + 2, reason[bad], raw_text(frame, bad))
    return rows, rej, FileCount(str(file), len(frame), int(ok.sum()), int(bad.sum()))


def read(path: Path, **_: object) -> ReadResult:
    files, notes = _files(path)
    return read_trade_files(files, _read_file, notes)


ADAPTER = SimpleAdapter(
    name="oec",
    description="OEC-style HS4 bilateral export tables (USD), direction from the value column's name",
    tables=("trade",),
    reader=read,
    formats="CSV with HS4 ID, Year and 'Exports from X to Y (USD)'",
)
