"""Source adapters: one module per public format, registered through one seam.

An adapter is an object with

* ``name`` (used as ``dyad ingest NAME``), ``description``, ``tables`` (canonical tables it fills);
* ``read(path, **options) -> ReadResult``: parse and validate; canonical rows plus rejects.

Built-in adapters and outside plugins (entry point group ``dyad.sources``, each pointing to a module
or object with an ``ADAPTER`` attribute) are loaded by the same function, :func:`load`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pandas as pd

__all__ = ["Adapter", "FileCount", "InDatabase", "ReadResult", "SourceError", "all_adapters", "get", "load", "register"]

REJECT_COLUMNS = ["file", "row", "reason", "raw"]

# Built-in adapter modules; each exposes ADAPTER. Plugins add theirs through entry points.
BUILTIN = [
    "dyad.sources.unvotes",
    "dyad.sources.ungdc",
    "dyad.sources.doc",
    "dyad.sources.calendar",
    "dyad.sources.baci", "dyad.sources.comtrade", "dyad.sources.oec", "dyad.sources.cow_trade",
    "dyad.sources.sipri", "dyad.sources.wdi", "dyad.sources.peacesciencer",
    "dyad.sources.gdelt",
    "dyad.sources.icews",
]


class SourceError(ValueError):
    """A file that cannot be read at all: the message names the file, the line if any, and the fix."""


@dataclass
class FileCount:
    file: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int


@dataclass
class ReadResult:
    """What an adapter hands the store.

    ``tables`` maps a canonical table name to its rows: a pandas DataFrame or pyarrow Table with the
    canonical columns; a callable ``f(con, staging_name)`` that creates the staging table itself on the
    store's connection; or an :class:`InDatabase` object, for adapters that parse inside the store's
    database and learn their counts only then (see :meth:`stage`).
    ``rejects`` has columns ``file, row, reason, raw``. ``files`` gives per-file counts, for which
    rows read = rows loaded + rows rejected must hold.
    """

    tables: dict[str, Any]
    rejects: pd.DataFrame
    files: list[FileCount]
    notes: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    def stage(self, con, prefix: str) -> dict[str, str]:
        """Parse the :class:`InDatabase` tables into temporary tables ``{prefix}_{table}`` on ``con``.

        Their per-file counts and rejects are added to :attr:`files` and :attr:`rejects`; returns the
        staging table of each staged canonical table. Call once, before :meth:`check`.
        """
        staged = {}
        for name, rows in self.tables.items():
            if isinstance(rows, InDatabase):
                staging = f"{prefix}_{name}"
                files, rejects = rows.stage(con, staging)
                self.files.extend(files)
                self.notes.extend(getattr(rows, "notes", None) or [])     # repairs made while parsing
                if len(rejects):
                    self.rejects = rejects if not len(self.rejects) else pd.concat([self.rejects, rejects],
                                                                                    ignore_index=True)
                staged[name] = staging
        return staged

    def check(self) -> None:
        for f in self.files:
            if f.rows_read != f.rows_loaded + f.rows_rejected:
                raise AssertionError(
                    f"{f.file}: rows read {f.rows_read} != loaded {f.rows_loaded} + rejected {f.rows_rejected}")
        if len(self.rejects) != self.rows_rejected:
            raise AssertionError(f"{len(self.rejects)} reject rows kept but {self.rows_rejected} counted")


@runtime_checkable
class InDatabase(Protocol):
    """Rows an adapter parses inside the store's database.

    ``stage(con, staging)`` runs outside the ingest transaction (a failed statement there must not end
    it), creates the temporary table ``staging`` with the canonical columns and returns the per-file
    counts and the rejects, which are only known once the files are parsed.
    """

    def stage(self, con: Any, staging: str) -> tuple[list[FileCount], pd.DataFrame]: ...


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else "object") for c in REJECT_COLUMNS})


def _unreadable() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "this file cannot be parsed", from the parsers adapters use."""
    import csv
    import gzip
    import zipfile
    import zlib

    import pyreadr.custom_errors as rerr

    return (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, zipfile.BadZipFile,
            gzip.BadGzipFile, zlib.error, EOFError, csv.Error, rerr.PyreadrError, rerr.LibrdataError)


class Adapter(Protocol):
    name: str
    description: str
    tables: tuple[str, ...]

    def read(self, path: Path, **options: Any) -> ReadResult: ...


_REGISTRY: dict[str, Adapter] = {}
_loaded = False


def register(adapter: Adapter) -> Adapter:
    """Register an adapter under its name (a second adapter with the same name is an error)."""
    old = _REGISTRY.get(adapter.name)
    if old is not None and old is not adapter:
        raise ValueError(f"a source named {adapter.name!r} is already registered ({old!r})")
    _REGISTRY[adapter.name] = adapter
    return adapter


def _from_target(target: Any) -> Adapter:
    return getattr(target, "ADAPTER", target)


def load() -> None:
    """Load built-in adapters and plugins, once; both go through :func:`register`."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN:
        register(_from_target(importlib.import_module(module)))
    for ep in metadata.entry_points(group="dyad.sources"):
        register(_from_target(ep.load()))


def get(name: str) -> Adapter:
    load()
    if name not in _REGISTRY:
        import difflib

        near = difflib.get_close_matches(name, list(_REGISTRY), n=3)
        hint = f" Did you mean {', '.join(near)}?" if near else ""
        raise SourceError(f"no source named {name!r}.{hint} Known: {', '.join(sorted(_REGISTRY))}.")
    return _REGISTRY[name]


def all_adapters() -> list[Adapter]:
    load()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


@dataclass(frozen=True)
class SimpleAdapter:
    """An adapter made of a name, the tables it fills and a read function."""

    name: str
    description: str
    tables: tuple[str, ...]
    reader: Callable[..., ReadResult]
    formats: str = ""
    downloader: Callable[..., list[Path]] | None = None

    def read(self, path: Path, **options: Any) -> ReadResult:
        path = Path(path)
        try:
            return self.reader(path, **options)
        except SourceError:
            raise
        except _unreadable() as exc:
            # Whatever the parser: a file that cannot be parsed at all is a clear error naming it and the fix.
            what = self.formats or self.description
            raise SourceError(f"{path}: cannot be read as `{self.name}` input ({type(exc).__name__}: {exc}). "
                              f"Check that it is a complete, uncorrupted file of the expected kind ({what}); "
                              f"`dyad sources --available` lists what each source reads.") from exc

    @property
    def download(self) -> Callable[..., list[Path]] | None:
        """``download(start=None, end=None, cache=None) -> [paths]`` for sources with a public home."""
        return self.downloader
