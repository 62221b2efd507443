"""Helpers shared by the trade, arms and covariate adapters: file discovery by header, reject frames."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from dyad import countries, schema
from dyad.sources import ReadResult, SourceError, empty_rejects


def first_lines(path: Path, n: int = 20, encoding: str = "utf-8-sig") -> list[str]:
    """The first ``n`` lines of a text file (undecodable bytes replaced), for sniffing its layout."""
    out = []
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        for _ in range(n):
            line = fh.readline()
            if not line:
                break
            out.append(line.rstrip("\r\n"))
    return out


def header_fields(line: str) -> list[str]:
    return next(csv.reader(io.StringIO(line)), [])


def pick_files(path: Path, accept: Callable[[Path], bool], what: str, suffixes: Iterable[str]) -> list[Path]:
    """The files of a folder this adapter reads (``accept`` sniffs each); a single file is taken as given."""
    if path.is_file():
        return [path]
    suffixes = tuple(suffixes)
    found = sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(suffixes) and accept(p))
    if not found:
        raise SourceError(f"{path}: no {what} files in this folder (looked at {', '.join(suffixes)} files "
                          "and their header lines). Pass the file itself with --from FILE.")
    return found


def rejects(file: Path, rows: Iterable[int] | np.ndarray, reasons: Iterable[str], raw: Iterable[str]) -> pd.DataFrame:
    """A quarantine frame (file, 1-based line, reason, raw text)."""
    lines = np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows, dtype="int64")
    if not len(lines):
        return empty_rejects()
    return pd.DataFrame({"file": str(file), "row": lines, "reason": list(reasons), "raw": list(raw)})


def raw_text(frame: pd.DataFrame, mask) -> list[str]:
    """Rows of a string frame joined back with commas, for the quarantine."""
    sub = frame.loc[mask]
    return [",".join("" if pd.isna(v) else str(v) for v in row) for row in sub.itertuples(index=False)]


def canonical(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of a canonical table in schema order (absent ones filled with nulls)."""
    cols = schema.TABLES[table].column_names
    out = frame.reindex(columns=list(cols))
    return out.reset_index(drop=True)


def iso3_map(codes: Iterable, scheme: str, extra: dict | None = None) -> dict:
    """Code -> ISO3 for each distinct code (None where unknown); ``extra`` overrides the scheme."""
    extra = extra or {}
    out = {}
    for code in set(codes):
        if code in extra:
            out[code] = extra[code]
        else:
            out[code] = countries.try_resolve(code, scheme) if code is not None else None
    return out


def to_number(series: pd.Series) -> pd.Series:
    """Numbers from strings; blanks and 'NA' become NaN (callers decide whether that is an error)."""
    return pd.to_numeric(series.astype("string").str.strip().replace({"": None, "NA": None}), errors="coerce")


def fetch_zip(url: str, name: str, folder: Path) -> Path:
    """Download a zip with :func:`dyad.download.fetch` and check it opens; a broken zip is removed."""
    import zipfile

    from dyad import download as dl

    path = dl.fetch(dl.Remote(url=url, name=name), folder)
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
    except zipfile.BadZipFile as exc:
        path.unlink()
        raise dl.DownloadError(f"{url}: the download is not a valid zip ({exc}); it was discarded. The server "
                               "may have sent an error page: check the address or download by hand.") from exc
    if bad is not None:
        path.unlink()
        raise dl.DownloadError(f"{url}: member {bad} of the zip is damaged; the download was discarded.")
    return path


def read_trade_files(files: list[Path], read_one: Callable, notes: list[str] | None = None) -> ReadResult:
    """Read each file with ``read_one(file) -> (rows, rejects, FileCount)`` into one ``trade`` ReadResult."""
    parts, bads, counts = [], [empty_rejects()], []
    for f in files:
        rows, rej, count = read_one(f)
        parts.append(rows)
        bads.append(rej)
        counts.append(count)
    return ReadResult({"trade": canonical("trade", pd.concat(parts, ignore_index=True))},
                      pd.concat(bads, ignore_index=True), counts, list(notes or []))


def read_r(path: Path) -> dict[str, pd.DataFrame]:
    """Every object of an R data file (.rda/.RData), or a SourceError that names the file and the fix."""
    import pyreadr

    try:
        return dict(pyreadr.read_r(str(path)))
    except Exception as exc:  # pyreadr raises its own LibrdataError and several unrelated types for damaged files
        raise SourceError(f"{path}: cannot read this R data file ({type(exc).__name__}: {exc}). "
                          "It may be truncated or not an R file; download it again.") from exc


def data_files(path: Path, suffixes: Iterable[str] = (".rda", ".rdata", ".csv")) -> list[Path]:
    """The file itself, or the files of a folder with one of ``suffixes``, sorted."""
    if path.is_file():
        return [path]
    wanted = tuple(suffixes)
    return sorted(p for p in path.iterdir() if p.suffix.lower() in wanted)
