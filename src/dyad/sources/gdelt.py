"""GDELT event files: 1.0 daily and historical exports, 2.0 15-minute exports, CSV extracts, zipped or not.

Layouts read (each file is sniffed from its first line):

* raw exports, tab-separated, no header: GDELT 1.0 historical (57 fields), 1.0 daily (58, adds SOURCEURL),
  2.0 15-minute (61, adds the three ADM2 columns). Rows of different widths may share one file; each row is
  read with the layout of its own width.
* extracts with a header line (comma or tab, quoted or not; R's ``NA`` and gdeltPyR's extra columns such as
  ``CAMEOCodeDescription``): columns are taken by header name and every row must have as many fields as the
  header names.
* any of these inside a ``.zip`` (as GDELT distributes them).

Parsing happens inside the store's DuckDB database (the adapter returns :class:`GdeltFiles`, which the store
stages before its transaction) and every row is validated in SQL: the field count, GLOBALEVENTID, SQLDATE
and its agreement with MonthYear and Year, the CAMEO event code and its agreement with the base code, root
code and quad class, the Goldstein value, the actor country codes, NumMentions, AvgTone and DATEADDED. The
cross-field checks are what stop a row shifted by one column (or cut short) from loading: its fields no
longer agree with each other. Rejected rows go to the quarantine with the first failed check.

Two passes share those checks. The fast pass (raw exports) reads the file once on all cores and accepts it
only if every row of the expected width passes; otherwise, and for extracts, the careful pass (every field as
text, padded with NULL so that each row's field count is known) gives each bad row its reason and line.

GLOBALEVENTID is one id space for 1.0 and 2.0, so every GDELT row is stored under ``dataset = 'gdelt'`` and
overlapping files deduplicate on it.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dyad import engine, safety, schema
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError, empty_rejects, gdelt_download
from dyad.sources import _eventref as ref

DATASET = "gdelt"
SUFFIXES = (".csv", ".tsv", ".txt", ".tab", ".zip")
WIDTH = 72      # fields read per row; anything wider than every layout is rejected by its count
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
    row_names: bool = False        # R's write.table/write.csv wrote a leading row-name column (dropped)

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
    # R's write.table (row.names=TRUE) writes one more field per row than the header names: the row name,
    # quoted, first. write.csv names that column "" in the header. Either way the column is skipped.
    lines = first.split(b"\n", 2)
    if len(lines) > 1 and lines[1].strip():
        second = next(csv.reader(io.StringIO(lines[1].rstrip(b"\r").decode("utf-8", errors="replace")),
                                 delimiter=delim), [])
        leading = bool(second) and second[0].strip().isdigit()
        if leading and len(second) == len(names) + 1:
            return Layout(delim, '"', ["_ROW_NAME", *names], row_names=True)
        if leading and names[0] in ("", "X", "...1") and len(second) == len(names):
            return Layout(delim, '"', ["_ROW_NAME", *names[1:]], row_names=True)
    return Layout(delim, '"', names)


def _field(layout: Layout, name: str) -> str:
    """SQL for one cleaned text field: '' and 'NA' as NULL; NULL if the column is absent.

    Extracts are trimmed (spreadsheets and R pad values); raw exports are taken as GDELT wrote them.
    """
    pos = layout.position(name)
    if pos is None:
        return "NULL"
    if layout.header is None:
        return f"nullif(nullif(c{pos}, ''), 'NA')"
    return f"nullif(nullif(trim(c{pos}), ''), 'NA')"


def _width_sql(layout: Layout, name: str, positions: dict[int, int]) -> str:
    """A field whose position depends on the row's width (headerless files) or on the header."""
    if layout.header is not None:
        return _field(layout, name)
    cases = " ".join(f"WHEN {w} THEN nullif(nullif(c{p}, ''), 'NA')" for w, p in positions.items())
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
         "'GLOBALEVENTID ' || coalesce(_gdelt_q(id), 'missing') || ' is not a whole number'"),
        ("sqldate IS NULL OR length(sqldate) <> 8 OR left(sqldate, 1) NOT IN ('1', '2') "
         "OR TRY_CAST(sqldate AS UINTEGER) IS NULL OR try_strptime(sqldate, '%Y%m%d') IS NULL",
         "'SQLDATE ' || coalesce(_gdelt_q(sqldate), 'missing') || ' is not a YYYYMMDD date'"),
        ("monthyear IS DISTINCT FROM left(sqldate, 6) OR yr IS DISTINCT FROM left(sqldate, 4)",
         "'MonthYear ' || coalesce(_gdelt_q(monthyear), 'missing') || ' or Year ' || coalesce(_gdelt_q(yr), 'missing') "
         "|| ' disagrees with SQLDATE ' || sqldate || ': misaligned row'"),
        ("ref_root IS NULL",
         "'EventCode ' || coalesce(_gdelt_q(code), 'missing') || ' is not a CAMEO event code'"),
        ("rootcode IS DISTINCT FROM ref_root OR basecode IS DISTINCT FROM left(code, 3)",
         "'EventRootCode ' || coalesce(_gdelt_q(rootcode), 'missing') || ' or EventBaseCode ' || "
         "coalesce(_gdelt_q(basecode), 'missing') || ' disagrees with EventCode ' || code || ': misaligned row'"),
        ("quadclass IS DISTINCT FROM CAST(ref_quad AS VARCHAR)",
         "'QuadClass ' || coalesce(_gdelt_q(quadclass), 'missing') || ' is not the quad class of CAMEO root ' || ref_root"),
        ("g IS NULL OR isnan(g) OR abs(g) > 10",
         "'GoldsteinScale ' || coalesce(_gdelt_q(goldstein), 'missing') || ' is not a number in [-10, 10]'"),
        ("a1c IS NOT NULL AND NOT a1_known",
         "'Actor1CountryCode ' || _gdelt_q(a1c) || ' is not a CAMEO country code'"),
        ("a2c IS NOT NULL AND NOT a2_known",
         "'Actor2CountryCode ' || _gdelt_q(a2c) || ' is not a CAMEO country code'"),
        ("mentions IS NOT NULL AND TRY_CAST(mentions AS UINTEGER) IS NULL",
         "'NumMentions ' || _gdelt_q(mentions) || ' is not a count'"),
        ("tone IS NOT NULL AND (t IS NULL OR isnan(t))",
         "'AvgTone ' || _gdelt_q(tone) || ' is not a number'"),
        # extracts that went through a float column write DATEADDED as 2.0180105e+13; the event is intact
        ("dateadded IS NULL OR NOT ((length(dateadded) IN (8, 14) AND left(dateadded, 1) IN ('1', '2') "
         "AND TRY_CAST(dateadded AS UBIGINT) IS NOT NULL) "
         "OR regexp_full_match(dateadded, '[12]\\.[0-9]{0,13}e\\+(07|13)'))",
         "'DATEADDED ' || coalesce(_gdelt_q(dateadded), 'missing') || ' is not YYYYMMDD or YYYYMMDDHHMMSS'"),
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
        LEFT JOIN _gdelt_cameo ce ON ce.code = n.code
        LEFT JOIN _gdelt_country k1 ON k1.cameo = n.a1c
        LEFT JOIN _gdelt_country k2 ON k2.cameo = n.a2c
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


CANONICAL = ("dataset", "event_id", "date", "source_country", "target_country", "source_actor", "target_actor",
             "source_type", "target_type", "cameo", "root", "quad", "goldstein", "mentions", "tone", "url")
CANONICAL_SQL = ", ".join(CANONICAL)
FAILED = "dyad: a GDELT row fails a check"    # raised by the fast pass on its first bad row (see _fast_sql)


def _fast_sql(path: Path, width: int, rejects_table: str) -> str:
    """One parallel pass over a raw export whose rows should all have ``width`` fields.

    DuckDB reads exactly ``width`` fields per row; a row with another count, or with bytes that are not
    UTF-8, is set aside in ``rejects_table`` with its line number and text. Every other row must pass the
    same checks as :func:`_checks` (the conditions are their negations), and the first row that does not
    stops the statement with :data:`FAILED`: the file then goes through the careful pass, which names the
    reason and the line of every bad row. Clean files, the usual case, are read once, on all cores.
    """
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, width + 1)) + "}"
    src = (f"read_csv('{_sql_path(path)}', delim='\\t', quote='', escape='', header=false, columns={columns}, "
           "nullstr=['', 'NA'], auto_detect=false, ignore_errors=true, store_rejects=true, "
           f"rejects_table='{rejects_table}', rejects_scan='{rejects_table}_scans')")
    p = POSITIONS
    ok = """coalesce(
        length(id) <= 19 AND left(id, 1) BETWEEN '0' AND '9' AND TRY_CAST(id AS UBIGINT) IS NOT NULL
        AND length(sqldate) = 8 AND left(sqldate, 1) IN ('1', '2') AND TRY_CAST(sqldate AS UINTEGER) IS NOT NULL
        AND ts IS NOT NULL AND monthyear = left(sqldate, 6) AND yr = left(sqldate, 4)
        AND rootcode = ce.root AND basecode = left(n.code, 3) AND quadclass = CAST(ce.quad AS VARCHAR)
        AND NOT isnan(g) AND abs(g) <= 10
        AND (a1c IS NULL OR k1.cameo IS NOT NULL) AND (a2c IS NULL OR k2.cameo IS NOT NULL)
        AND (mentions IS NULL OR TRY_CAST(mentions AS UINTEGER) IS NOT NULL)
        AND (tone IS NULL OR NOT isnan(t))
        AND length(dateadded) IN (8, 14) AND left(dateadded, 1) IN ('1', '2')
        AND TRY_CAST(dateadded AS UBIGINT) IS NOT NULL, false)"""
    return f"""
    WITH n AS (
        SELECT c{p['GLOBALEVENTID']} AS id, c{p['SQLDATE']} AS sqldate, c{p['MONTHYEAR']} AS monthyear,
          c{p['YEAR']} AS yr, c{p['ACTOR1CODE']} AS a1, c{p['ACTOR1COUNTRYCODE']} AS a1c,
          c{p['ACTOR2CODE']} AS a2, c{p['ACTOR2COUNTRYCODE']} AS a2c,
          nullif(concat_ws(';', c{p['ACTOR1TYPE1CODE']}, c{p['ACTOR1TYPE2CODE']}, c{p['ACTOR1TYPE3CODE']}), '') AS t1,
          nullif(concat_ws(';', c{p['ACTOR2TYPE1CODE']}, c{p['ACTOR2TYPE2CODE']}, c{p['ACTOR2TYPE3CODE']}), '') AS t2,
          c{p['EVENTCODE']} AS code, c{p['EVENTBASECODE']} AS basecode, c{p['EVENTROOTCODE']} AS rootcode,
          c{p['QUADCLASS']} AS quadclass, TRY_CAST(c{p['GOLDSTEINSCALE']} AS DOUBLE) AS g,
          c{p['NUMMENTIONS']} AS mentions, c{p['AVGTONE']} AS tone, TRY_CAST(c{p['AVGTONE']} AS DOUBLE) AS t,
          c{DATEADDED_AT[width]} AS dateadded, {f"c{SOURCEURL_AT[width]}" if width in SOURCEURL_AT else "NULL"} AS url,
          try_strptime(c{p['SQLDATE']}, '%Y%m%d') AS ts
        FROM {src}
    )
    SELECT '{DATASET}' AS dataset, CASE WHEN {ok} THEN id ELSE error('{FAILED}') END AS event_id,
      CAST(ts AS DATE) AS date, k1.iso3 AS source_country, k2.iso3 AS target_country, a1 AS source_actor,
      a2 AS target_actor, t1 AS source_type, t2 AS target_type, n.code AS cameo, CAST(ce.root AS INTEGER) AS root,
      ce.quad AS quad, g AS goldstein, CAST(mentions AS INTEGER) AS mentions, t AS tone, url
    FROM n
    LEFT JOIN _gdelt_cameo ce ON ce.code = n.code
    LEFT JOIN _gdelt_country k1 ON k1.cameo = n.a1c
    LEFT JOIN _gdelt_country k2 ON k2.cameo = n.a2c
    """


class _Session:
    """What the parse needs on the store's connection, set up once per ingest and taken down after."""

    SETTINGS = {
        # order is not needed (line numbers come from a separate pass), and keeping it serialises the scan
        "preserve_insertion_order": "false",
        # The lookups (CAMEO codes, country codes) are LEFT JOINs with a few hundred rows on the right. Left
        # to itself DuckDB may flip them and build hash tables of the whole file; keep the small side as build.
        "disabled_optimizers": "build_side_probe_side",
    }

    def __init__(self, con, tmp: Path):
        self.con, self.tmp, self.names = con, tmp, 0

    def __enter__(self) -> _Session:
        run = self.run
        for k, v in self.SETTINGS.items():
            run(f"SET {k} = '{v}'")
        run("CREATE OR REPLACE TEMP MACRO _gdelt_q(x) AS '''' || left(x, 60) || ''''")  # a value quoted in a reason
        self.con.register("_gdelt_cameo_frame", ref.cameo_events()[["code", "root", "quad"]])
        self.con.register("_gdelt_country_frame", ref.cameo_countries())
        try:
            run("CREATE OR REPLACE TEMP TABLE _gdelt_cameo AS SELECT * FROM _gdelt_cameo_frame")
            run("CREATE OR REPLACE TEMP TABLE _gdelt_country AS SELECT * FROM _gdelt_country_frame")
        finally:
            self.con.unregister("_gdelt_cameo_frame")
            self.con.unregister("_gdelt_country_frame")
        return self

    def __exit__(self, *exc: object) -> None:
        self.drop("_gdelt_cameo", "_gdelt_country")
        for sql in ["DROP MACRO IF EXISTS _gdelt_q"] + [f"RESET {k}" for k in self.SETTINGS]:
            self.quietly(sql)

    def run(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def quietly(self, sql: str) -> None:
        """Clean-up that must not hide the error that brought us here."""
        try:
            self.run(sql)
        except engine.duckdb_error_types():
            pass

    def drop(self, *tables: str) -> None:
        """Drop temporary tables; a DuckDB rejects table is dropped with its ``_scans`` companion."""
        for t in tables:
            self.quietly(f"DROP TABLE IF EXISTS {t}")
            self.quietly(f"DROP TABLE IF EXISTS {t}_scans")

    def name(self, stem: str) -> str:
        self.names += 1
        return f"_gdelt_{stem}_{self.names}"


def long_lines(path: Path, cap: int, chunk: int = 1 << 24) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Line numbers (1-based), start offsets and lengths of the lines of ``path`` longer than ``cap`` bytes.

    One streaming pass (newlines found with numpy, about a gigabyte a second); memory stays at one chunk.
    """
    numbers, starts, lengths = [], [], []
    line_no, line_start, base = 0, 0, 0
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10) + base
            if len(ends):
                begins = np.concatenate([[line_start], ends[:-1] + 1])
                long = np.flatnonzero(ends - begins > cap)
                numbers.append(line_no + 1 + long)
                starts.append(begins[long])
                lengths.append(ends[long] - begins[long])
                line_no += len(ends)
                line_start = int(ends[-1]) + 1
            base += len(block)
    if base - line_start > cap:         # a last line without a newline
        numbers.append(np.array([line_no + 1]))
        starts.append(np.array([line_start]))
        lengths.append(np.array([base - line_start]))
    if not numbers:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    return tuple(np.concatenate(x).astype(np.int64) for x in (numbers, starts, lengths))


def _without_long_lines(session: _Session, path: Path, label: str, cap: int):
    """A copy of ``path`` without its lines longer than ``cap``, the rejects for those lines, and a function
    mapping a line of the copy to the line of the original; None when no line is that long."""
    numbers, starts, lengths = long_lines(path, cap)
    if not len(numbers):
        return None
    copy = session.tmp / f"{session.name('short')}.txt"
    raws = []
    with open(path, "rb") as src, open(copy, "wb") as dst:
        pos = 0
        for start, length in zip(starts.tolist(), lengths.tolist(), strict=True):
            _copy_range(src, dst, pos, start)
            src.seek(start)
            raws.append(src.read(200).decode("utf-8", errors="replace") + "...")
            pos = start + length + 1            # past the newline
        _copy_range(src, dst, pos, None)
    rejects = pd.DataFrame({
        "file": label, "row": numbers,
        "reason": [f"row is {n:,} bytes long, beyond dyad's limit of {cap:,} for one row (a SOURCEURL or other "
                   f"field of that size?); set DYAD_MAX_LINE higher to load it" for n in lengths.tolist()],
        "raw": raws})
    shift = numbers - np.arange(len(numbers))      # kept lines before removed line i: numbers[i] - 1 - i

    def original(rows: pd.Series) -> pd.Series:
        r = rows.astype("int64").to_numpy()
        return pd.Series(r + np.searchsorted(shift, r, side="right"), index=rows.index)

    return copy, rejects, original


def _copy_range(src, dst, start: int, end: int | None) -> None:
    src.seek(start)
    left = None if end is None else end - start
    while left is None or left > 0:
        block = src.read(1 << 22 if left is None else min(1 << 22, left))
        if not block:
            break
        dst.write(block)
        if left is not None:
            left -= len(block)


def parse_file(session: _Session, path: Path, staging: str, label: str | None = None,
               fast: bool = True, notes: list | None = None) -> tuple[FileCount, pd.DataFrame]:
    """Parse one plain file (see :func:`_parse_file`); rows longer than ``$DYAD_MAX_LINE`` bytes are set
    aside first as rejects with their reason, so that no row is cut short or lost inside the CSV reader."""
    label = label or str(path)
    cut = _without_long_lines(session, path, label, safety.limit("DYAD_MAX_LINE"))
    if cut is None:
        return _parse_file(session, path, staging, label, fast, notes)
    copy, long_rejects, original = cut
    try:
        count, rejects = _parse_file(session, copy, staging, label, fast, notes)
    finally:
        copy.unlink()
    if len(rejects):
        rejects = rejects.assign(row=original(rejects["row"]))
    rejects = pd.concat([rejects, long_rejects], ignore_index=True).sort_values("row", kind="stable")
    n = len(long_rejects)
    return (FileCount(label, count.rows_read + n, count.rows_loaded, count.rows_rejected + n),
            rejects.reset_index(drop=True))


def _parse_file(session: _Session, path: Path, staging: str, label: str | None = None,
                fast: bool = True, notes: list | None = None) -> tuple[FileCount, pd.DataFrame]:
    """Parse and validate one plain (unzipped) file; append its good rows to ``staging``.

    Returns the file's counts and rejects. Raw exports go through the fast pass (:func:`_fast_sql`) and fall
    back to the careful pass (:func:`_careful`) when a row fails a check; extracts take the careful pass.
    """
    label = label or str(path)
    with open(path, "rb") as fh:
        first = fh.read(1 << 16)
    if not first.strip():
        return FileCount(label, 0, 0, 0), empty_rejects()
    layout = sniff(path, first)
    if layout.row_names and notes is not None:
        notes.append(f"{label}: leading row-name column written by R (write.table/write.csv) skipped")
    try:
        if layout.header is None:
            width = first.split(b"\n", 1)[0].rstrip(b"\r").count(b"\t") + 1
            if fast and width in HEADERLESS:
                done = _fast(session, path, staging, width, label)
                if done is not None:
                    return done
        return _careful(session, path, staging, layout, label)
    except engine.duckdb_error_types() as exc:
        raise SourceError(f"{label}: cannot be read as a GDELT file: {exc}. Check that it is a GDELT export "
                          "or extract (docs/sources/events.md lists the layouts).") from exc


def _fast(session: _Session, path: Path, staging: str, width: int, label: str):
    """The fast pass; None when a row failed a check (nothing was added to ``staging`` then)."""
    rejects_table = session.name("rejects")
    try:
        try:
            loaded = session.run(f'INSERT INTO "{staging}" ({CANONICAL_SQL}) '
                                 f"{_fast_sql(path, width, rejects_table)}")[0][0]
        except engine.duckdb_error_types() as exc:
            if FAILED in str(exc):
                return None
            raise
        set_aside = session.con.execute(
            f"SELECT line, any_value(error_type) AS error_type, any_value(error_message) AS error_message, "
            f"any_value(csv_line) AS csv_line FROM {rejects_table} GROUP BY line ORDER BY line").df()
    finally:
        session.drop(rejects_table)
    loaded = int(loaded)
    undecoded = set_aside[set_aside["error_type"] == "INVALID ENCODING"]
    rejects = [_unreadable_rows(undecoded)]
    widths = set_aside[set_aside["error_type"] != "INVALID ENCODING"]
    if len(widths):
        # rows of another width: the careful pass over just those lines (a file may mix 57, 58 and 61 fields)
        lines = session.tmp / f"{session.name('lines')}.tsv"
        lines.write_text("\n".join(widths["csv_line"]) + "\n", encoding="utf-8")
        count, more = _careful(session, lines, staging, Layout("\t", "", None), label)
        lines.unlink()
        if count.rows_read != len(widths):
            raise SourceError(f"{label}: {len(widths)} rows set aside by the fast pass read back as "
                              f"{count.rows_read}; report this file to the dyad developers.")
        line_of = widths["line"].astype("int64").to_numpy()
        rejects.append(more.assign(row=[int(line_of[r - 1]) for r in more["row"]]))
        loaded += count.rows_loaded
    out = pd.concat(rejects, ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True)
    out["file"] = label
    out = out[["file", "row", "reason", "raw"]]
    return FileCount(label, loaded + len(out), loaded, len(out)), out


def _unreadable_rows(undecoded: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"row": undecoded["line"].astype("int64"),
                         "reason": "unreadable row (" + undecoded["error_type"].str.lower() + "): "
                         + undecoded["error_message"].str.slice(0, 200),
                         "raw": undecoded["csv_line"]})


def _careful(session: _Session, path: Path, staging: str, layout: Layout, label: str) -> tuple[FileCount, pd.DataFrame]:
    """The careful pass: every row gets the first failed check as its reason, and bad rows their line."""
    part, rejects_table = session.name("part"), session.name("rejects")
    run = session.run
    offset = 1 if layout.header is not None else 0
    try:
        run(f"CREATE TEMP TABLE {part} AS {_select_sql(layout, _read_csv_sql(path, layout, rejects_table), None)}")
        read, good = run(f"SELECT count(*), count(*) FILTER (WHERE reason IS NULL) FROM {part}")[0]
        run(f'INSERT INTO "{staging}" ({CANONICAL_SQL}) SELECT {CANONICAL_SQL} FROM {part} WHERE reason IS NULL')
        rejects = empty_rejects().drop(columns="file")
        if read > good:
            # Line numbers need the rows in file order, which keeps DuckDB on one thread: only files with
            # bad rows pay for this second pass.
            run("SET preserve_insertion_order = true")
            try:
                numbered = _select_sql(layout, _read_csv_sql(path, layout, rejects_table + "_n"), offset)
                rejects = session.con.execute(f"SELECT line AS row, reason FROM ({numbered}) "
                                              "WHERE reason IS NOT NULL ORDER BY line").df()
                rejects = _describe_rejects(session, path, layout, offset, rejects, rejects_table + "_d")
            finally:
                run("SET preserve_insertion_order = false")
        undecoded = session.con.execute(
            f"SELECT line, error_type, error_message, csv_line FROM {rejects_table} ORDER BY line").df()
    finally:
        session.drop(part, rejects_table, rejects_table + "_n", rejects_table + "_d")
    rejects = _fix_lines(rejects, undecoded, offset)
    rejects = pd.concat([rejects, _unreadable_rows(undecoded)], ignore_index=True).sort_values("row", kind="stable")
    rejects.insert(0, "file", label)
    read_rows = int(read) + len(undecoded)
    return FileCount(label, read_rows, int(good), read_rows - int(good)), rejects.reset_index(drop=True)


def _describe_rejects(session: _Session, path: Path, layout: Layout, offset: int, rejects: pd.DataFrame,
                      rejects_table: str) -> pd.DataFrame:
    """Second pass over a file that has rejects: their raw text and exact field count, by line."""
    cols = [f"c{i}" for i in range(1, WIDTH + 1)]
    nf = " + ".join(f"({c} IS NOT NULL)::INTEGER" for c in cols)
    delim = "chr(9)" if layout.delim == "\t" else "','"
    session.con.register("_gdelt_reject_lines", rejects[["row"]])
    try:
        found = session.con.execute(
            f"SELECT line, {nf} AS nf, concat_ws({delim}, {', '.join(cols)}) AS raw FROM ("
            f"  SELECT row_number() OVER () + {offset} AS line, * FROM {_read_csv_sql(path, layout, rejects_table)})"
            " WHERE line IN (SELECT row FROM _gdelt_reject_lines)").df().set_index("line")
    finally:
        session.con.unregister("_gdelt_reject_lines")
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
        return [p for p in safety.walk_files(path) if p.suffix.lower() in SUFFIXES]
    return [path]


@dataclass(frozen=True)
class GdeltFiles:
    """GDELT files to be parsed inside the store's database (an :class:`~dyad.sources.InDatabase`)."""

    files: tuple[Path, ...]
    fast: bool = True      # False: every file takes the careful pass (for checking the fast one)
    notes: list = field(default_factory=list, compare=False)   # repairs made while parsing (recorded)

    def stage(self, con, staging: str) -> tuple[list[FileCount], pd.DataFrame]:
        types = dict(schema.TABLES["events"].columns)
        con.execute(f'CREATE TEMP TABLE "{staging}" ({", ".join(f"{c} {types[c]}" for c in CANONICAL)})').fetchall()
        counts: list[FileCount] = []
        rejects: list[pd.DataFrame] = []
        tmp = Path(tempfile.mkdtemp(prefix="dyad-gdelt-"))
        try:
            with _Session(con, tmp) as session:
                for f in self.files:
                    if self.fast and f.suffix.lower() == ".zip":
                        more, bad = _zip_batched(session, f, staging)
                        counts += more
                        rejects += bad
                        continue
                    for plain, label in _plain_files(f, tmp):
                        count, rej = parse_file(session, plain, staging, label, fast=self.fast,
                                                notes=self.notes)
                        counts.append(count)
                        rejects.append(rej)
                        if plain.parent == tmp / "unzipped":
                            plain.unlink()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return counts, pd.concat(rejects, ignore_index=True) if rejects else empty_rejects()


def read(path: Path, fast: bool = True, **options) -> ReadResult:
    """Read a GDELT file or a folder of them (plain or zipped); see the module docstring.

    The files are parsed when the store stages them (:meth:`GdeltFiles.stage`), inside its database;
    ``fast=False`` (``--option fast=false``) sends every file through the careful pass.
    """
    files = _members(path)
    if not files:
        raise SourceError(f"{path}: no GDELT files (*.csv, *.tsv, *.txt, *.zip) in this folder.")
    if str(fast).strip().lower() not in {"true", "false", "1", "0", "yes", "no"}:
        raise SourceError(f"gdelt option fast={fast!r}: give true or false (e.g. --option fast=false).")
    fast = str(fast).strip().lower() in {"true", "1", "yes"}
    return ReadResult(tables={"events": GdeltFiles(tuple(files), fast=fast)}, rejects=empty_rejects(), files=[])


BATCH_BYTES = 256 << 20     # members of a zip parsed together, up to this many bytes at a time


def _batchable(data: bytes) -> bool:
    """A raw export member that can share one parse with others: headerless, of a GDELT width, LF line
    ends and no blank line (so that its rows are exactly its lines)."""
    if not data or len(data) > BATCH_BYTES or b"\r" in data or data.startswith(b"\n"):
        return False
    first = data[:1 << 16].split(b"\n", 1)[0]
    if b"GLOBALEVENTID" in first.upper() or first.count(b"\t") + 1 not in HEADERLESS:
        return False
    return b"\n\n" not in data


def _zip_batched(session: _Session, path: Path, staging: str) -> tuple[list[FileCount], list[pd.DataFrame]]:
    """Members of a GDELT zip, small raw exports parsed in batches (one DuckDB pass per batch instead of
    one per member: a zip of 20,000 15-minute files), other members one by one. Counts and rejects stay
    per member, with the member's own line numbers."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise SourceError(f"{path}: not a readable zip archive ({exc}). Download it again "
                          "(dyad ingest gdelt --start ... verifies the checksum).") from exc
    counts: list[FileCount] = []
    rejects: list[pd.DataFrame] = []
    batch: list[tuple[str, int]] = []
    batch_file = session.tmp / f"{session.name('batch')}.tsv"
    out = None

    def flush() -> None:
        nonlocal out
        if out is None:
            return
        out.close()
        out = None
        c, r = _split_batch(session, batch_file, staging, batch)
        counts.extend(c)
        rejects.append(r)
        batch.clear()
        batch_file.unlink()

    with archive:
        size = 0
        for info in safety.zip_members(path, archive):
            label = f"{path}!{info.filename}"
            data = archive.read(info) if info.file_size <= BATCH_BYTES else b""
            if _batchable(data):
                if out is not None and size + len(data) > BATCH_BYTES:
                    flush()
                if out is None:
                    out, size = open(batch_file, "wb"), 0
                out.write(data if data.endswith(b"\n") else data + b"\n")
                size += len(data) + 1
                batch.append((label, data.count(b"\n") + (not data.endswith(b"\n"))))
                continue
            del data
            plain = safety.extract_member(path, archive, info, session.tmp / "unzipped", flat=True)
            try:
                c, r = parse_file(session, plain, staging, label)
            finally:
                plain.unlink()
            counts.append(c)
            rejects.append(r)
        flush()
    return counts, rejects


def _split_batch(session: _Session, batch_file: Path, staging: str,
                 members: list[tuple[str, int]]) -> tuple[list[FileCount], pd.DataFrame]:
    """Parse a batch file and give each member its counts and rejects (line numbers within the member)."""
    count, rej = parse_file(session, batch_file, staging, str(batch_file))
    lines = np.array([n for _, n in members], dtype=np.int64)
    ends = np.cumsum(lines)
    if count.rows_read != int(ends[-1]):
        raise SourceError(f"{members[0][0]}...: {int(ends[-1])} lines in {len(members)} zip members read back as "
                          f"{count.rows_read} rows; report this archive to the dyad developers.")
    rows = rej["row"].astype("int64").to_numpy()
    which = np.searchsorted(ends, rows, side="left")
    starts = ends - lines
    rej = rej.assign(file=[members[i][0] for i in which], row=rows - starts[which])
    bad = np.bincount(which, minlength=len(members))
    counts = [FileCount(label, int(n), int(n - b), int(b)) for (label, n), b in zip(members, bad, strict=True)]
    return counts, rej


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
        for info in safety.zip_members(path, archive):
            target = safety.extract_member(path, archive, info, tmp / "unzipped", flat=True)
            yield target, f"{path}!{info.filename}"



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
