"""UN Comtrade: reported trade from the Comtrade API (v1 ``get`` output saved as CSV).

Format read: the API's CSV columns (``typeCode, freqCode, refYear, refMonth, reporterCode, flowCode,
partnerCode, cmdCode, classificationCode, primaryValue, qty, qtyUnitAbbr, ...``), monthly (``freqCode M``) or
annual (``A``: month 0). Reporter and partner codes are UN M49 (partner 0 = World, stored as ``WLD``).

A flow ``M`` (imports) reported by R from partner P is stored as exporter P, importer R, reporter R; a flow
``X`` (exports) as exporter R, importer P, reporter R. Re-exports and re-imports (RX, RM) and other flow
codes are not comparable with BACI and are quarantined with that reason. Values are ``primaryValue`` in US
dollars (the CIF value for imports, FOB for exports, as reported).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError
from dyad.sources._tabular import (
    first_lines,
    header_fields,
    iso3_map,
    pick_files,
    raw_text,
    read_trade_files,
    rejects,
    to_number,
)

NEEDED = {"freqCode", "refYear", "reporterCode", "flowCode", "partnerCode", "cmdCode", "primaryValue"}
# Comtrade's own numbers for areas that are not M49 countries.
COMTRADE_CODES = {0: "WLD", 490: "TWN", 251: "FRA", 842: "USA", 699: "IND", 757: "CHE", 579: "NOR", 381: "ITA"}


def _is_comtrade(path: Path) -> bool:
    lines = first_lines(path, 1)
    return bool(lines) and NEEDED <= set(header_fields(lines[0]))


def _read_file(file: Path):
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SourceError(f"{file}: cannot parse as a Comtrade CSV ({exc}).") from exc
    missing = NEEDED - set(frame.columns)
    if missing:
        raise SourceError(f"{file}: line 1 lacks the Comtrade columns {sorted(missing)}; is this the API's CSV output?")
    year = to_number(frame["refYear"])
    freq = frame["freqCode"].str.strip().str.upper()
    month = to_number(frame["refMonth"]) if "refMonth" in frame else pd.Series(np.nan, index=frame.index)
    month = month.where(freq != "A", 0)
    flow = frame["flowCode"].str.strip().str.upper()
    rep_code, par_code = to_number(frame["reporterCode"]), to_number(frame["partnerCode"])
    mapping = iso3_map([int(c) for c in pd.concat([rep_code, par_code]).dropna().unique()], "m49", COMTRADE_CODES)
    rep = rep_code.map(lambda c: mapping.get(int(c)) if pd.notna(c) else None)
    par = par_code.map(lambda c: mapping.get(int(c)) if pd.notna(c) else None)
    value = to_number(frame["primaryValue"])
    reason = pd.Series(None, index=frame.index, dtype="object")
    # Breakdowns by mode of transport, customs procedure or second partner repeat the same flow: only the
    # totals (motCode 0, customsCode C00, partner2Code 0) are stored, so nothing is counted twice.
    breakdown = pd.Series(False, index=frame.index)
    for col, total in (("motCode", "0"), ("customsCode", "C00"), ("partner2Code", "0")):
        if col in frame:
            breakdown |= ~frame[col].str.strip().isin([total, ""])
    reason[breakdown] = "a breakdown (mode of transport, customs procedure or second partner), not the total flow"
    reason[value.isna() | (value < 0)] = "primaryValue is not a non-negative number"
    reason[~flow.isin(["M", "X"])] = "flow " + flow + " is not M (imports) or X (exports); re-exports are not stored"
    reason[par.isna()] = "partnerCode " + frame["partnerCode"] + " is not a known M49 code"
    reason[rep.isna()] = "reporterCode " + frame["reporterCode"] + " is not a known M49 code"
    reason[month.isna() | ~month.between(0, 12)] = "refMonth is not a month 1-12 for monthly data"
    reason[~freq.isin(["A", "M"])] = "freqCode " + freq + " is not A or M"
    reason[year.isna() | ~year.between(1962, 2100)] = "refYear is not a year"
    key = pd.DataFrame({"y": year, "m": month, "r": rep_code, "f": flow, "p": par_code,
                        "c": frame["cmdCode"].str.strip()})
    dup = key.duplicated() & reason.isna()
    reason[dup] = "duplicate: an earlier line gives this reporter, flow, partner, product and period"
    bad = reason.notna().to_numpy()
    ok = ~bad
    imports = (flow == "M")[ok]
    qty = to_number(frame["qty"]) if "qty" in frame else pd.Series(np.nan, index=frame.index)
    unit = frame["qtyUnitAbbr"] if "qtyUnitAbbr" in frame else pd.Series("", index=frame.index)
    rows = pd.DataFrame({
        "source": "comtrade", "year": year[ok].astype(int), "month": month[ok].astype(int),
        "exporter": np.where(imports, par[ok], rep[ok]), "importer": np.where(imports, rep[ok], par[ok]),
        "product": frame.loc[ok, "cmdCode"].str.strip().str.upper(),
        "classification": frame["classificationCode"][ok] if "classificationCode" in frame else "HS",
        "reporter": rep[ok], "value_usd": value[ok],
        # Comtrade writes 0 quantity with unit code -1 when no quantity was reported.
        "quantity": qty[ok].where(unit[ok].str.strip() != ""),
        "quantity_unit": unit[ok].str.strip().replace("", None)})
    rej = rejects(file, np.flatnonzero(bad) + 2, reason[bad], raw_text(frame, bad))
    return rows, rej, FileCount(str(file), len(frame), int(ok.sum()), int(bad.sum()))


def read(path: Path, **_: object) -> ReadResult:
    return read_trade_files(pick_files(path, _is_comtrade, "UN Comtrade API CSV", (".csv",)), _read_file)


ADAPTER = SimpleAdapter(
    name="comtrade",
    description="UN Comtrade API output (CSV), monthly or annual, reported values in USD",
    tables=("trade",),
    reader=read,
    formats="CSV saved from the Comtrade API v1 (columns freqCode, refYear, reporterCode, flowCode, ...)",
)
