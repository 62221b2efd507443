"""Downloading public files into a cache folder: atomic, resumable by skipping complete files, checked."""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dyad.sources import SimpleAdapter, SourceError

USER_AGENT = "dyad (https://github.com/; open-source research tool)"


def cache_dir(cache: Path | None, source: str) -> Path:
    if cache is None:
        import platformdirs

        cache = Path(platformdirs.user_cache_dir("dyad"))
    folder = Path(cache) / source
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def fetch(url: str, name: str, cache: Path | None, source: str, timeout: float = 60.0,
          refresh: bool = False) -> Path:
    """Download ``url`` to ``<cache>/<source>/<name>`` unless already there; zips are checked before use."""
    target = cache_dir(cache, source) / name
    if target.exists() and not refresh:
        return target
    part = target.with_name(target.name + ".part")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp, open(part, "wb") as out:
            shutil.copyfileobj(resp, out, length=1 << 20)
    except urllib.error.HTTPError as exc:
        part.unlink(missing_ok=True)
        raise SourceError(f"{url}: the server answered {exc.code} {exc.reason}. Check the release name or "
                          "download the file by hand and pass it with --from.") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        part.unlink(missing_ok=True)
        raise SourceError(f"{url}: download failed ({exc}). Check the network, or download the file by hand "
                          "and pass it with --from.") from exc
    if name.lower().endswith(".zip"):
        try:
            with zipfile.ZipFile(part) as zf:
                bad = zf.testzip()
        except zipfile.BadZipFile as exc:
            part.unlink(missing_ok=True)
            raise SourceError(f"{url}: the download is not a valid zip ({exc}); nothing was kept.") from exc
        if bad is not None:
            part.unlink(missing_ok=True)
            raise SourceError(f"{url}: member {bad} of the zip is damaged; nothing was kept.")
    part.replace(target)
    return target


@dataclass(frozen=True)
class DownloadingAdapter(SimpleAdapter):
    """An adapter that can also fetch its public files (``dyad ingest NAME --download``)."""

    downloader: Callable[..., list[Path]] | None = None

    def download(self, start: str | None = None, end: str | None = None, cache: Path | None = None,
                 **options: Any) -> list[Path]:
        if self.downloader is None:
            raise SourceError(f"source {self.name!r} has no download; pass --from PATH")
        return self.downloader(start=start, end=end, cache=cache, **options)
