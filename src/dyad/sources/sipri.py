"""SIPRI Arms Transfers Database exports: trade register, deliveries by year, and TIV tables.

Formats read (SIPRI's CSV exports, ISO-8859-1, each opening with SIPRI's text preamble before the header):

* the **trade register** (header ``Recipient,Supplier,Year of order, ,Number ordered, ,...``): one row per
  deal; the unnamed columns after year of order, number ordered and number delivered hold SIPRI's ``?`` mark
  of uncertainty, kept as flags; ``Year(s) of delivery`` is a list (``2017; 2018``);
* the **deliveries** export (header ``SIPRI AT Database ID,Supplier,Recipient,...``): one row per deal and
  delivery year, with ``... is estimate`` columns and the armament category;
* **TIV tables** (header ``Recipient,1990,1991,...``): millions of TIV delivered per recipient and year from
  one supplier, named in the ``Total exports from <supplier>`` row (or by the ``supplier`` option).

SIPRI exports sometimes break a row inside the Comments field with an unquoted line break, so that the
rest of the row (the TIV columns) appears as a line of its own whose first fields look like a year. When a
short row and the line after it add up to exactly one row, they are joined and the stray line is
quarantined with that reason; otherwise both are quarantined.

Suppliers and recipients are stored as ISO3 where they are states (``Soviet Union`` continues as ``RUS``;
the name SIPRI used stays in ``supplier_name`` / ``recipient_name``); non-state and multinational actors
keep SIPRI's name. TIV values are in millions of SIPRI trend-indicator values.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from dyad import countries
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError, empty_rejects
from dyad.sources._tabular import canonical, rejects

ENCODING = "iso-8859-1"
REGISTER_HEADER = ["Recipient", "Supplier", "Year of order", " ", "Number ordered", " ", "Weapon designation",
                   "Weapon description", "Number delivered", " ", "Year(s) of delivery", "status", "Comments",
                   "SIPRI TIV per unit", "SIPRI TIV for total order", "SIPRI TIV of delivered weapons"]
DELIVERIES_FIRST = "SIPRI AT Database ID"
# SIPRI spellings the general country table does not know.
ALIASES = {"UAE": "ARE", "East Germany (GDR)": "DDR", "Bosnia-Herzegovina": "BIH", "Micronesia": "FSM",
           "Saint Vincent": "VCT", "Saint Kitts and Nevis": "KNA", "Trinidad and Tobago": "TTO",
           "Brunei": "BRN", "Cape Verde": "CPV", "DR Congo": "COD", "Congo": "COG", "Czechia": "CZE",
           "Eswatini": "SWZ", "Swaziland": "SWZ", "North Macedonia": "MKD", "Macedonia": "MKD",
           "Timor-Leste": "TLS", "Gambia": "GMB", "Bahamas": "BHS", "South Vietnam": "RVN",
           "North Yemen": "YAR", "Yemen Arab Republic (North Yemen)": "YAR", "South Yemen": "YPR",
           "West Germany (FRG)": "DEU", "Soviet Union": "RUS"}
FIRST_YEAR, LAST_YEAR = 1900, 2100


class _Layout:
    REGISTER, DELIVERIES, TIV = "register", "deliveries", "tiv"


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding=ENCODING).splitlines()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc}).") from exc


def _layout(lines: list[str]) -> tuple[str, int] | None:
    """Which SIPRI export this is and the index of its header line (after the preamble)."""
    for i, line in enumerate(lines[:40]):
        if line.startswith("Recipient,Supplier,Year of order"):
            return _Layout.REGISTER, i
        if line.startswith(DELIVERIES_FIRST + ","):
            return _Layout.DELIVERIES, i
        if re.match(r"^Recipient,\d{4},", line):
            return _Layout.TIV, i
    return None


def actor(name: str) -> tuple[str, str]:
    """(code, name): ISO3 for a state SIPRI names, else SIPRI's name itself (non-state or multinational)."""
    clean = name.strip()
    if clean in ALIASES:
        return ALIASES[clean], clean
    if clean.endswith("*") or "unknown" in clean.lower() or "(" in clean:
        return clean, clean
    return countries.try_resolve(clean) or clean, clean


def _actor_map(names) -> dict[str, str]:
    return {n: actor(n)[0] for n in set(names)}


def _rows(lines: list[str], start: int) -> list[tuple[int, list[str]]]:
    """Records after the header with their 1-based line numbers (quoted fields may span lines)."""
    text = "\n".join(lines[start:])
    reader = csv.reader(io.StringIO(text))
    out = []
    line = start + 1
    for rec in reader:
        out.append((line, rec))
        line = start + 1 + reader.line_num
    return [(n, r) for n, r in out if any(f.strip() for f in r)]


def _repair(records: list[tuple[int, list[str]]], width: int):
    """Join rows broken by an unquoted line break; return rows and quarantined (line, reason, raw)."""
    good, bad = [], []
    i = 0
    while i < len(records):
        line, rec = records[i]
        if len(rec) == width:
            good.append((line, rec))
            i += 1
            continue
        nxt = records[i + 1] if i + 1 < len(records) else None
        if len(rec) < width and nxt is not None and len(rec) + len(nxt[1]) - 1 == width:
            joined = rec[:-1] + [rec[-1] + " " + nxt[1][0]] + nxt[1][1:]
            good.append((line, joined))
            bad.append((nxt[0], f"continuation of line {line}: an unquoted line break inside its "
                        f"{REGISTER_HEADER[len(rec) - 1].strip() or 'text'} field; joined to that row",
                        ",".join(nxt[1])))
            i += 2
            continue
        bad.append((line, f"has {len(rec)} fields, expected {width}; not a complete SIPRI row", ",".join(rec)))
        i += 1
    return good, bad


def _num(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    return float(text)


def _register_row(rec: list[str]) -> tuple[dict | None, str | None]:
    (recipient, supplier, year, year_flag, n_ord, n_ord_flag, weapon, descr, n_del, n_del_flag, years, status,
     comments, tiv_unit, tiv_total, tiv_del) = (f.strip() for f in rec)
    for label, flag in (("year of order", year_flag), ("number ordered", n_ord_flag),
                        ("number delivered", n_del_flag)):
        if flag not in ("", "?"):
            return None, f"uncertainty mark after {label} is {flag!r}, expected '?' or empty"
    if not re.fullmatch(r"\d{4}", year) or not FIRST_YEAR <= int(year) <= LAST_YEAR:
        return None, f"Year of order {year!r} is not a year"
    delivery = [y.strip() for y in years.split(";") if y.strip()]
    if any(not re.fullmatch(r"\d{4}", y) or not FIRST_YEAR <= int(y) <= LAST_YEAR for y in delivery):
        return None, f"Year(s) of delivery {years!r} is not a list of years"
    try:
        numbers = [_num(v) for v in (n_ord, n_del, tiv_unit, tiv_total, tiv_del)]
    except ValueError:
        return None, "a number or TIV field is not a number"
    if not recipient or not supplier:
        return None, "recipient or supplier is empty"
    return {"recipient_name": recipient, "supplier_name": supplier, "order_year": int(year),
            "order_year_uncertain": year_flag == "?", "number_ordered": numbers[0],
            "number_ordered_uncertain": n_ord_flag == "?", "number_delivered": numbers[1],
            "number_delivered_uncertain": n_del_flag == "?", "delivery_years": "; ".join(delivery),
            "weapon": weapon, "description": descr, "status": status or None, "comments": comments or None,
            "tiv_unit": numbers[2], "tiv_total": numbers[3], "tiv_delivered": numbers[4]}, None


def _deal_ids(rows: list[list[str]]) -> list[str]:
    """Ids for register rows (the export has none), from the fields that identify a deal and do not change
    when SIPRI revises numbers or comments: recipient, supplier, year of order, designation, description.
    Deals alike in all five are numbered in file order. A newer release then maps to the same ids, so
    loading it into the same store adds only new deals (the store keeps the values first loaded).
    """
    seen: dict[str, int] = {}
    out = []
    for rec in rows:
        ident = [rec[i].strip() for i in (0, 1, 2, 6, 7)]
        digest = hashlib.sha1("\x1f".join(ident).encode("utf-8")).hexdigest()[:16]
        seen[digest] = seen.get(digest, 0) + 1
        out.append(f"r{digest}-{seen[digest]}")
    return out


def split_deliveries(deals: pd.DataFrame) -> pd.DataFrame:
    """Per delivery year: the deal's delivered TIV and number shared equally over its delivery years.

    The register gives only totals and the list of years; an equal split is an assumption (flagged in
    ``basis``). The deliveries export gives the per-year values themselves.
    """
    d = deals[deals["delivery_years"].fillna("") != ""]
    years = d["delivery_years"].str.split("; ")
    k = years.str.len()
    long = d.assign(year=years, k=k).explode("year")
    return pd.DataFrame({
        "source": long["source"], "deal_id": long["deal_id"], "year": long["year"].astype(int),
        "supplier": long["supplier"], "recipient": long["recipient"],
        "number": long["number_delivered"] / long["k"], "number_uncertain": long["number_delivered_uncertain"],
        "year_uncertain": False, "tiv": long["tiv_delivered"] / long["k"], "category": long["category"],
        "basis": "equal split of the deal's delivered TIV over its delivery years"})


def _register(file: Path, lines: list[str], header_at: int):
    header = next(csv.reader([lines[header_at]]))
    if [h.strip() for h in header] != [h.strip() for h in REGISTER_HEADER]:
        raise SourceError(f"{file}: line {header_at + 1} is not the trade-register header I know "
                          f"({', '.join(REGISTER_HEADER)}); SIPRI may have changed the export.")
    records = _rows(lines, header_at + 1)
    good, bad = _repair(records, len(REGISTER_HEADER))
    kept, kept_raw = [], []
    for line, rec in good:
        row, why = _register_row(rec)
        if row is None:
            bad.append((line, why, ",".join(rec)))
        else:
            kept.append(row)
            kept_raw.append(rec)
    deals = pd.DataFrame(kept)
    codes = _actor_map(pd.concat([deals["supplier_name"], deals["recipient_name"]]))
    deals["supplier"] = deals["supplier_name"].map(codes)
    deals["recipient"] = deals["recipient_name"].map(codes)
    deals["deal_id"] = _deal_ids(kept_raw)
    deals["source"] = "sipri-register"
    deals["category"] = deals["description"].map(category_of)
    deals["uncertain"] = deals[["order_year_uncertain", "number_ordered_uncertain",
                                "number_delivered_uncertain"]].any(axis=1)
    bad.sort()
    rej = rejects(file, [b[0] for b in bad], [b[1] for b in bad], [b[2] for b in bad])
    count = FileCount(str(file), len(records), len(deals), len(bad))
    return {"arms": deals, "arms_deliveries": split_deliveries(deals)}, rej, count


def _yes(series: pd.Series) -> pd.Series:
    return series.str.strip().str.lower().map({"yes": True, "no": False}).astype("boolean")


def _deliveries(file: Path, lines: list[str], header_at: int):
    frame = pd.read_csv(io.StringIO("\n".join(lines[header_at:])), dtype=str, keep_default_na=False)
    needed = {DELIVERIES_FIRST, "Supplier", "Recipient", "Delivery year", "TIV delivery values", "Order date"}
    if not needed <= set(frame.columns):
        raise SourceError(f"{file}: line {header_at + 1} lacks {sorted(needed - set(frame.columns))}.")
    year = pd.to_numeric(frame["Delivery year"], errors="coerce")
    order = pd.to_numeric(frame["Order date"], errors="coerce")
    tiv = pd.to_numeric(frame["TIV delivery values"].replace("", None), errors="coerce")
    number = pd.to_numeric(frame["Numbers delivered"].replace("", None), errors="coerce")
    reason = pd.Series(None, index=frame.index, dtype="object")
    reason[tiv.isna()] = "TIV delivery values is not a number"
    reason[order.isna() | ~order.between(FIRST_YEAR, LAST_YEAR)] = "Order date is not a year"
    reason[year.isna() | ~year.between(FIRST_YEAR, LAST_YEAR)] = "Delivery year is not a year"
    reason[~frame[DELIVERIES_FIRST].str.strip().str.fullmatch(r"\d+")] = "SIPRI AT Database ID is not a number"
    dup = frame[DELIVERIES_FIRST].str.strip().str.cat(frame["Delivery year"], sep="|").duplicated() & reason.isna()
    reason[dup] = "another row already gives this deal's delivery in this year"
    bad = reason.notna().to_numpy()
    f = frame.loc[~bad]
    codes = _actor_map(pd.concat([f["Supplier"], f["Recipient"]]))
    deal_id = "d" + f[DELIVERIES_FIRST].str.strip()
    per_year = pd.DataFrame({
        "source": "sipri-deliveries", "deal_id": deal_id, "year": year[~bad].astype(int),
        "supplier": f["Supplier"].map(codes), "recipient": f["Recipient"].map(codes), "number": number[~bad],
        "number_uncertain": _yes(f["Numbers delivered is estimate"]),
        "year_uncertain": _yes(f["Delivery year is estimate"]), "tiv": tiv[~bad],
        "category": f["Armament category"].str.strip(), "basis": "per-year value reported by SIPRI"})
    first = f.assign(deal_id=deal_id, _tiv=tiv[~bad], _n=number[~bad], _year=year[~bad].astype(int))
    agg = first.groupby("deal_id", sort=False).agg(
        tiv_delivered=("_tiv", "sum"), number_delivered=("_n", "sum"),
        years=("_year", lambda s: "; ".join(str(y) for y in sorted(set(s)))))
    one = first.drop_duplicates("deal_id").set_index("deal_id")
    deals = pd.DataFrame({
        "source": "sipri-deliveries", "deal_id": one.index, "supplier": one["Supplier"].map(codes).to_numpy(),
        "recipient": one["Recipient"].map(codes).to_numpy(), "supplier_name": one["Supplier"].to_numpy(),
        "recipient_name": one["Recipient"].to_numpy(), "order_year": pd.to_numeric(one["Order date"]).astype(int).to_numpy(),
        "order_year_uncertain": _yes(one["Order date is estimate"]).to_numpy(),
        "number_delivered": agg["number_delivered"].to_numpy(), "delivery_years": agg["years"].to_numpy(),
        "weapon": one["Designation"].to_numpy(), "description": one["Description"].to_numpy(),
        "category": one["Armament category"].to_numpy(), "status": one["Status"].to_numpy(),
        "tiv_unit": pd.to_numeric(one["SIPRI estimate"], errors="coerce").to_numpy(),
        "tiv_delivered": agg["tiv_delivered"].to_numpy(),
        "local_production": _yes(one["Local production"]).to_numpy()})
    deals["uncertain"] = deals["order_year_uncertain"].fillna(False).to_numpy()
    lines_no = np.flatnonzero(bad) + header_at + 2
    raw = [",".join(r) for r in frame.loc[bad].itertuples(index=False)]
    rej = rejects(file, lines_no, reason[bad], raw)
    return {"arms": deals, "arms_deliveries": per_year}, rej, FileCount(str(file), len(frame), int((~bad).sum()),
                                                                       int(bad.sum()))


def _tiv_table(file: Path, lines: list[str], header_at: int, supplier: str | None):
    frame = pd.read_csv(io.StringIO("\n".join(lines[header_at:])), dtype=str, keep_default_na=False)
    years = [c for c in frame.columns if re.fullmatch(r"\d{4}", c)]
    totals = frame["Recipient"].str.extract(r"^Total exports from (.+)$")[0].dropna()
    name = supplier or (totals.iloc[0] if len(totals) else None)
    if name is None:
        raise SourceError(f"{file}: the table does not say whose exports it shows (no 'Total exports from ...' "
                          "row); pass the supplier option (e.g. supplier='Russia').")
    code = actor(name)[0]
    out, bad = [], []
    for i, row in frame.iterrows():
        recipient = row["Recipient"].strip()
        if not recipient:
            continue
        rcode = "WLD" if recipient.startswith("Total exports from") else actor(recipient)[0]
        try:
            values = {y: float(row[y]) for y in years if row[y].strip() != ""}
        except ValueError:
            bad.append((header_at + 2 + i, "a year cell is not a number", ",".join(row)))
            continue
        out += [{"source": "sipri-tiv", "supplier": code, "recipient": rcode, "year": int(y), "tiv": v}
                for y, v in values.items()]
    n = int((frame["Recipient"].str.strip() != "").sum())
    rej = rejects(file, [b[0] for b in bad], [b[1] for b in bad], [b[2] for b in bad])
    return {"arms_tiv": pd.DataFrame(out)}, rej, FileCount(str(file), n, n - len(bad), len(bad))


def _files(path: Path) -> list[tuple[Path, list[str], str, int]]:
    files = [path] if path.is_file() else sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
    out = []
    for f in files:
        lines = _lines(f)
        found = _layout(lines)
        if found is None:
            if path.is_file():
                raise SourceError(f"{f}: no SIPRI header line in the first 40 lines (expected 'Recipient,Supplier,"
                                  "Year of order', 'SIPRI AT Database ID,...' or 'Recipient,<year>,...').")
            continue
        out.append((f, lines, *found))
    if not out:
        raise SourceError(f"{path}: no SIPRI arms transfers export found.")
    return out


def read(path: Path, supplier: str | None = None, **_: object) -> ReadResult:
    tables: dict[str, list[pd.DataFrame]] = {}
    bads, counts = [empty_rejects()], []
    for f, lines, kind, header_at in _files(path):
        if kind == _Layout.REGISTER:
            out, rej, count = _register(f, lines, header_at)
        elif kind == _Layout.DELIVERIES:
            out, rej, count = _deliveries(f, lines, header_at)
        else:
            out, rej, count = _tiv_table(f, lines, header_at, supplier)
        for name, rows in out.items():
            tables.setdefault(name, []).append(rows)
        bads.append(rej)
        counts.append(count)
    merged = {k: canonical(k, pd.concat(v, ignore_index=True)) for k, v in tables.items()}
    return ReadResult(merged, pd.concat(bads, ignore_index=True), counts)


# SIPRI's armament categories, assigned to register rows from the weapon description (the register export
# has no category column). Checked against the deliveries export, which has one: see tests/trade.
_CATEGORY_RULES = [
    ("Artillery", r"(mortar|spg|gun) turret|ssm launcher|ssm tel"),
    ("Armoured vehicles", r"self-propelled gun chassis"),
    ("Other", r"turret"),
    ("Satellites", r"satellite"),
    ("Engines", r"engine|turbofan|turbojet|turboprop|turboshaft|gas turbine|diesel"),
    ("Ships", r"aircraft carrier|\baals\b"),
    ("Naval weapons", r"naval sam|naval gun|naval mrl|ciws|\basw\b (rocket|mortar|mrl)|depth charge"),
    ("Air defence systems", r"anti-aircraft gun|sam system|spaag|\bsp aa|\baa gun|air defence|air-defence|"
                            r"abm system|self-propelled ad"),
    ("Missiles", r"missile|\bsam\b|guided (glide )?bomb|guided (rocket|shell)|loitering munition|one-way attack|"
                 r"torpedo|manpad|\bssm\b|\b(bvr|sr)?aam\b|\basm\b|\bslbm\b|\bicbm\b|\bbm\b"),
    ("Armoured vehicles", r"tank destroyer|infantry fighting vehicle|fire-support vehicle|\bifv\b|\bapc\b|\bapv\b|"
                          r"armoured|\barv\b|\baev\b|bridge-layer|scout car|\btank\b|\bisv\b|\bafv\b|\bugv\b|"
                          r"\bafsv\b|\balv\b|\bamv\b|reconnaissance av\b"),
    ("Naval weapons", r"naval mine|\bmine\b"),
    ("Sensors", r"eo system|recce system|search system|intelligence system|radar"),
    ("Aircraft", r"airship"),
    ("Aircraft", r"aircraft|helicopter|\buav\b|\bucav\b|\bawacs\b|\bmpa\b|\bfga\b|trainer|fighter|bomber"),
    ("Sensors", r"radar|sonar|sensor|\bsight|fire control|reconnaissance|\bmad\b|elint|sigint|\baew\b|"
                r"coastal defence system"),
    ("Ships", r"minelayer|ship|submarine|\bboat\b|frigate|corvette|destroyer|cruiser|\bopv\b|\bfac\b|"
              r"minehunter|minesweeper|landing craft|\blanding\b|tanker|\btug\b|patrol craft|\bcraft\b|\bmcm\b|"
              r"ferry|hovercraft|icebreaker|gunboat"),
    ("Artillery", r"\bgun\b|howitzer|mortar|\bmrl\b|rocket launcher|artillery|self-propelled"),
]


def category_of(description: str | None) -> str | None:
    """SIPRI armament category for a weapon description (first matching rule; 'Other' when none)."""
    if description is None or not str(description).strip():
        return None
    text = str(description).lower()
    for name, pattern in _CATEGORY_RULES:
        if re.search(pattern, text):
            return name
    return "Other"


ADAPTER = SimpleAdapter(
    name="sipri",
    description="SIPRI arms transfers: trade register, deliveries by year, TIV tables (millions of TIV)",
    tables=("arms", "arms_deliveries", "arms_tiv"),
    reader=read,
    formats="SIPRI CSV exports with their preamble lines (ISO-8859-1)",
)
