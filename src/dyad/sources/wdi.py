"""World Bank World Development Indicators as state-year covariates (``covariates`` with ``b = ''``).

Formats read:

* the World Bank **bulk CSV** layout (``API_<indicator>_DS2_en_csv_v2*.csv``, alone or in the zip the
  indicator page or ``api.worldbank.org/v2/en/indicator/<id>?downloadformat=csv`` serves): a UTF-8 BOM,
  ``"Data Source"`` and ``"Last Updated Date"`` preamble rows, then ``Country Name, Country Code, Indicator
  Name, Indicator Code, 1960, 1961, ...`` wide by year; ``Metadata_*.csv`` files in the zip are ignored;
* the long ``Country Name, Country Code, Year, Value`` table of GDP in current USD (datasets/gdp);
* a processed API pull with ``country, date`` and named columns (``GDP_current_USD``, ``Exports_percent_GDP``,
  ...), mapped back to WDI codes by :data:`NAMED`.

``variable`` is the WDI indicator code (``NY.GDP.MKTP.CD`` is GDP in current USD). Country codes are the
World Bank's (ISO3 for countries; aggregates such as ``WLD`` or ``EUU`` keep their World Bank code). Empty
cells are missing values and are not stored. When a folder gives the same value twice, the most recent
release wins (processed API pull, then the long table, then bulk files by their Last Updated Date).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from dyad import countries, safety
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError, empty_rejects
from dyad.sources._tabular import canonical, fetch_zip, first_lines, header_fields, rejects

NAMED = {"GDP_current_USD": "NY.GDP.MKTP.CD", "GDP_growth_annual_percent": "NY.GDP.MKTP.KD.ZG",
         "Inflation_consumer_prices_percent": "FP.CPI.TOTL.ZG", "Exports_percent_GDP": "NE.EXP.GNFS.ZS",
         "Imports_percent_GDP": "NE.IMP.GNFS.ZS", "FDI_net_inflows_USD": "BX.KLT.DINV.CD.WD",
         "Exchange_rate_LCU_per_USD": "PA.NUS.FCRF", "Population": "SP.POP.TOTL"}
WB_API = "https://api.worldbank.org/v2/en/indicator"
DEFAULT_INDICATORS = ("NY.GDP.MKTP.CD", "SP.POP.TOTL", "NE.TRD.GNFS.ZS", "MS.MIL.XPND.GD.ZS")


def _kind(path: Path) -> tuple[str, int] | None:
    lines = first_lines(path, 8)
    for i, line in enumerate(lines):
        cols = [c.strip() for c in header_fields(line)]
        if cols[:4] == ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]:
            return "bulk", i
        if cols == ["Country Name", "Country Code", "Year", "Value"]:
            return "long", i
        if cols[:2] == ["country", "date"] and any(c in NAMED for c in cols):
            return "named", i
    return None


def _vintage(path: Path) -> str:
    for line in first_lines(path, 4):
        m = re.search(r'"Last Updated Date","([\d-]+)"', line)
        if m:
            return m.group(1)
    return ""


@lru_cache(maxsize=4096)
def _code(country_code: str, name: str) -> str:
    """World Bank code -> ISO3 (countries) or the code itself (aggregates, which resolve to nothing)."""
    code = country_code.strip()
    return countries.try_resolve(code) or code if code else (countries.try_resolve(name) or "")


def _rows(frame: pd.DataFrame, a: pd.Series, year: pd.Series, variable, value: pd.Series, file: Path, offset: int):
    reason = pd.Series(None, index=frame.index, dtype="object")
    raw_value = value.astype("string").str.strip()
    num = pd.to_numeric(raw_value.replace("", None), errors="coerce")
    reason[raw_value.ne("") & num.isna()] = "value is not a number: " + raw_value.fillna("")
    reason[year.isna() | ~np.isfinite(year.astype(float)) | (year % 1 != 0)] = "year is not a year"
    reason[a.eq("")] = "no country code or known country name"
    bad = reason.notna().to_numpy()
    keep = ~bad & num.notna().to_numpy()
    rows = pd.DataFrame({"source": "wdi", "a": a[keep], "b": "", "year": year[keep].astype(int),
                         "variable": variable[keep] if isinstance(variable, pd.Series) else variable,
                         "value": num[keep]})
    rej = rejects(file, np.flatnonzero(bad) + offset, reason[bad],
                  [",".join(map(str, r)) for r in frame.loc[bad].itertuples(index=False)])
    return rows, rej, int(bad.sum())


def _bulk(file: Path, header_at: int):
    frame = pd.read_csv(file, skiprows=header_at, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = frame.loc[:, [c for c in frame.columns if not c.startswith("Unnamed")]]
    years = [c for c in frame.columns if re.fullmatch(r"\d{4}", c)]
    if not years:
        raise SourceError(f"{file}: line {header_at + 1} has no year columns; is this the World Bank CSV layout?")
    iso = {c: _code(c, n) for c, n in zip(frame["Country Code"], frame["Country Name"], strict=True)}
    long = frame.melt(id_vars=["Country Code", "Indicator Code"], value_vars=years, var_name="year")
    a = long["Country Code"].map(iso)
    rows, _, _ = _rows(long, a, pd.to_numeric(long["year"]), long["Indicator Code"].str.strip(), long["value"],
                       file, 0)
    # Quarantine by input row (a country-indicator line), not by cell.
    raw_vals = frame[years].apply(lambda s: s.str.strip())
    bad_cell = raw_vals.ne("") & raw_vals.apply(lambda s: pd.to_numeric(s.replace("", None), errors="coerce")).isna()
    bad = bad_cell.any(axis=1).to_numpy() | frame["Country Code"].str.strip().eq("").to_numpy()
    bad_codes = set(frame.loc[bad, "Country Code"])
    rows = rows[~rows["a"].isin({iso[c] for c in bad_codes})]
    rej = rejects(file, np.flatnonzero(bad) + header_at + 2,
                  ["a year cell is not a number, or the country code is empty"] * int(bad.sum()),
                  [",".join(r) for r in frame.loc[bad].itertuples(index=False)])
    return rows, rej, FileCount(str(file), len(frame), int((~bad).sum()), int(bad.sum()))


def _long(file: Path, header_at: int):
    frame = pd.read_csv(file, skiprows=header_at, dtype=str, keep_default_na=False)
    iso = {c: _code(c, n) for c, n in zip(frame["Country Code"], frame["Country Name"], strict=True)}
    a = frame["Country Code"].map(iso)
    year = pd.to_numeric(frame["Year"], errors="coerce")
    rows, rej, nbad = _rows(frame, a, year, "NY.GDP.MKTP.CD", frame["Value"], file, header_at + 2)
    return rows, rej, FileCount(str(file), len(frame), len(frame) - nbad, nbad)


def _named(file: Path, header_at: int):
    frame = pd.read_csv(file, skiprows=header_at, dtype=str, keep_default_na=False)
    names = {n: _code("", n) for n in frame["country"].unique()}
    a = frame["country"].map(names)
    year = pd.to_numeric(frame["date"], errors="coerce")
    parts, rejs, bad_any = [], [empty_rejects()], np.zeros(len(frame), dtype=bool)
    for col in [c for c in frame.columns if c in NAMED]:
        value = frame[col].replace({"nan": "", "NaN": "", "NA": ""})
        rows, rej, _ = _rows(frame, a, year, NAMED[col], value, file, header_at + 2)
        parts.append(rows)
        if len(rej):
            bad_any[rej["row"].to_numpy() - header_at - 2] = True
            rejs.append(rej)
    rej = pd.concat(rejs).drop_duplicates("row")
    rows = pd.concat(parts, ignore_index=True)
    return rows, rej, FileCount(str(file), len(frame), int((~bad_any).sum()), int(bad_any.sum()))


_READERS = {"bulk": _bulk, "long": _long, "named": _named}
_PRIORITY = {"named": 0, "long": 1, "bulk": 2}


def read(path: Path, **_: object) -> ReadResult:
    with tempfile.TemporaryDirectory(prefix="dyad-wdi-") as tmp:
        if path.is_file() and path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as zf:
                    # the archive's own members, never a local file of the same name (see dyad.safety)
                    names = [safety.extract_member(path, zf, info, Path(tmp))
                             for info in safety.zip_members(path, zf, lambda n: n.lower().endswith(".csv"))]
            except zipfile.BadZipFile as exc:
                raise SourceError(f"{path}: not a readable zip ({exc}); download it again.") from exc
            candidates = sorted(names)
        elif path.is_file():
            candidates = [path]
        else:
            candidates = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
        found = [(f, *k) for f in candidates if (k := _kind(f)) is not None]
        if not found:
            raise SourceError(f"{path}: no World Bank CSV (bulk layout with 'Country Name,Country Code,Indicator "
                              "Name,Indicator Code', long 'Country Name,Country Code,Year,Value', or a processed "
                              "'country,date,GDP_current_USD,...' pull).")
        # Newest release first, so that dropping duplicate keys keeps it.
        found.sort(key=lambda t: (_PRIORITY[t[1]], "" if t[1] != "bulk" else _invert(_vintage(t[0]))))
        parts, rejs, counts = [], [empty_rejects()], []
        for f, kind, header_at in found:
            rows, rej, count = _READERS[kind](f, header_at)
            if path.suffix.lower() == ".zip":
                count.file = str(path)
                rej["file"] = f"{path}!{f.name}"
            parts.append(rows)
            rejs.append(rej)
            counts.append(count)
    table = pd.concat(parts, ignore_index=True).drop_duplicates(["a", "b", "year", "variable"], keep="first")
    return ReadResult({"covariates": canonical("covariates", table)}, pd.concat(rejs, ignore_index=True), counts)


def _invert(date: str) -> str:
    """Sort key that puts later dates first."""
    return "".join(chr(255 - ord(c)) for c in date)


def download(start: str | None = None, end: str | None = None, cache: Path | None = None,
             indicators: tuple[str, ...] = DEFAULT_INDICATORS, base_url: str = WB_API) -> list[Path]:
    """Fetch the World Bank bulk CSV zip of each indicator (``?downloadformat=csv``; all years, all economies)."""
    from dyad import download as dl

    folder = Path(cache) if cache else dl.cache_dir("wdi")
    return [fetch_zip(f"{base_url.rstrip('/')}/{code}?downloadformat=csv", f"API_{code}.zip", folder)
            for code in indicators]


ADAPTER = SimpleAdapter(
    name="wdi",
    description="World Bank WDI (bulk CSV layout, long GDP table, processed API pull) as state-year covariates",
    tables=("covariates",),
    reader=read,
    formats="API_*_DS2_*.csv or its zip; Country Name,Country Code,Year,Value; country,date,<named columns>",
    downloader=download,
)

__all__ = ["ADAPTER", "download", "read"]
