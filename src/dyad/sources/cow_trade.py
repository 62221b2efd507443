"""Correlates of War trade v4 (Barbieri and Keshk): dyadic and national totals, current **million** USD.

Formats read (``.rda`` from the peacesciencer package, or CSV exports with the same columns):

* non-directed dyad-years ``ccode1, ccode2, year, flow1, flow2`` (``cow_trade_ndy``): ``flow1`` is the
  imports of ccode1 from ccode2, ``flow2`` the imports of ccode2 from ccode1;
* state-years ``ccode, year, imports, exports`` (``cow_trade_sy``): stored as flows to and from ``WLD``.

Values are stored in US dollars (times 1,000,000). Missing flows (NA, or -9 in the original release) are not
stored: a row with no flow at all is quarantined. Product is ``TOTAL``, reporter ``cow``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dyad import countries
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError, empty_rejects
from dyad.sources._tabular import canonical, data_files, raw_text, read_r, rejects

DYADIC = {"ccode1", "ccode2", "year", "flow1", "flow2"}
STATE = {"ccode", "year", "imports", "exports"}
MILLION = 1_000_000.0
_NO_ISO = " is not a COW state with an ISO3 code in reference/cow_states.csv (e.g. Austria-Hungary 300)"


def _frames(path: Path) -> list[tuple[Path, pd.DataFrame]]:
    out = []
    for f in data_files(path):
        if f.suffix.lower() in (".rda", ".rdata"):
            frames = list(read_r(f).values())
        else:
            frames = [pd.read_csv(f, keep_default_na=True, na_values=["NA", ""])]
        for frame in frames:
            cols = set(frame.columns)
            if DYADIC <= cols or STATE <= cols:
                out.append((f, frame))
            elif path.is_file():
                raise SourceError(f"{f}: columns {sorted(cols)} are neither COW dyadic trade "
                                  f"({', '.join(sorted(DYADIC))}) nor national trade ({', '.join(sorted(STATE))}).")
    if not out:
        raise SourceError(f"{path}: no Correlates of War trade table (cow_trade_ndy / cow_trade_sy) found.")
    return out


def _flows(values: pd.Series) -> pd.Series:
    v = pd.to_numeric(values, errors="coerce")
    return v.where(v >= 0)          # -9 and other negative codes mean missing


def _dyadic(frame: pd.DataFrame, file: Path):
    cow = countries.code_map("cow")
    c1 = pd.to_numeric(frame["ccode1"], errors="coerce").map(lambda c: cow.get(int(c)) if pd.notna(c) else None)
    c2 = pd.to_numeric(frame["ccode2"], errors="coerce").map(lambda c: cow.get(int(c)) if pd.notna(c) else None)
    year = pd.to_numeric(frame["year"], errors="coerce")
    f1, f2 = _flows(frame["flow1"]), _flows(frame["flow2"])
    reason = pd.Series(None, index=frame.index, dtype="object")
    reason[f1.isna() & f2.isna()] = "no flow value: both flows missing (NA or -9)"
    reason[c2.isna()] = "ccode2 " + frame["ccode2"].astype(str) + _NO_ISO
    reason[c1.isna()] = "ccode1 " + frame["ccode1"].astype(str) + _NO_ISO
    reason[year.isna() | ~year.between(1800, 2100)] = "year is not a year"
    bad = reason.notna().to_numpy()
    ok = ~bad
    base = {"source": "cow-trade", "month": 0, "product": "TOTAL", "classification": "TOTAL", "reporter": "cow"}
    # flow1: ccode1 imports from ccode2, i.e. ccode2 exports to ccode1.
    one = pd.DataFrame({**base, "year": year[ok], "exporter": c2[ok], "importer": c1[ok], "value_usd": f1[ok] * MILLION})
    two = pd.DataFrame({**base, "year": year[ok], "exporter": c1[ok], "importer": c2[ok], "value_usd": f2[ok] * MILLION})
    rows = pd.concat([one, two], ignore_index=True).dropna(subset=["value_usd"])
    return rows, reason


def _state(frame: pd.DataFrame, file: Path):
    cow = countries.code_map("cow")
    code = pd.to_numeric(frame["ccode"], errors="coerce").map(lambda c: cow.get(int(c)) if pd.notna(c) else None)
    year = pd.to_numeric(frame["year"], errors="coerce")
    imp, exp = _flows(frame["imports"]), _flows(frame["exports"])
    reason = pd.Series(None, index=frame.index, dtype="object")
    reason[imp.isna() & exp.isna()] = "no flow value: imports and exports both missing (NA or -9)"
    reason[code.isna()] = "ccode " + frame["ccode"].astype(str) + _NO_ISO
    reason[year.isna() | ~year.between(1800, 2100)] = "year is not a year"
    bad = reason.notna().to_numpy()
    ok = ~bad
    base = {"source": "cow-trade", "month": 0, "product": "TOTAL", "classification": "TOTAL", "reporter": "cow"}
    out = pd.DataFrame({**base, "year": year[ok], "exporter": code[ok], "importer": "WLD", "value_usd": exp[ok] * MILLION})
    inn = pd.DataFrame({**base, "year": year[ok], "exporter": "WLD", "importer": code[ok], "value_usd": imp[ok] * MILLION})
    return pd.concat([out, inn], ignore_index=True).dropna(subset=["value_usd"]), reason


def read(path: Path, **_: object) -> ReadResult:
    parts, bads, counts = [], [empty_rejects()], []
    for file, frame in _frames(path):
        frame = frame.reset_index(drop=True)
        kind = "dyadic" if DYADIC <= set(frame.columns) else "state"
        rows, reason = (_dyadic if kind == "dyadic" else _state)(frame, file)
        bad = reason.notna().to_numpy()
        rows["year"] = rows["year"].astype(int)
        parts.append(rows)
        # Line numbers: data rows from 1 for .rda tables, from 2 (after the header) for CSV.
        first = 2 if file.suffix.lower() == ".csv" else 1
        bads.append(rejects(file, np.flatnonzero(bad) + first, reason[bad], raw_text(frame, bad)))
        counts.append(FileCount(str(file), len(frame), int((~bad).sum()), int(bad.sum())))
    trade = canonical("trade", pd.concat(parts, ignore_index=True))
    read_rows = sum(c.rows_read for c in counts)
    notes = [f"COW dyadic rows hold both directions: {read_rows:,} rows read give up to {len(trade):,} "
             "directed flows (rows_new counts flows)"] if len(trade) > read_rows else []
    return ReadResult({"trade": trade}, pd.concat(bads, ignore_index=True), counts, notes)


ADAPTER = SimpleAdapter(
    name="cow-trade",
    description="Correlates of War trade v4: dyadic and national totals, million USD (stored as USD)",
    tables=("trade",),
    reader=read,
    formats="cow_trade_ndy / cow_trade_sy as .rda or CSV",
)
