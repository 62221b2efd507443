"""Dyad-year and state-year covariates from the peacesciencer R package's tables (``.rda``, or CSV exports).

Tables are recognised by their columns, not their names:

* dyad-year tables ``ccode1, ccode2, year, <numeric columns>`` (ATOP and COW alliances, COW IGO joint
  memberships ``dyadigos``, minimum distance ...): one covariate per numeric column. Tables that list each
  pair once (ccode1 < ccode2 throughout: IGOs, distance) are non-directed and are stored in both orders;
* state-year tables ``ccode`` (or ``gwcode``) ``, year, <numeric columns>`` (``archigossums``, democracy
  scores, NMC capabilities, ...): ``b = ''``;
* dispute dyad-years (``dispnum, ccode1, ccode2, year, <x>midonset, hostlev, fatality``; COW MID and GML MID):
  aggregated per directed dyad-year to ``<x>mid_disputes`` (ongoing disputes), ``<x>mid_onsets``,
  ``<x>mid_hostlev_max`` (highest hostility level, 1-5) and ``<x>mid_fatality_max`` (highest fatality level,
  0-6; the -9 "unknown" code is missing);
* rivalry spells (``ccode1, ccode2, styear, endyear`` or ``start, end``): ``<table>`` = 1 in every year of a spell, both orders;
* Archigos leader spells (``obsid, gwcode, leader, startdate, enddate, exit``): state-year
  ``archigos_entries`` (leaders taking office) and ``archigos_irregular_exits``.

Country codes are COW codes (Archigos uses Gleditsch-Ward numbers, equal for the states here) mapped to ISO3
(365 Russia/USSR -> RUS, 710 China -> CHN). Codes of states without an ISO3 successor are quarantined.
Values are as published, except the ``-9`` missing-value code of the COW capability (NMC) variables, which is
dropped (missing, not a value). ``-9`` is kept elsewhere: it is a real Polity2 score.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from dyad import countries
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError, empty_rejects
from dyad.sources._tabular import canonical, data_files, read_r, rejects

SOURCE = "peacesciencer"
# Columns whose codebook uses -9 for "missing" (COW National Material Capabilities v6).
MINUS_NINE_MISSING = {"milex", "milper", "irst", "pec", "tpop", "upop"}
SKIP_COLUMNS = {"ccode1", "ccode2", "ccode", "gwcode", "year", "dispnum", "stmon", "obsid", "leadid"}


def _tables(path: Path) -> list[tuple[Path, str, pd.DataFrame]]:
    out = []
    for f in data_files(path):
        if f.suffix.lower() in (".rda", ".rdata"):
            out += [(f, name, frame) for name, frame in read_r(f).items()]
        else:
            try:
                frame = pd.read_csv(f, na_values=["NA", ""])
            except (pd.errors.ParserError, UnicodeDecodeError) as exc:
                raise SourceError(f"{f}: cannot parse as CSV ({exc}).") from exc
            out.append((f, re.sub(r"_CHN_RUS$", "", f.stem), frame))
    return out


def _kind(frame: pd.DataFrame) -> str | None:
    cols = set(frame.columns)
    if {"obsid", "gwcode", "startdate", "enddate"} <= cols:
        return "leaders"
    if {"dispnum", "ccode1", "ccode2", "year", "hostlev"} <= cols:
        return "disputes"
    if {"ccode1", "ccode2"} <= cols and ({"styear", "endyear"} <= cols or {"start", "end"} <= cols):
        return "spells"
    if {"ccode1", "ccode2", "year"} <= cols:
        return "dyad"
    if ({"ccode", "year"} <= cols or {"gwcode", "year"} <= cols) and len(_values(frame)):
        return "state"
    return None


def _values(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in SKIP_COLUMNS and pd.api.types.is_numeric_dtype(frame[c])]


def _iso(codes: pd.Series) -> pd.Series:
    cow = countries.code_map("cow")
    num = pd.to_numeric(codes, errors="coerce")
    return num.map(lambda c: cow.get(int(c)) if pd.notna(c) else None)


def _code_reason(frame: pd.DataFrame, cols: list[str], isos: list[pd.Series]) -> pd.Series:
    reason = pd.Series(None, index=frame.index, dtype="object")
    for col, iso in zip(cols, isos, strict=True):
        reason[iso.isna()] = col + " " + frame[col].astype(str) + " is not a COW state with an ISO3 code"
    return reason


def _long(a: pd.Series, b, year: pd.Series, frame: pd.DataFrame, columns: list[str], rename=None) -> pd.DataFrame:
    parts = []
    for col in columns:
        v = pd.to_numeric(frame[col], errors="coerce")
        if col in MINUS_NINE_MISSING:
            v = v.where(v != -9)
        keep = v.notna()
        parts.append(pd.DataFrame({"source": SOURCE, "a": a[keep], "b": b[keep] if isinstance(b, pd.Series) else b,
                                   "year": year[keep].astype(int), "variable": (rename or {}).get(col, col),
                                   "value": v[keep].astype(float)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _dyad(frame: pd.DataFrame, name: str):
    a, b = _iso(frame["ccode1"]), _iso(frame["ccode2"])
    reason = _code_reason(frame, ["ccode1", "ccode2"], [a, b])
    year = pd.to_numeric(frame["year"], errors="coerce")
    reason[year.isna()] = "year is missing"
    ok = reason.isna()
    f = frame[ok]
    rows = _long(a[ok], b[ok], year[ok], f, _values(frame))
    undirected = bool((pd.to_numeric(frame["ccode1"]) < pd.to_numeric(frame["ccode2"])).all())
    if undirected:   # listed once per pair: store the mirror order too, so either order finds it
        rows = pd.concat([rows, rows.rename(columns={"a": "b", "b": "a"})], ignore_index=True)
    return rows, reason


def _state(frame: pd.DataFrame, name: str):
    col = "ccode" if "ccode" in frame else "gwcode"
    a = _iso(frame[col])
    reason = _code_reason(frame, [col], [a])
    year = pd.to_numeric(frame["year"], errors="coerce")
    reason[year.isna()] = "year is missing"
    ok = reason.isna()
    prefix = "archigos_" if name.startswith("archigos") else ""
    cols = _values(frame)
    rows = _long(a[ok], "", year[ok], frame[ok], cols, {c: prefix + c for c in cols})
    return rows, reason


def _disputes(frame: pd.DataFrame, name: str):
    a, b = _iso(frame["ccode1"]), _iso(frame["ccode2"])
    reason = _code_reason(frame, ["ccode1", "ccode2"], [a, b])
    ok = reason.isna()
    onset = next((c for c in frame.columns if c.endswith("midonset")), None)
    prefix = onset[: -len("onset")] if onset else "mid"
    f = frame[ok].assign(a=a[ok], b=b[ok])
    f["hostlev"] = f["hostlev"].where(f["hostlev"] > 0)
    # fatality levels 0 (none) ... 6 (over 999); -9 = unknown, missing
    f["fatality"] = f["fatality"].where(f["fatality"] >= 0) if "fatality" in f else np.nan
    agg = f.groupby(["a", "b", "year"]).agg(disputes=("dispnum", "nunique"),
                                           onsets=(onset, "sum") if onset else ("dispnum", "size"),
                                           hostlev_max=("hostlev", "max"),
                                           fatality_max=("fatality", "max")).reset_index()
    names = ("disputes", "onsets", "hostlev_max", "fatality_max")
    rows = _long(agg["a"], agg["b"], agg["year"], agg, list(names), {k: f"{prefix}_{k}" for k in names})
    return rows, reason


def _spells(frame: pd.DataFrame, name: str):
    a, b = _iso(frame["ccode1"]), _iso(frame["ccode2"])
    reason = _code_reason(frame, ["ccode1", "ccode2"], [a, b])
    s_col, e_col = ("styear", "endyear") if "styear" in frame else ("start", "end")
    start, end = pd.to_numeric(frame[s_col], errors="coerce"), pd.to_numeric(frame[e_col], errors="coerce")
    reason[start.isna()] = f"{s_col} is missing"
    ok = reason.isna()
    years = [np.arange(int(s), int(e if pd.notna(e) else s) + 1) for s, e in zip(start[ok], end[ok], strict=True)]
    long = pd.DataFrame({"a": a[ok].to_numpy(), "b": b[ok].to_numpy(), "year": years}).explode("year")
    long = long.drop_duplicates()
    rows = pd.DataFrame({"source": SOURCE, "a": long["a"], "b": long["b"], "year": long["year"].astype(int),
                         "variable": re.sub(r"ies$", "y", name), "value": 1.0})
    return pd.concat([rows, rows.rename(columns={"a": "b", "b": "a"})], ignore_index=True), reason


def _leaders(frame: pd.DataFrame, name: str):
    a = _iso(frame["gwcode"])
    reason = _code_reason(frame, ["gwcode"], [a])
    start = pd.to_datetime(frame["startdate"], errors="coerce")
    end = pd.to_datetime(frame["enddate"], errors="coerce")
    reason[start.isna()] = "startdate is not a date"
    ok = reason.isna()
    entries = pd.DataFrame({"a": a[ok], "year": start[ok].dt.year}).value_counts().rename("value").reset_index()
    exits = frame[ok].assign(a=a[ok], year=end[ok].dt.year)
    exits = exits[exits["exit"].astype(str).str.strip().eq("Irregular")]
    irregular = exits[["a", "year"]].value_counts().rename("value").reset_index()
    rows = pd.concat([entries.assign(variable="archigos_entries"),
                      irregular.assign(variable="archigos_irregular_exits")], ignore_index=True)
    rows = rows.assign(source=SOURCE, b="").dropna(subset=["year"])
    rows["year"] = rows["year"].astype(int)
    rows["value"] = rows["value"].astype(float)
    return rows, reason


_HANDLERS = {"dyad": _dyad, "state": _state, "disputes": _disputes, "spells": _spells, "leaders": _leaders}


def read(path: Path, **_: object) -> ReadResult:
    parts, rejs, counts, notes = [], [empty_rejects()], [], []
    for file, name, frame in _tables(path):
        kind = _kind(frame)
        if kind is None:
            if path.is_file():
                raise SourceError(f"{file}: table {name} has columns {list(frame.columns)[:8]}..., none of the "
                                  "peacesciencer layouts (ccode1/ccode2/year, ccode/year, dispute or leader tables).")
            notes.append(f"{file.name}: table {name} skipped (no dyad-year or state-year layout)")
            continue
        frame = frame.reset_index(drop=True)
        rows, reason = _HANDLERS[kind](frame, name)
        bad = reason.notna().to_numpy()
        parts.append(rows)
        rejs.append(rejects(file, np.flatnonzero(bad) + 1, reason[bad],
                            [",".join(map(str, r)) for r in frame.loc[bad].itertuples(index=False)]))
        counts.append(FileCount(str(file), len(frame), int((~bad).sum()), int(bad.sum())))
    if not counts:
        raise SourceError(f"{path}: no peacesciencer table found.")
    table = pd.concat(parts, ignore_index=True).drop_duplicates(["a", "b", "year", "variable"], keep="first")
    return ReadResult({"covariates": canonical("covariates", table)}, pd.concat(rejs, ignore_index=True), counts,
                      notes)


ADAPTER = SimpleAdapter(
    name="peacesciencer",
    description="peacesciencer tables (alliances, IGOs, MIDs, rivalries, Archigos, state-years) as covariates",
    tables=("covariates",),
    reader=read,
    formats=".rda from the peacesciencer package, or CSV exports with the same columns",
)
