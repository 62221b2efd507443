"""Downloads of public files: cached, resumable, checksummed, with a progress bar.

A partial download is kept as ``NAME.part`` and resumed with an HTTP Range request; a finished file is
checked against the checksum its publisher lists (md5, sha1 or sha256) and only then renamed into place.
A file already in the cache with the right checksum is not fetched again.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from dyad.sources import SourceError

USER_AGENT = "dyad (+https://github.com/dyad-observatory/dyad)"
CHUNK = 1 << 16


def cache_dir(sub: str = "") -> Path:
    """``$DYAD_CACHE`` or the user cache folder, plus ``sub``."""
    import platformdirs

    base = Path(os.environ.get("DYAD_CACHE") or platformdirs.user_cache_dir("dyad"))
    path = base / sub if sub else base
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class Remote:
    url: str
    name: str
    checksum: str | None = None       # hex digest
    algorithm: str = "md5"            # md5, sha1 or sha256
    size: int | None = None


class DownloadError(SourceError):
    """A download failed; the message names the URL and what to do."""


def file_digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _progress(total: int | None, initial: int, label: str):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="B", unit_scale=True, desc=label,
                disable=not sys.stderr.isatty(), leave=False)


def fetch(remote: Remote, dest_dir: Path, timeout: float = 60.0) -> Path:
    """Download ``remote`` into ``dest_dir`` (resuming a partial file) and verify its checksum."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    final = dest_dir / remote.name
    if final.exists() and (remote.checksum is None or file_digest(final, remote.algorithm) == remote.checksum):
        return final
    part = dest_dir / (remote.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(remote.url, headers={"User-Agent": USER_AGENT})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = getattr(response, "status", 200)
            if have and status != 206:      # the server ignored Range: start again
                have = 0
            length = response.headers.get("Content-Length")
            total = (int(length) + have) if length else remote.size
            got = 0
            with open(part, "ab" if have else "wb") as out, _progress(total, have, remote.name) as bar:
                for block in iter(lambda: response.read(CHUNK), b""):
                    out.write(block)
                    got += len(block)
                    bar.update(len(block))
            if length and got < int(length):
                raise OSError(f"connection closed after {got:,} of {int(length):,} bytes")
    except (urllib.error.URLError, OSError, TimeoutError, http.client.HTTPException) as exc:
        raise DownloadError(f"downloading {remote.url} failed: {exc}. The partial file {part} is kept; "
                            "run the same command again to resume, or check your connection.") from exc
    if remote.checksum is not None:
        digest = file_digest(part, remote.algorithm)
        if digest != remote.checksum.lower():
            part.unlink()
            raise DownloadError(f"{remote.url}: {remote.algorithm} {digest} does not match the published "
                                f"{remote.checksum}; the download was discarded, run the command again.")
    part.replace(final)
    return final


def get_json(url: str, timeout: float = 60.0):
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, TimeoutError, ValueError) as exc:
        raise DownloadError(f"fetching {url} failed: {exc}. Check your connection or the address.") from exc


DATAVERSE = "https://dataverse.harvard.edu"


def dataverse_files(doi: str, server: str = DATAVERSE) -> list[Remote]:
    """The files of the latest published version of a Dataverse dataset, with their md5 checksums."""
    meta = get_json(f"{server}/api/datasets/:persistentId/?persistentId={doi}")
    try:
        files = meta["data"]["latestVersion"]["files"]
    except (KeyError, TypeError) as exc:
        raise DownloadError(f"{server}: unexpected answer for dataset {doi} (no latestVersion.files)") from exc
    remotes = []
    for entry in files:
        data = entry.get("dataFile", {})
        checksum = data.get("checksum") or {}
        algorithm = (checksum.get("type") or "MD5").lower().replace("-", "")
        remotes.append(Remote(
            url=f"{server}/api/access/datafile/{data['id']}?format=original",
            name=data.get("originalFileName") or data["filename"],
            checksum=checksum.get("value") or data.get("md5"),
            algorithm=algorithm if algorithm in ("md5", "sha1", "sha256") else "md5",
            size=data.get("originalFileSize") or data.get("filesize")))
    return remotes
