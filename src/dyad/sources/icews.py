"""ICEWS events: the Harvard Dataverse ``.tab`` files, the ICEWS R package sample, and dyad-year aggregates.

* Raw events (``events.YYYY.*.tab``, tab-separated with the Dataverse header ``Event ID``, ``Event Date``,
  ``Source Name``, ``Source Sectors``, ``Source Country``, ``CAMEO Code``, ``Intensity``, ``Target ...``)
  and the same columns in snake_case (the ``icews`` R package's ``icews_sample.rda`` or a CSV export of it)
  go to ``events`` under ``dataset = 'icews'``. Countries are names ("Russian Federation") and become ISO3;
  sectors become CAMEO actor type codes through ``reference/actor_types.csv``; ``Intensity`` is the Goldstein
  value; the quad class and root come from the CAMEO code.
* Directed dyad-year quad-class counts in the netify layout (``i, j, year, verbCoop, matlCoop, verbConf,
  matlConf``; ``.rda`` or ``.csv``) go to ``covariates`` under ``source = 'netify_icews'`` with variables
  ``icews_verbal_coop``, ``icews_material_coop``, ``icews_verbal_conflict``, ``icews_material_conflict``.

Each row is validated (field count, id, date, CAMEO code, intensity, country names); rejects are
quarantined with the reason. Repeated event ids (ICEWS re-issues events across its yearly files) and fully
duplicated rows collapse on the key ``(dataset, event_id)``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from dyad import countries, safety
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError, empty_rejects
from dyad.sources import _eventref as ref

DATASET = "icews"
SUFFIXES = (".tab", ".tsv", ".csv", ".txt", ".rda", ".rdata")
EVENT_FIELDS = {"event_id", "event_date", "source_name", "source_sectors", "source_country", "cameo_code",
                "intensity", "target_name", "target_sectors", "target_country"}
NETIFY_FIELDS = {"i": "i", "j": "j", "year": "year", "verbcoop": "icews_verbal_coop",
                 "matlcoop": "icews_material_coop", "verbconf": "icews_verbal_conflict",
                 "matlconf": "icews_material_conflict"}
MISSING = {"", "NA", "NaN", "nan", "None", "<NA>"}
EVENT_COLUMNS = ["dataset", "event_id", "date", "source_country", "target_country", "source_actor",
                 "target_actor", "source_type", "target_type", "cameo", "root", "quad", "goldstein",
                 "mentions", "tone", "url"]


def _snake(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


# --------------------------------------------------------------------------------------- reading


ODD_BYTES = "line has bytes that are not UTF-8 (shown as U+FFFD in raw): odd bytes, or a file in another encoding"


def _read_text(path: Path) -> tuple[list[str], list[list[str]], list[str], list[int]]:
    """Header, rows (fields), raw text and line numbers of a delimited file (tab if the header has a tab)."""
    data = path.read_bytes()
    # Bytes that are not UTF-8 become U+FFFD; such lines are quarantined (see ODD_BYTES), never loaded.
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    if not lines:
        return [], [], [], []
    delim = "\t" if "\t" in lines[0] else ","
    if delim == "\t":   # the Dataverse files are not quoted: split on tabs exactly
        header = lines[0].split("\t")
        rows = [ln.split("\t") for ln in lines[1:]]
        raws = lines[1:]
        numbers = list(range(2, len(lines) + 1))
    else:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader)
        rows, raws, numbers = [], [], []
        for row in reader:
            numbers.append(reader.line_num)
            rows.append(row)
            raws.append(",".join(row))
    return [_snake(h) for h in header], rows, raws, numbers


def _frame(header: list[str], rows: list[list[str]]) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows as a string frame with the header's columns; also the field count of each row."""
    width = len(header)
    nf = np.array([len(r) for r in rows], dtype=int)
    padded = [r[:width] + [""] * (width - len(r)) if len(r) != width else r for r in rows]
    return pd.DataFrame(padded, columns=header, dtype="object"), nf


def _from_rda(path: Path) -> list[tuple[str, pd.DataFrame]]:
    import pyreadr

    try:
        objects = pyreadr.read_r(str(path))
    except Exception as exc:  # pyreadr raises its own error types
        raise SourceError(f"{path}: cannot be read as an R data file ({exc}). Save it again with save() "
                          "or export it to CSV.") from exc
    out = []
    for name, frame in objects.items():
        frame = frame.copy()
        frame.columns = [_snake(c) for c in frame.columns]
        wanted = [c for c in frame.columns if c in EVENT_FIELDS or c in NETIFY_FIELDS]   # the rest is not stored
        text = pd.DataFrame({c: _as_text(frame[c]) for c in wanted or frame.columns})
        out.append((f"{path}!{name}", text))
    return out


def _as_text(col: pd.Series) -> pd.Series:
    """A column as text the way it would appear in a CSV (whole floats without '.0', missing as '')."""
    if pd.api.types.is_float_dtype(col):
        whole = col.dropna()
        if len(whole) and (whole == whole.round()).all() and whole.abs().max() < 1e15:
            return col.astype("Int64").astype("string").fillna("").astype(object)
    return col.astype("string").fillna("").astype(object)


# ------------------------------------------------------------------------------------ validation


# ICEWS spells some countries in ISO's inverted style, which the general resolver does not know.
ICEWS_NAMES = {
    "occupied palestinian territory": "PSE", "congo, the democratic republic of": "COD",
    "congo, republic of": "COG", "macedonia, the former yugoslav republic of": "MKD",
    "korea, democratic people's republic of": "PRK", "iran, islamic republic of": "IRN",
    "tanzania, united republic of": "TZA", "micronesia, federated states of": "FSM",
    "libyan arab jamahiriya": "LBY", "serbia and montenegro": "SCG", "kosovo": "XKX",
    "bolivia, plurinational state of": "BOL", "venezuela, bolivarian republic of": "VEN",
    "taiwan, province of china": "TWN", "holy see (vatican city state)": "VAT",
    "virgin islands, british": "VGB", "virgin islands, u.s.": "VIR",
}


def _one_country(name: str) -> str | None:
    return ICEWS_NAMES.get(name.lower()) or countries.try_resolve(name)


def _country_codes(names: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ISO3 for each country name (None when missing) and a mask of names that did not resolve."""
    clean = names.fillna("").astype(str).str.strip()
    missing = clean.isin(MISSING)
    lookup = {n: _one_country(n) for n in clean[~missing].unique()}
    iso = clean.map(lambda n: None if n in MISSING else lookup.get(n))
    return iso, (~missing) & iso.isna()


def _sector_codes(sectors: pd.Series) -> pd.Series:
    table = ref.sector_map()
    mapping: dict[str, list[str]] = {}
    for sector, code in zip(table["sector"], table["code"], strict=True):
        mapping.setdefault(sector.lower(), []).append(code)

    def convert(text: str) -> str | None:
        codes: list[str] = []
        for part in str(text).split(","):
            for code in mapping.get(part.strip().lower(), []):
                if code not in codes:
                    codes.append(code)
        return ";".join(codes) or None

    return sectors.fillna("").map(convert)


def _row_checks(frame: pd.DataFrame, nf: np.ndarray | None, width: int):
    """Per-row reasons (first failed check wins) and the ``fail(mask, text)`` that records one; the checks
    every layout shares (field count, bytes that are not UTF-8) are already applied."""
    reason = pd.Series([None] * len(frame), index=frame.index, dtype="object")

    def fail(mask, text) -> None:
        mask = pd.Series(mask, index=frame.index).fillna(True).astype(bool) & reason.isna()
        reason[mask] = text if isinstance(text, str) else text[mask]

    if nf is not None:
        fail(nf != width, pd.Series([f"row has {n} fields but the header names {width}: short or shifted row"
                                     for n in nf], index=frame.index))
    if "odd" in frame.attrs:
        fail(frame.attrs["odd"], ODD_BYTES)
    return reason, fail


def validate_events(frame: pd.DataFrame, nf: np.ndarray | None, width: int) -> tuple[pd.DataFrame, pd.Series]:
    """Canonical event rows and, per input row, the first failed check (None when the row is good)."""
    def col(name: str) -> pd.Series:
        return frame[name].fillna("").astype(str).str.strip()

    reason, fail = _row_checks(frame, nf, width)
    eid, date, code, inten = col("event_id"), col("event_date"), col("cameo_code"), col("intensity")
    fail(~eid.str.fullmatch(r"[0-9]{1,19}"), "Event ID '" + eid.str.slice(0, 40) + "' is not a whole number")
    parsed = pd.to_datetime(date.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    fail(~date.str.fullmatch(r"[12][0-9]{3}-[0-9]{2}-[0-9]{2}") | parsed.isna(),
         "Event Date '" + date.str.slice(0, 40) + "' is not a YYYY-MM-DD date")
    cameo = ref.cameo_events().set_index("code")
    code = code.where(~code.str.fullmatch(r"[1-9][0-9]?") | code.isin(cameo.index), "0" + code)
    fail(~code.isin(cameo.index), "CAMEO Code '" + code.str.slice(0, 40) + "' is not a CAMEO event code")
    value = pd.to_numeric(inten, errors="coerce")
    fail(value.isna() | (value.abs() > 10), "Intensity '" + inten.str.slice(0, 40) + "' is not a number in [-10, 10]")
    src, src_bad = _country_codes(frame["source_country"])
    tgt, tgt_bad = _country_codes(frame["target_country"])
    fail(src_bad, "Source Country '" + col("source_country").str.slice(0, 60) + "' is not a known country name")
    fail(tgt_bad, "Target Country '" + col("target_country").str.slice(0, 60) + "' is not a known country name")
    good = reason.isna()
    known = code.where(code.isin(cameo.index), None)
    out = pd.DataFrame({
        "dataset": DATASET, "event_id": eid, "date": parsed.dt.date,
        "source_country": src, "target_country": tgt,
        "source_actor": col("source_name").replace("", None), "target_actor": col("target_name").replace("", None),
        "source_type": _sector_codes(frame["source_sectors"]), "target_type": _sector_codes(frame["target_sectors"]),
        "cameo": known, "root": known.map(cameo["root"]).astype("Int64"),
        "quad": known.map(cameo["quad"]).astype("Int64"), "goldstein": value,
        "mentions": pd.array([pd.NA] * len(frame), dtype="Int64"), "tone": np.nan, "url": None,
    })
    return out[good.to_numpy()].reset_index(drop=True), reason


def validate_netify(frame: pd.DataFrame, nf: np.ndarray | None, width: int) -> tuple[pd.DataFrame, pd.Series]:
    """Long covariate rows (one per dyad-year and count) and the per-row reasons."""
    reason, fail = _row_checks(frame, nf, width)
    year_text = frame["year"].fillna("").astype(str).str.strip()
    year = pd.to_numeric(year_text, errors="coerce")
    fail(year.isna() | (year != year.round()) | (year < 1900) | (year > 2100),
         "year '" + year_text.str.slice(0, 20) + "' is not a year")
    a, a_bad = _country_codes(frame["i"])
    b, b_bad = _country_codes(frame["j"])
    fail(a_bad | a.isna(), "i '" + frame["i"].astype(str).str.slice(0, 60) + "' is not a known country name")
    fail(b_bad | b.isna(), "j '" + frame["j"].astype(str).str.slice(0, 60) + "' is not a known country name")
    values = {}
    for src, var in NETIFY_FIELDS.items():
        if var.startswith("icews_"):
            v = pd.to_numeric(frame[src].astype(str).str.strip(), errors="coerce")
            fail(v.isna() | (v < 0), f"{src} '" + frame[src].astype(str).str.slice(0, 20) + "' is not a count")
            values[var] = v
    good = reason.isna().to_numpy()
    wide = pd.DataFrame({"a": a, "b": b, "year": year, **values})[good]
    long = wide.melt(id_vars=["a", "b", "year"], var_name="variable", value_name="value")
    long.insert(0, "source", "netify_icews")
    long["year"] = long["year"].astype(int)
    return long[["source", "a", "b", "year", "variable", "value"]], reason


# ------------------------------------------------------------------------------------------ glue


def _units(path: Path):
    """Yield (label, header, frame of text, field counts or None, raws, line numbers) per table in a file."""
    if path.suffix.lower() in (".rda", ".rdata"):
        for label, frame in _from_rda(path):
            lines = list(range(1, len(frame) + 1))
            yield label, list(frame.columns), frame, None, None, lines
        return
    header, rows, raws, numbers = _read_text(path)
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise SourceError(f"{path}: line 1: the header names column(s) {', '.join(repeated)} more than once; "
                          "fix the header so each column appears once")
    frame, nf = _frame(header, rows)
    frame.attrs["odd"] = np.array(["\ufffd" in r for r in raws], dtype=bool)
    yield str(path), header, frame, nf, raws, numbers


def _kind(label: str, header: list[str]) -> str:
    cols = set(header)
    if EVENT_FIELDS <= cols:
        return "events"
    if set(NETIFY_FIELDS) <= cols:
        return "netify"
    raise SourceError(f"{label}, line 1: neither ICEWS events (needs {', '.join(sorted(EVENT_FIELDS))}) nor a "
                      f"netify dyad-year table (needs {', '.join(NETIFY_FIELDS)}); found {', '.join(header[:12])}.")


def read(path: Path, **options) -> ReadResult:
    """Read ICEWS event files and dyad-year aggregates (a file or a folder of them)."""
    files = ([p for p in safety.walk_files(path) if p.suffix.lower() in SUFFIXES]
             if path.is_dir() else [path])
    if not files:
        raise SourceError(f"{path}: no ICEWS files (*.tab, *.csv, *.rda) in this folder.")
    tables: dict[str, list[pd.DataFrame]] = {"events": [], "covariates": []}
    counts, rejects, notes = [], [], []
    for f in files:
        for label, header, frame, nf, raws, lines in _units(f):
            kind = _kind(label, header)
            validate = validate_events if kind == "events" else validate_netify
            rows, reason = validate(frame, nf, len(header))
            bad = reason.notna().to_numpy()
            if raws is not None:
                raw = np.asarray(raws, dtype=object)[bad]
            else:   # R tables have no text: keep the row's values joined by tabs
                raw = np.array(["\t".join(map(str, r)) for r in frame[bad].itertuples(index=False)], dtype=object)
            rejects.append(pd.DataFrame({"file": label, "row": np.asarray(lines, dtype="int64")[bad],
                                         "reason": reason[bad].to_numpy(), "raw": raw}))
            if kind == "events":
                dup = int(frame[bad == 0].duplicated().sum()) if len(frame) else 0
                rep = int(rows["event_id"].duplicated().sum()) - dup
                if dup or rep:
                    notes.append(f"{label}: {dup} fully duplicated rows and {rep} other repeated event ids "
                                 "kept once")
            tables["events" if kind == "events" else "covariates"].append(rows)
            counts.append(FileCount(label, len(frame), int((~bad).sum()), int(bad.sum())))
    out = {name: pd.concat(parts, ignore_index=True) for name, parts in tables.items() if parts}
    if "events" in out:
        out["events"] = out["events"][EVENT_COLUMNS]
    rej = pd.concat(rejects, ignore_index=True) if rejects else empty_rejects()
    return ReadResult(tables=out, rejects=rej, files=counts, notes=notes)


ADAPTER = SimpleAdapter(
    name="icews",
    description="ICEWS coded events (Dataverse .tab, R sample .rda/.csv) -> events; netify dyad-year counts "
                "-> covariates",
    tables=("events", "covariates"),
    reader=read,
    formats="ICEWS Dataverse .tab, icews R package .rda/.csv, netify dyad-year .rda/.csv",
)
