"""GDELT event files: 1.0 daily and historical exports, 2.0 15-minute exports, CSV extracts, zipped or not.

Layouts read (each file is sniffed from its first line):

* raw exports, tab-separated, no header: GDELT 1.0 historical (57 fields), 1.0 daily (58, adds SOURCEURL),
  2.0 15-minute (61, adds the three ADM2 columns). Rows of different widths may share one file; each row is
  read with the layout of its own width.
* extracts with a header line (comma or tab, quoted or not; R's ``NA`` and gdeltPyR's extra columns such as
  ``CAMEOCodeDescription``): columns are taken by header name and every row must have as many fields as the
  header names.
* any of these inside a ``.zip`` (as GDELT distributes them).

Parsing happens inside DuckDB (``read_csv`` with every field as text, padded with NULL so that the number of
fields of each row can be counted) and every row is validated in SQL: the field count, GLOBALEVENTID,
SQLDATE and its agreement with MonthYear and Year, the CAMEO event code and its agreement with the base code,
root code and quad class, the Goldstein value, the actor country codes, NumMentions, AvgTone and DATEADDED.
The cross-field checks are what stop a row shifted by one column (or cut short) from loading: its fields no
longer agree with each other. Rejected rows go to the quarantine with the first failed check.

GLOBALEVENTID is one id space for 1.0 and 2.0, so every GDELT row is stored under ``dataset = 'gdelt'`` and
overlapping files deduplicate on it.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import weakref
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dyad import engine
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError, empty_rejects, gdelt_download
from dyad.sources import _eventref as ref

DATASET = "gdelt"
SUFFIXES = (".csv", ".tsv", ".txt", ".tab", ".zip")
WIDTH = 72      # fields read per row; anything wider than every layout is rejected by its count
MEMORY_LIMIT = "1GB"   # the parse spills to disk beyond this, so a 20M-row file fits a small machine
HEADERLESS = {57: "GDELT 1.0 historical", 58: "GDELT 1.0 daily", 61: "GDELT 2.0"}

# 1-based positions in the headerless layouts (equal in 1.0 and 2.0 up to AvgTone).
POSITIONS = {
    "GLOBALEVENTID": 1, "SQLDATE": 2, "MONTHYEAR": 3, "YEAR": 4,
    "ACTOR1CODE": 6, "ACTOR1COUNTRYCODE": 8, "ACTOR1TYPE1CODE": 13, "ACTOR1TYPE2CODE": 14, "ACTOR1TYPE3CODE": 15,
    "ACTOR2CODE": 16, "ACTOR2COUNTRYCODE": 18, "ACTOR2TYPE1CODE": 23, "ACTOR2TYPE2CODE": 24, "ACTOR2TYPE3CODE": 25,
    "EVENTCODE": 27, "EVENTBASECODE": 28, "EVENTROOTCODE": 29, "QUADCLASS": 30, "GOLDSTEINSCALE": 31,
    "NUMMENTIONS": 32, "AVGTONE": 35,
}
DATEADDED_AT = {57: 57, 58: 57, 61: 60}
SOURCEURL_AT = {58: 58, 61: 61}
# columns an extract must name: the ones the row checks rely on (others are taken when present)
REQUIRED = ("GLOBALEVENTID", "SQLDATE", "MONTHYEAR", "YEAR", "ACTOR1COUNTRYCODE", "ACTOR2COUNTRYCODE", "EVENTCODE",
            "EVENTBASECODE", "EVENTROOTCODE", "QUADCLASS", "GOLDSTEINSCALE", "DATEADDED")


@dataclass(frozen=True)
class Layout:
    """How to read one file: delimiter, quoting, header, and where each named column is."""

    delim: str
    quote: str
    header: list[str] | None       # upper-cased header names, or None for the raw headerless exports

    def position(self, name: str) -> int | None:
        if self.header is None:
            return POSITIONS.get(name)
        return self.header.index(name) + 1 if name in self.header else None


def sniff(path: Path, first: bytes) -> Layout:
    """Decide the layout from the first line of a file."""
    line = first.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", errors="replace")
    if "GLOBALEVENTID" not in line.upper():
        return Layout("\t", "", None)
    delim = "\t" if "\t" in line else ","
    names = [n.strip().upper() for n in next(csv.reader(io.StringIO(line), delimiter=delim))]
    if len(names) >= WIDTH:
        raise SourceError(f"{path}, line 1: the header names {len(names)} columns; dyad reads GDELT extracts of "
                          f"up to {WIDTH - 1}. Drop the extra columns.")
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        raise SourceError(f"{path}, line 1: the header lacks the GDELT columns {', '.join(missing)}. "
                          "Give the file its original GDELT header (see docs/sources/events.md).")
    return Layout(delim, '"', names)


def _field(layout: Layout, name: str) -> str:
    """SQL for one cleaned text field: trimmed, with '' and 'NA' as NULL; NULL if the column is absent."""
    pos = layout.position(name)
    if pos is None:
        return "NULL"
    return f"nullif(nullif(trim(c{pos}), ''), 'NA')"


def _width_sql(layout: Layout, name: str, positions: dict[int, int]) -> str:
    """A field whose position depends on the row's width (headerless files) or on the header."""
    if layout.header is not None:
        return _field(layout, name)
    cases = " ".join(f"WHEN {w} THEN nullif(nullif(trim(c{p}), ''), 'NA')" for w, p in positions.items())
    return f"CASE w {cases} END"


def _width_probe(layout: Layout) -> tuple[str, list[int]]:
    """SQL for the row's width when it is a valid one (else 0), and the columns it looks at.

    Only padding is NULL, and padding sits at the end of a row, so a row has exactly n fields when field n
    is not NULL and field n+1 is; counting every field would make DuckDB materialise all of them.
    """
    if layout.header is not None:
        n = len(layout.header)
        return f"CASE WHEN c{n} IS NOT NULL AND c{n + 1} IS NULL THEN {n} ELSE 0 END", [n, n + 1]
    return ("CASE WHEN c62 IS NOT NULL THEN 0 WHEN c61 IS NOT NULL THEN 61 WHEN c59 IS NOT NULL THEN 0 "
            "WHEN c58 IS NOT NULL THEN 58 WHEN c57 IS NOT NULL THEN 57 ELSE 0 END", [57, 58, 59, 61, 62])


def _checks(layout: Layout) -> list[tuple[str, str]]:
    """(condition that fails the row, reason) in the order they are tried."""
    # the exact count goes into the reason later (see _describe_rejects): WIDTH is its placeholder
    count = ("w = 0", "'WIDTH'")
    return [
        count,
        # casts rather than regular expressions: every good row passes every check, so each costs time
        ("id IS NULL OR length(id) > 19 OR NOT (left(id, 1) BETWEEN '0' AND '9') OR TRY_CAST(id AS UBIGINT) IS NULL",
         "'GLOBALEVENTID ' || coalesce(q(id), 'missing') || ' is not a whole number'"),
        ("sqldate IS NULL OR length(sqldate) <> 8 OR left(sqldate, 1) NOT IN ('1', '2') "
         "OR TRY_CAST(sqldate AS UINTEGER) IS NULL OR try_strptime(sqldate, '%Y%m%d') IS NULL",
         "'SQLDATE ' || coalesce(q(sqldate), 'missing') || ' is not a YYYYMMDD date'"),
        ("monthyear IS DISTINCT FROM left(sqldate, 6) OR yr IS DISTINCT FROM left(sqldate, 4)",
         "'MonthYear ' || coalesce(q(monthyear), 'missing') || ' or Year ' || coalesce(q(yr), 'missing') "
         "|| ' disagrees with SQLDATE ' || sqldate || ': misaligned row'"),
        ("ref_root IS NULL",
         "'EventCode ' || coalesce(q(code), 'missing') || ' is not a CAMEO event code'"),
        ("rootcode IS DISTINCT FROM ref_root OR basecode IS DISTINCT FROM left(code, 3)",
         "'EventRootCode ' || coalesce(q(rootcode), 'missing') || ' or EventBaseCode ' || "
         "coalesce(q(basecode), 'missing') || ' disagrees with EventCode ' || code || ': misaligned row'"),
        ("quadclass IS DISTINCT FROM CAST(ref_quad AS VARCHAR)",
         "'QuadClass ' || coalesce(q(quadclass), 'missing') || ' is not the quad class of CAMEO root ' || ref_root"),
        ("g IS NULL OR isnan(g) OR abs(g) > 10",
         "'GoldsteinScale ' || coalesce(q(goldstein), 'missing') || ' is not a number in [-10, 10]'"),
        ("a1c IS NOT NULL AND NOT a1_known",
         "'Actor1CountryCode ' || q(a1c) || ' is not a CAMEO country code'"),
        ("a2c IS NOT NULL AND NOT a2_known",
         "'Actor2CountryCode ' || q(a2c) || ' is not a CAMEO country code'"),
        ("mentions IS NOT NULL AND TRY_CAST(mentions AS UINTEGER) IS NULL",
         "'NumMentions ' || q(mentions) || ' is not a count'"),
        ("tone IS NOT NULL AND (t IS NULL OR isnan(t))",
         "'AvgTone ' || q(tone) || ' is not a number'"),
        # extracts that went through a float column write DATEADDED as 2.0180105e+13; the event is intact
        ("dateadded IS NULL OR NOT ((length(dateadded) IN (8, 14) AND left(dateadded, 1) IN ('1', '2') "
         "AND TRY_CAST(dateadded AS UBIGINT) IS NOT NULL) "
         "OR regexp_full_match(dateadded, '[12]\\.[0-9]{0,13}e\\+(07|13)'))",
         "'DATEADDED ' || coalesce(q(dateadded), 'missing') || ' is not YYYYMMDD or YYYYMMDDHHMMSS'"),
    ]


def _select_sql(layout: Layout, source: str, line_offset: int | None) -> str:
    """One SELECT over ``source`` (the read_csv call) giving canonical columns, the reason and raw text."""
    f = {name: _field(layout, name) for name in POSITIONS}
    dateadded = _width_sql(layout, "DATEADDED", DATEADDED_AT)
    url = _width_sql(layout, "SOURCEURL", SOURCEURL_AT)
    checks = _checks(layout)
    reason = "CASE " + " ".join(f"WHEN {cond} THEN {why}" for cond, why in checks) + " END"
    width, _ = _width_probe(layout)
    # Line numbers need the rows in file order, which keeps DuckDB on one thread: only the second pass
    # over a file that has rejects asks for them.
    line = "NULL::BIGINT" if line_offset is None else f"row_number() OVER () + {line_offset}"
    return f"""
    WITH parsed AS (
        SELECT {line} AS line, {width} AS w, * FROM {source}
    ), named AS (
        SELECT line, w,
          {f['GLOBALEVENTID']} AS id, {f['SQLDATE']} AS sqldate, {f['MONTHYEAR']} AS monthyear, {f['YEAR']} AS yr,
          {f['ACTOR1CODE']} AS a1, {f['ACTOR1COUNTRYCODE']} AS a1c,
          {f['ACTOR2CODE']} AS a2, {f['ACTOR2COUNTRYCODE']} AS a2c,
          nullif(concat_ws(';', {f['ACTOR1TYPE1CODE']}, {f['ACTOR1TYPE2CODE']}, {f['ACTOR1TYPE3CODE']}), '') AS t1,
          nullif(concat_ws(';', {f['ACTOR2TYPE1CODE']}, {f['ACTOR2TYPE2CODE']}, {f['ACTOR2TYPE3CODE']}), '') AS t2,
          {f['EVENTCODE']} AS code0, {f['EVENTBASECODE']} AS base0, {f['EVENTROOTCODE']} AS root0,
          {f['QUADCLASS']} AS quadclass, {f['GOLDSTEINSCALE']} AS goldstein, {f['NUMMENTIONS']} AS mentions,
          {f['AVGTONE']} AS tone, {dateadded} AS dateadded, {url} AS url
        FROM parsed
    ), repaired AS (
        -- Extracts written through a numeric column lose the leading zero of roots 01-09 ('42' for '042'):
        -- a one-digit root code marks such a row, and the zero is put back on all three codes.
        SELECT *, CASE WHEN z THEN '0' || code0 ELSE code0 END AS code,
          CASE WHEN z THEN '0' || base0 ELSE base0 END AS basecode,
          CASE WHEN z THEN '0' || root0 ELSE root0 END AS rootcode
        FROM (SELECT *, coalesce(length(root0) = 1 AND root0 BETWEEN '1' AND '9', false) AS z FROM named)
    ), joined AS (
        SELECT n.*, ce.root AS ref_root, ce.quad AS ref_quad,
          k1.cameo IS NOT NULL AS a1_known, k1.iso3 AS a1_iso3,
          k2.cameo IS NOT NULL AS a2_known, k2.iso3 AS a2_iso3
        FROM repaired n
        LEFT JOIN cameo_ref ce ON ce.code = n.code
        LEFT JOIN country_ref k1 ON k1.cameo = n.a1c
        LEFT JOIN country_ref k2 ON k2.cameo = n.a2c
    ), checked AS (
        SELECT *, {reason} AS reason
        FROM (SELECT *, TRY_CAST(goldstein AS DOUBLE) AS g, TRY_CAST(tone AS DOUBLE) AS t FROM joined)
    )
    SELECT line, reason,
      '{DATASET}' AS dataset, CASE WHEN reason IS NULL THEN id END AS event_id,
      CASE WHEN reason IS NULL THEN CAST(strptime(sqldate, '%Y%m%d') AS DATE) END AS date,
      a1_iso3 AS source_country, a2_iso3 AS target_country, a1 AS source_actor, a2 AS target_actor,
      t1 AS source_type, t2 AS target_type, code AS cameo,
      CASE WHEN reason IS NULL THEN CAST(ref_root AS INTEGER) END AS root,
      CASE WHEN reason IS NULL THEN ref_quad END AS quad,
      CASE WHEN reason IS NULL THEN g END AS goldstein,
      CASE WHEN reason IS NULL THEN CAST(mentions AS INTEGER) END AS mentions,
      CASE WHEN reason IS NULL THEN t END AS tone, url
    FROM checked
    """


def _read_csv_sql(path: Path, layout: Layout, rejects_table: str = "csv_rejects") -> str:
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, WIDTH + 1)) + "}"
    quote = "'\"'" if layout.quote else "''"
    delim = "'\\t'" if layout.delim == "\t" else "','"
    skip = 1 if layout.header is not None else 0
    # nullstr is a byte that never occurs, so '' stays '' and only padding is NULL: the NULLs count the
    # missing fields of a short row. Undecodable rows are set aside by DuckDB (rejects table) and quarantined.
    return (f"read_csv('{_sql_path(path)}', delim={delim}, quote={quote}, escape={quote}, header=false, "
            f"skip={skip}, columns={columns}, null_padding=true, nullstr='\x02', auto_detect=false, "
            "strict_mode=false, ignore_errors=true, store_rejects=true, "
            f"rejects_table='{rejects_table}', rejects_scan='{rejects_table}_scans')")


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _scratch(tmp: Path):
    con = engine.scratch()
    con.execute(f"SET temp_directory = '{_sql_path(tmp / 'spill')}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    # The lookups (CAMEO codes, country codes) are LEFT JOINs with a few hundred rows on the right. Left to
    # itself DuckDB may flip them and build hash tables of the whole file; keep the small side as the build.
    con.execute("SET disabled_optimizers = 'build_side_probe_side'")
    con.execute("CREATE MACRO q(x) AS '''' || left(x, 60) || ''''")  # a value quoted in a reason
    con.register("_cameo", ref.cameo_events()[["code", "root", "quad"]])
    con.execute("CREATE TABLE cameo_ref AS SELECT * FROM _cameo")
    con.register("_ctry", ref.cameo_countries())
    con.execute("CREATE TABLE country_ref AS SELECT * FROM _ctry")
    return con


def parse_file(path: Path, out: Path, tmp: Path, label: str | None = None) -> tuple[FileCount, pd.DataFrame]:
    """Parse and validate one plain (unzipped) file into a Parquet file ``out``; return counts and rejects."""
    label = label or str(path)
    with open(path, "rb") as fh:
        first = fh.read(1 << 16)
    if not first.strip():
        return FileCount(label, 0, 0, 0), empty_rejects()
    layout = sniff(path, first)
    con = _scratch(tmp)
    try:
        offset = 1 if layout.header is not None else 0
        sql = _select_sql(layout, _read_csv_sql(path, layout), None)
        con.execute(f"COPY ({sql}) TO '{_sql_path(out)}' (FORMAT parquet)")
        counts = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE reason IS NULL) FROM read_parquet('{_sql_path(out)}')"
        ).fetchone()
        rejects = pd.DataFrame({"row": pd.Series(dtype="int64"), "reason": pd.Series(dtype="object"),
                                "raw": pd.Series(dtype="object")})
        if counts[0] > counts[1]:
            con.execute("SET preserve_insertion_order = true")
            numbered = _select_sql(layout, _read_csv_sql(path, layout, "csv_rejects_n"), offset)
            rejects = con.execute(f"SELECT line AS row, reason FROM ({numbered}) WHERE reason IS NOT NULL "
                                  "ORDER BY line").df()
            rejects = _describe_rejects(con, path, layout, offset, rejects)
        undecoded = con.execute(
            "SELECT line, error_type, error_message, csv_line FROM csv_rejects ORDER BY line").df()
    except engine.duckdb_error_types() as exc:
        raise SourceError(f"{label}: cannot be read as a GDELT file: {exc}. Check that it is a GDELT export "
                          "or extract (docs/sources/events.md lists the layouts).") from exc
    finally:
        con.close()
    rejects = _fix_lines(rejects, undecoded, offset)
    extra = pd.DataFrame({"row": undecoded["line"].astype("int64"),
                          "reason": "unreadable row (" + undecoded["error_type"].str.lower() + "): "
                          + undecoded["error_message"].str.slice(0, 200),
                          "raw": undecoded["csv_line"]})
    rejects = pd.concat([rejects, extra], ignore_index=True).sort_values("row", kind="stable")
    rejects.insert(0, "file", label)
    read_rows = int(counts[0]) + len(undecoded)
    return FileCount(label, read_rows, int(counts[1]), read_rows - int(counts[1])), rejects.reset_index(drop=True)


def _describe_rejects(con, path: Path, layout: Layout, offset: int, rejects: pd.DataFrame) -> pd.DataFrame:
    """Second pass over a file that has rejects: their raw text and exact field count, by line."""
    cols = [f"c{i}" for i in range(1, WIDTH + 1)]
    nf = " + ".join(f"({c} IS NOT NULL)::INTEGER" for c in cols)
    delim = "chr(9)" if layout.delim == "\t" else "','"
    con.register("_reject_lines", rejects[["row"]])
    found = con.execute(
        f"SELECT line, {nf} AS nf, concat_ws({delim}, {', '.join(cols)}) AS raw FROM ("
        f"  SELECT row_number() OVER () + {offset} AS line, * FROM {_read_csv_sql(path, layout, 'csv_rejects2')})"
        " WHERE line IN (SELECT row FROM _reject_lines)").df().set_index("line")
    out = rejects.copy()
    out["raw"] = out["row"].map(found["raw"])
    nfs = out["row"].map(found["nf"])
    if layout.header is None:
        text = "fields; GDELT exports have 57 or 58 (1.0) or 61 (2.0): short or shifted row"
    else:
        text = f"fields but the header names {len(layout.header)}: short or shifted row"
    width = out["reason"] == "WIDTH"
    out.loc[width, "reason"] = ["row has " + (str(int(n)) if n < WIDTH else f"{WIDTH} or more") + " " + text
                                for n in nfs[width]]
    return out


def _fix_lines(rejects: pd.DataFrame, undecoded: pd.DataFrame, offset: int) -> pd.DataFrame:
    """Parsed-row numbers skip the rows DuckDB set aside; turn them into line numbers of the file."""
    if undecoded.empty or rejects.empty:
        return rejects
    skipped = sorted(int(x) for x in undecoded["line"])
    fixed = []
    for r in rejects["row"].astype(int):
        line = r
        for s in skipped:      # rows set aside before this one push it down by one line each
            if s <= line:
                line += 1
        fixed.append(line)
    return rejects.assign(row=fixed)


def _members(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    return [path]


def read(path: Path, **options) -> ReadResult:
    """Read a GDELT file or a folder of them (plain or zipped); see the module docstring."""
    files = _members(path)
    if not files:
        raise SourceError(f"{path}: no GDELT files (*.csv, *.tsv, *.txt, *.zip) in this folder.")
    tmp = Path(tempfile.mkdtemp(prefix="dyad-gdelt-"))
    counts: list[FileCount] = []
    rejects: list[pd.DataFrame] = []
    parts: list[Path] = []
    try:
        for f in files:
            for plain, label in _plain_files(f, tmp):
                out = tmp / f"part{len(parts)}.parquet"
                count, rej = parse_file(plain, out, tmp, label)
                counts.append(count)
                rejects.append(rej)
                if count.rows_read:
                    parts.append(out)
                if plain.parent == tmp / "unzipped":
                    plain.unlink()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    result = ReadResult(tables={"events": _builder(parts, tmp)} if parts else {},
                        rejects=pd.concat(rejects, ignore_index=True) if rejects else empty_rejects(),
                        files=counts)
    weakref.finalize(result, shutil.rmtree, tmp, True)
    return result


def _plain_files(path: Path, tmp: Path):
    """Yield (plain file, label): the file itself, or each member of a zip extracted to ``tmp``."""
    if path.suffix.lower() != ".zip":
        yield path, str(path)
        return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise SourceError(f"{path}: not a readable zip archive ({exc}). Download it again "
                          "(dyad ingest gdelt --start ... verifies the checksum).") from exc
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            target = tmp / "unzipped" / Path(info.filename).name
            target.parent.mkdir(exist_ok=True)
            with archive.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            yield target, f"{path}!{info.filename}"


def _builder(parts: list[Path], tmp: Path):
    """A staging-table builder that reads the validated rows straight from the Parquet parts (then deletes them)."""
    cols = ", ".join(f'"{c}"' for c in ("dataset", "event_id", "date", "source_country", "target_country",
                                        "source_actor", "target_actor", "source_type", "target_type", "cameo",
                                        "root", "quad", "goldstein", "mentions", "tone", "url"))
    files = "[" + ", ".join(f"'{_sql_path(p)}'" for p in parts) + "]"

    def build(con, staging: str) -> None:
        con.execute(f'CREATE TEMP TABLE "{staging}" AS SELECT {cols} FROM read_parquet({files}) '
                    "WHERE reason IS NULL")
        shutil.rmtree(tmp, ignore_errors=True)     # the rows are in the store's staging table now

    return build


def download(start=None, end=None, cache=None, **options) -> list[Path]:
    """Download GDELT export files for a date range; see :mod:`dyad.sources.gdelt_download`."""
    return gdelt_download.download(start=start, end=end, cache=cache, **options)


@dataclass(frozen=True)
class GdeltAdapter(SimpleAdapter):
    """The GDELT adapter: reads files and downloads them."""

    def download(self, start=None, end=None, cache=None, **options) -> list[Path]:
        return download(start=start, end=end, cache=cache, **options)


ADAPTER = GdeltAdapter(
    name="gdelt",
    description="GDELT 1.0/2.0 event exports and CSV extracts (plain or zipped) -> events",
    tables=("events",),
    reader=read,
    formats="GDELT 1.0 daily/historical (57/58 fields), 2.0 15-minute export (61), header CSV extracts, .zip",
)
