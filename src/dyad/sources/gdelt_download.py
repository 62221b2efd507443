"""Download GDELT export files for a date range: from the master file list, resumable, md5-verified.

GDELT publishes two lists:

* 2.0: ``masterfilelist.txt``, one line per file: ``SIZE MD5 URL``; the export files are named
  ``YYYYMMDDHHMMSS.export.CSV.zip`` (every 15 minutes from 2015-02-18).
* 1.0: ``md5sums`` (``MD5  NAME``) and ``filesizes`` (``SIZE NAME``) beside the files; the daily exports
  are named ``YYYYMMDD.export.CSV.zip`` (from 2013-04-01).

A file already in the cache with the listed checksum is not fetched again; a partial download
(``NAME.part``) is continued with an HTTP Range request when the server allows it, and restarted when it
does not. Every file is checked against the list's size and md5 before it is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from dyad.sources import SourceError

BASES = {2: "http://data.gdeltproject.org/gdeltv2/", 1: "http://data.gdeltproject.org/events/"}
ENV_BASE = "DYAD_GDELT_BASE_URL"
STAMP = re.compile(r"(?<![0-9])([0-9]{8}(?:[0-9]{6})?)\.export\.CSV\.zip$", re.IGNORECASE)


@dataclass(frozen=True)
class ListedFile:
    url: str
    name: str
    stamp: str          # YYYYMMDD or YYYYMMDDHHMMSS, from the name
    md5: str
    size: int | None


def _fetch_text(url: str, timeout: float) -> str:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError) as exc:
        raise SourceError(f"cannot fetch the GDELT file list {url}: {exc}. Check the network, or set "
                          f"{ENV_BASE} to a mirror.") from exc


def parse_master_list(text: str, base: str) -> list[ListedFile]:
    """Export files of a 2.0 ``masterfilelist.txt`` (lines ``SIZE MD5 URL``; other lines are skipped)."""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 3 or not parts[0].isdigit() or not re.fullmatch(r"[0-9a-fA-F]{32}", parts[1]):
            continue
        name = parts[2].rsplit("/", 1)[-1]
        m = STAMP.search(name)
        if m:
            url = parts[2] if "://" in parts[2] else base + name
            out.append(ListedFile(url, name, m.group(1), parts[1].lower(), int(parts[0])))
    return out


def parse_md5sums(md5_text: str, sizes_text: str, base: str) -> list[ListedFile]:
    """Daily export files of the 1.0 ``md5sums`` list, with sizes from ``filesizes`` when given."""
    sizes = {}
    for line in sizes_text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].isdigit():
            sizes[parts[1]] = int(parts[0])
    out = []
    for line in md5_text.splitlines():
        parts = line.split()
        if len(parts) != 2 or not re.fullmatch(r"[0-9a-fA-F]{32}", parts[0]):
            continue
        name = parts[1].lstrip("*")
        m = STAMP.search(name)
        if m:
            out.append(ListedFile(base + name, name, m.group(1), parts[0].lower(), sizes.get(name)))
    return out


def _stamp(value: str | dt.date | None, end: bool) -> str | None:
    """A bound as a 14-digit stamp; a bare date covers its whole day."""
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    digits = re.sub(r"[^0-9]", "", text)
    if len(digits) not in (8, 12, 14):
        raise ValueError(f"date {value!r}: give YYYY-MM-DD or YYYYMMDDHHMMSS")
    return digits.ljust(14, "9" if end else "0")


def select(files: list[ListedFile], start=None, end=None) -> list[ListedFile]:
    """The listed files whose time stamp lies in [start, end] (bounds inclusive, dates cover whole days)."""
    lo, hi = _stamp(start, False), _stamp(end, True)
    if lo and hi and lo > hi:
        raise ValueError(f"start {start} is after end {end}")
    chosen = [f for f in files
              if (lo is None or f.stamp.ljust(14, "0") >= lo) and (hi is None or f.stamp.ljust(14, "0") <= hi)]
    return sorted(chosen, key=lambda f: f.stamp)


def md5_file(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(item: ListedFile, folder: Path, timeout: float = 60.0) -> Path:
    """Download one listed file into ``folder`` (resuming a ``.part``) and verify it; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / item.name
    if target.exists() and md5_file(target) == item.md5:
        return target
    part = folder / (item.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    if item.size is not None and have > item.size:
        part.unlink()
        have = 0
    request = urllib.request.Request(item.url)
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            resumed = have and resp.status == 206
            with open(part, "ab" if resumed else "wb") as out:
                while block := resp.read(1 << 20):
                    out.write(block)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:      # nothing left to send: the part may already be whole
            pass
        else:
            raise SourceError(f"downloading {item.url} failed: HTTP {exc.code}. Run the command again to resume.") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SourceError(f"downloading {item.url} failed: {exc}. Run the command again to resume "
                          f"({part} is kept).") from exc
    return _verify(item, part, target)


def _verify(item: ListedFile, part: Path, target: Path) -> Path:
    size = part.stat().st_size
    if item.size is not None and size != item.size:
        if size > item.size:
            part.unlink()
        raise SourceError(f"{item.name}: got {size} bytes, the list says {item.size}. Run the command again "
                          "to resume the download.")
    digest = md5_file(part)
    if digest != item.md5:
        part.unlink()
        raise SourceError(f"{item.name}: md5 {digest} does not match the list's {item.md5}; the download was "
                          "deleted. Run the command again to fetch it afresh.")
    os.replace(part, target)
    return target


def listing(version: int = 2, base_url: str | None = None, timeout: float = 60.0) -> list[ListedFile]:
    """The export files GDELT lists for a version (2: 15-minute files, 1: daily files)."""
    if version not in BASES:
        raise ValueError(f"GDELT version must be 1 or 2, not {version!r}")
    base = base_url or os.environ.get(ENV_BASE) or BASES[version]
    base = base if base.endswith("/") else base + "/"
    if version == 2:
        return parse_master_list(_fetch_text(base + "masterfilelist.txt", timeout), base)
    md5 = _fetch_text(base + "md5sums", timeout)
    try:
        sizes = _fetch_text(base + "filesizes", timeout)
    except SourceError:
        sizes = ""      # sizes are a convenience; the md5 is the check
    return parse_md5sums(md5, sizes, base)


def download(start=None, end=None, cache: Path | None = None, version: int = 2, base_url: str | None = None,
             timeout: float = 60.0, progress: bool = False) -> list[Path]:
    """Download (or find in ``cache``) every export file listed for [start, end]; return their paths."""
    if start is None and end is None:
        raise ValueError("give --start and/or --end: the whole GDELT archive is several terabytes")
    if cache is None:
        import platformdirs

        cache = Path(platformdirs.user_cache_dir("dyad")) / "gdelt" / f"v{version}"
    chosen = select(listing(version, base_url, timeout), start, end)
    if not chosen:
        raise SourceError(f"the GDELT {version}.0 list has no export files between {start} and {end}.")
    paths = []
    for item in chosen:
        paths.append(fetch(item, Path(cache), timeout))
        if progress:
            print(f"{item.name}: ok", flush=True)
    return paths
