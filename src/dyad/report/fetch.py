"""Download public files for a report when online: each named source's own download, then ingest.

A source that cannot be downloaded (offline, server error, checksum mismatch) is reported with its error;
the others go on and the report is still written from what the store holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from dyad import sources

# Sources whose whole public release is small enough to fetch for a report without asking for dates.
DEFAULT_DOWNLOADS = ("unvotes", "wdi")


@dataclass(frozen=True)
class Fetched:
    source: str
    status: str          # ingested, unchanged, failed
    message: str


def download_and_ingest(store, names: tuple[str, ...], start: str | None = None,
                        end: str | None = None) -> list[Fetched]:
    """Run each source's ``download`` (``start``/``end`` for dated sources such as gdelt) and ingest the files."""
    out = []
    for name in names:
        try:
            adapter = sources.get(name)
            fetch = getattr(adapter, "download", None)
            if fetch is None:
                raise sources.SourceError(f"source {name!r} has no download; put its files under --data")
            for path in fetch(start=start, end=end, cache=None):
                result = store.ingest(name, path)
                out.append(Fetched(name, "unchanged" if result.skipped else "ingested", result.summary()))
        except (sources.SourceError, ValueError, OSError) as exc:
            out.append(Fetched(name, "failed", str(exc)))
    return out
