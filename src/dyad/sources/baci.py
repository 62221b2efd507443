"""CEPII BACI: reconciled bilateral trade at the HS 6-digit level.

Format read: ``BACI_HS{rev}_Y{year}_V{version}.csv`` files with the header ``t,i,j,k,v,q`` (year, exporter,
importer, HS6 product, value in **thousand** US dollars, quantity in metric tons), alone, in a folder, or
inside CEPII's release zip. Exporter and importer are UN M49-like numbers with a few BACI-specific codes
(251 France, 842 USA, 699 India, 757 Switzerland, 579 Norway, 490 Taiwan, 381 Italy); when the release's
``country_codes_V*.csv`` is beside the data (or in the zip) its ISO3 column is used instead.

Products lose their leading zero when the file is read as numbers (``10620`` is ``010620``): codes are
padded back to six digits. Values are stored in US dollars (``v * 1000``).

Rows are parsed and validated inside DuckDB (a full BACI year has about 11 million rows).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import weakref
import zipfile
from pathlib import Path

import pandas as pd

from dyad import engine, safety, schema
from dyad.sources import FileCount, ReadResult, SimpleAdapter, SourceError, empty_rejects
from dyad.sources._tabular import fetch_zip, first_lines, header_fields, iso3_map

HEADER = ["t", "i", "j", "k", "v", "q"]
# BACI's own numbers where they differ from UN M49 (CEPII country_codes_V202401.csv).
BACI_CODES = {251: "FRA", 842: "USA", 699: "IND", 757: "CHE", 579: "NOR", 490: "TWN", 381: "ITA"}
CEPII_HOME = "https://www.cepii.fr/DATA_DOWNLOAD/baci/data"
DEFAULT_RELEASE = "HS17_V202401"


def _is_baci(path: Path) -> bool:
    lines = first_lines(path, 1)
    return bool(lines) and [h.strip().lower() for h in header_fields(lines[0])] == HEADER


def _classification(path: Path) -> str:
    m = re.search(r"BACI_(HS\d\d)", path.name, re.I)
    return m.group(1).upper() if m else "HS"


def _country_table(files: list[Path]) -> dict[int, str]:
    """ISO3 per BACI code from a ``country_codes_V*.csv`` next to the data, if present."""
    out: dict[int, str] = {}
    for f in files:
        if f.name.lower().startswith("country_codes"):
            table = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8", encoding_errors="replace")
            code = next((c for c in table.columns if c.lower() == "country_code"), None)
            iso = next((c for c in table.columns if c.lower() in ("country_iso3", "iso_3digit_alpha")), None)
            if code and iso:
                for c, i in zip(table[code], table[iso], strict=True):
                    if c.strip().isdigit() and re.fullmatch(r"[A-Z]{3}", i.strip() or ""):
                        out[int(c)] = i.strip()
    return out


_VALIDATE = """
CREATE TABLE parsed AS
SELECT rn + 1 AS line, t, i, j, k, v, q,
       TRY_CAST(trim(t) AS INTEGER) AS year, TRY_CAST(trim(i) AS INTEGER) AS ic,
       TRY_CAST(trim(j) AS INTEGER) AS jc, trim(k) AS kk,
       TRY_CAST(trim(v) AS DOUBLE) AS vv,
       CASE WHEN trim(coalesce(q, '')) IN ('', 'NA') THEN NULL ELSE TRY_CAST(trim(q) AS DOUBLE) END AS qq,
       trim(coalesce(q, '')) IN ('', 'NA') AS q_missing
FROM (SELECT *, row_number() OVER () AS rn FROM read_csv(?, header = true, all_varchar = true,
      columns = {'t': 'VARCHAR', 'i': 'VARCHAR', 'j': 'VARCHAR', 'k': 'VARCHAR', 'v': 'VARCHAR', 'q': 'VARCHAR'},
      null_padding = true, strict_mode = false))
"""

_REASON = """
CREATE TABLE checked AS
SELECT p.*, ei.iso3 AS exporter, ej.iso3 AS importer,
  CASE
    WHEN year IS NULL OR year < 1988 OR year > 2100 THEN 'year t is not a year from 1988 on: ' || coalesce(t, 'missing')
    WHEN ic IS NULL THEN 'exporter i is not a number: ' || coalesce(i, 'missing')
    WHEN jc IS NULL THEN 'importer j is not a number: ' || coalesce(j, 'missing')
    WHEN ei.iso3 IS NULL THEN 'exporter code ' || ic || ' is not a known BACI/M49 country (add it to baci.BACI_CODES)'
    WHEN ej.iso3 IS NULL THEN 'importer code ' || jc || ' is not a known BACI/M49 country (add it to baci.BACI_CODES)'
    WHEN kk IS NULL OR NOT regexp_full_match(kk, '[0-9]{5,6}') THEN 'product k is not an HS6 code: ' || coalesce(k, 'missing')
    WHEN vv IS NULL THEN 'value v is not a number: ' || coalesce(v, 'missing')
    WHEN vv < 0 THEN 'value v is negative: ' || v
    WHEN NOT q_missing AND qq IS NULL THEN 'quantity q is not a number or NA: ' || q
    WHEN row_number() OVER (PARTITION BY year, ic, jc, lpad(kk, 6, '0') ORDER BY line) > 1
      THEN 'duplicate: an earlier line gives this year, exporter, importer and product'
  END AS reason
FROM parsed p LEFT JOIN codes ei ON ei.code = p.ic LEFT JOIN codes ej ON ej.code = p.jc
"""


_FAST = """
CREATE TABLE fast AS SELECT t AS year, i AS ic, j AS jc, trim(k) AS kk, v AS vv, trim(coalesce(q, '')) AS qs
FROM read_csv(?, header = true, store_rejects = true,
              columns = {'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER', 'k': 'VARCHAR', 'v': 'DOUBLE', 'q': 'VARCHAR'})
"""
_FAST_PROBLEMS = """
SELECT count(*) FROM fast f LEFT JOIN codes ei ON ei.code = f.ic LEFT JOIN codes ej ON ej.code = f.jc
WHERE year IS NULL OR year < 1988 OR year > 2100 OR ei.iso3 IS NULL OR ej.iso3 IS NULL OR vv IS NULL OR vv < 0
   OR kk IS NULL OR length(kk) NOT IN (5, 6) OR TRY_CAST(kk AS INTEGER) IS NULL
   OR (qs NOT IN ('', 'NA') AND TRY_CAST(qs AS DOUBLE) IS NULL)
"""


def _codes(con, table: str, extra_codes: dict[int, str]) -> None:
    """A ``codes`` table: ISO3 for every exporter/importer number in ``table``."""
    codes = [r[0] for r in con.execute(
        f"SELECT DISTINCT ic FROM {table} WHERE ic IS NOT NULL UNION SELECT DISTINCT jc FROM {table} "
        "WHERE jc IS NOT NULL").fetchall()]
    mapping = iso3_map(codes, "m49", {**BACI_CODES, **extra_codes})
    con.register("codes_df", pd.DataFrame({"code": list(mapping), "iso3": list(mapping.values())},
                                           columns=["code", "iso3"]).astype({"code": "int64", "iso3": "object"}))
    con.execute("CREATE OR REPLACE TABLE codes AS SELECT code::INTEGER AS code, iso3::VARCHAR AS iso3 "
                "FROM codes_df").fetchall()


def _scope_sql(countries_: set[str] | None, bad_ok: bool) -> str:
    if not countries_:
        return ""
    names = ", ".join(f"'{c}'" for c in sorted(countries_))
    return f" AND (exporter IN ({names}) OR importer IN ({names}){' OR reason IS NOT NULL' if bad_ok else ''})"


def _fast(con, file: Path, extra_codes: dict[int, str], countries_: set[str] | None):
    """Typed parallel parse; returns None when any row needs the row-by-row checks of the slow path."""
    con.execute(_FAST, [str(file)]).fetchall()
    if con.execute("SELECT count(*) FROM reject_errors").fetchall()[0][0]:
        return None
    _codes(con, "fast", extra_codes)
    if con.execute(_FAST_PROBLEMS).fetchall()[0][0]:
        return None
    # A repeated (year, exporter, importer, product) would be merged silently by the store: check here.
    if con.execute("SELECT count(*) FROM (SELECT 1 FROM fast GROUP BY year, ic, jc, lpad(kk, 6, '0') "
                   "HAVING count(*) > 1)").fetchall()[0][0]:
        return None
    cls = _classification(file)
    rel = (f"SELECT 'baci' AS source, year, 0 AS month, ei.iso3 AS exporter, ej.iso3 AS importer, "
           f"lpad(kk, 6, '0') AS product, '{cls}' AS classification, 'baci' AS reporter, vv * 1000.0 AS value_usd, "
           "CASE WHEN qs IN ('', 'NA') THEN NULL ELSE CAST(qs AS DOUBLE) END AS quantity, 't' AS quantity_unit "
           "FROM fast f JOIN codes ei ON ei.code = f.ic JOIN codes ej ON ej.code = f.jc")
    n_all = con.execute("SELECT count(*) FROM fast").fetchall()[0][0]
    return f"SELECT * FROM ({rel}) WHERE TRUE {_scope_sql(countries_, False)}", empty_rejects().drop(columns="file"), n_all


def _slow(con, file: Path, extra_codes: dict[int, str], countries_: set[str] | None):
    """Row-by-row validation with line numbers, for files with bad rows: every reject gets its reason."""
    con.execute(_VALIDATE, [str(file)]).fetchall()
    _codes(con, "parsed", extra_codes)
    con.execute(_REASON).fetchall()
    n_all = con.execute("SELECT count(*) FROM checked").fetchall()[0][0]
    cls = _classification(file)
    good = (f"SELECT 'baci' AS source, year, 0 AS month, exporter, importer, lpad(kk, 6, '0') AS product, "
            f"'{cls}' AS classification, 'baci' AS reporter, vv * 1000.0 AS value_usd, qq AS quantity, "
            f"'t' AS quantity_unit FROM checked WHERE reason IS NULL {_scope_sql(countries_, False)}")
    bad = con.execute(
        "SELECT line AS row, reason, concat_ws(',', coalesce(t, ''), coalesce(i, ''), coalesce(j, ''), "
        "coalesce(k, ''), coalesce(v, ''), coalesce(q, '')) AS raw FROM checked WHERE reason IS NOT NULL "
        "ORDER BY line").df()
    return good, bad, n_all


def _read_file(file: Path, extra_codes: dict[int, str], countries_: set[str] | None, out: Path | None):
    """Validate one BACI CSV; its good rows go to the Parquet file ``out``, or are returned as Arrow."""
    con = engine.scratch()
    table = None
    try:
        done = _fast(con, file, extra_codes, countries_)
        if done is None:
            done = _slow(con, file, extra_codes, countries_)
        select, bad, n_all = done
        if out is None:
            table = con.sql(select).to_arrow_table()
            n_good = table.num_rows
        else:
            con.execute(f"COPY ({select}) TO '{out}' (FORMAT parquet)").fetchall()
            n_good = con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchall()[0][0]
    except engine.duckdb_error_types() as exc:
        raise SourceError(f"{file}: cannot parse as a BACI CSV ({exc}). Expected the header t,i,j,k,v,q.") from exc
    finally:
        con.close()
    bad.insert(0, "file", str(file))
    skipped = n_all - n_good - len(bad)
    notes = [f"{file.name}: {skipped:,} rows outside {sorted(countries_ or ())} skipped"] if skipped else []
    return table, bad, FileCount(str(file), n_all - skipped, n_good, len(bad)), notes


class _ParquetStage:
    """Loads the validated Parquet parts into the store's staging table, then deletes them.

    A full BACI release is hundreds of millions of rows: they go from CSV to Parquet to the store without
    passing through Python memory. If the ingest never gets to call this, the folder goes with the object.
    """

    def __init__(self, folder: Path, parts: list[Path]):
        self.folder, self.parts = folder, parts
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(folder), True)

    def __call__(self, con, staging: str) -> None:
        cols = ", ".join(f'"{c}"' for c in schema.TABLES["trade"].column_names)
        files = ", ".join(f"'{p}'" for p in self.parts)
        try:
            con.execute(f'CREATE TEMP TABLE "{staging}" AS SELECT {cols} FROM read_parquet([{files}])').fetchall()
        finally:
            self._cleanup()


def _members(path: Path, workdir: Path) -> tuple[list[Path], dict[int, str]]:
    """BACI data files to read (zip members are listed, extracted one at a time later) and the country table."""
    if path.is_file() and path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                # checked names and sizes (dyad.safety): the archive's own members, never local files
                members = safety.zip_members(path, zf, lambda n: n.lower().endswith(".csv"))
                names = [i.filename for i in members]
                small = [n for n in names if not re.search(r"BACI_", n, re.I)]
                for info in members:
                    if info.filename in small:
                        safety.extract_member(path, zf, info, workdir)
        except zipfile.BadZipFile as exc:
            raise SourceError(f"{path}: not a readable zip ({exc}); download the BACI release again.") from exc
        data = [n for n in names if n not in small]
        return [Path(n) for n in sorted(data)], _country_table([workdir / n for n in small])
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    # CEPII ships country_codes_V*.csv beside the yearly BACI_HS*_Y*_V*.csv files: a single yearly file
    # takes its country table from its folder, as a whole release folder does
    siblings = [] if path.is_dir() else sorted(p for p in path.parent.glob("[cC][oO][uU][nN][tT][rR][yY]_codes*.csv")
                                                if p.is_file())
    return [f for f in files if f.suffix.lower() == ".csv" and _is_baci(f)], _country_table(files + siblings)


def read(path: Path, countries: str | list[str] | None = None, **_: object) -> ReadResult:
    """Read BACI files (CSV, folder or release zip). ``countries`` keeps flows touching those ISO3 codes."""
    if isinstance(countries, str):      # from the command line: "CHN,RUS"
        countries = [c.strip() for c in countries.split(",") if c.strip()]
    scope = set(countries) if countries else None
    folder = Path(tempfile.mkdtemp(prefix="dyad-baci-"))
    try:
        data, extra = _members(path, folder)
        is_zip = path.suffix.lower() == ".zip"
        if not data:
            if path.is_file() and not is_zip:
                got = first_lines(path, 1)
                raise SourceError(f"{path}: line 1 is {got[0] if got else 'empty'!r}, not the BACI header "
                                  "t,i,j,k,v,q. Is this a BACI file?")
            raise SourceError(f"{path}: no BACI data file (CSV with header t,i,j,k,v,q) found.")
        # One CSV (one year, up to ~11 million rows) stays in memory as Arrow; several (a release) are
        # staged as Parquet so that memory does not grow with the number of years.
        staged = is_zip or len(data) > 1
        parts, tables, bads, counts, notes = [], [], [empty_rejects()], [], []
        for n, member in enumerate(data):
            if is_zip:      # one year at a time: a release unpacks to tens of GB
                with zipfile.ZipFile(path) as zf:
                    f = safety.extract_member(path, zf, zf.getinfo(str(member)), folder)
            else:
                f = member
            out = folder / f"part_{n:04d}.parquet" if staged else None
            table, bad, count, note = _read_file(f, extra, scope, out)
            if is_zip:      # name the member inside the zip, not the temporary copy
                f.unlink()
                bad["file"] = count.file = f"{path}!{member}"
            parts += [out] if out else []
            tables += [table] if table is not None else []
            bads.append(bad)
            counts.append(count)
            notes += note
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if not staged:
        shutil.rmtree(folder, ignore_errors=True)
        return ReadResult({"trade": tables[0]}, pd.concat(bads, ignore_index=True), counts, notes)
    return ReadResult({"trade": _ParquetStage(folder, parts)}, pd.concat(bads, ignore_index=True), counts, notes)


def download(start: str | None = None, end: str | None = None, cache: Path | None = None,
             release: str = DEFAULT_RELEASE, base_url: str = CEPII_HOME) -> list[Path]:
    """Fetch CEPII's BACI release zip (``BACI_<release>.zip``, all years, about 2 GB) into the cache folder.

    ``start``/``end`` do not apply: CEPII publishes each release as one zip. A partial download resumes.
    """
    from dyad import download as dl

    name = f"BACI_{release}.zip"
    folder = Path(cache) if cache else dl.cache_dir("baci")
    return [fetch_zip(f"{base_url.rstrip('/')}/{name}", name, folder)]


ADAPTER = SimpleAdapter(
    name="baci",
    description="CEPII BACI bilateral trade, HS6, values in thousand USD (stored as USD)",
    tables=("trade",),
    reader=read,
    formats="BACI_*.csv (t,i,j,k,v,q), a folder of them, or the CEPII release .zip",
    downloader=download,
)
