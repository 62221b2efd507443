"""Results cache: indicator outputs kept in the store, keyed by what determines them.

:func:`compute` returns what ``indicators.get(indicator_id)(store, a, b, by=by, **opts)`` returns, but
computes it at most once per key. The key is the indicator, the ordered dyad ``(a, b)``, the frequency, the
options (as sorted JSON) and the store's data version (:attr:`dyad.store.Store.version`), which every
committed ingest raises by one. A result computed before an ingest is therefore never served after it.

Two layers:

- **In the store**: table ``results_cache`` holds each result as Parquet bytes with its key. It is written
  only when the store is open for writing (``dyad report``, ``dyad ingest``); a read-only store (the
  dashboard) reads what is there. Rows of older versions are deleted when a new one is written.
- **In memory**: a least-recently-used map of at most :data:`MEMORY_ENTRIES` results per process, so
  a dashboard that answers many dyads holds a bounded amount.

Errors are not cached: a compute function that raises raises again on the next call.
"""

from __future__ import annotations

import io
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd

from dyad import engine
from dyad.indicators import get

TABLE = "results_cache"
MEMORY_ENTRIES = 512
_DDL = (f'CREATE TABLE IF NOT EXISTS "{TABLE}" (indicator VARCHAR, a VARCHAR, b VARCHAR, "by" VARCHAR, '
        "options VARCHAR, version BIGINT, frame BLOB, created TIMESTAMP)")


class LRU:
    """A thread-safe least-recently-used map with at most ``size`` entries."""

    def __init__(self, size: int):
        if size < 1:
            raise ValueError("an LRU cache needs room for at least one entry")
        self.size = size
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            self.misses += 1
            return default

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._data

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class Once:
    """Compute each key once even when many threads ask at the same moment; results go into ``lru``.

    Locks exist only while a key is being computed, so the lock table stays as small as the number of
    computations in flight."""

    def __init__(self, lru: LRU):
        self.lru = lru
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()
        self._missing = object()

    def __call__(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        value = self.lru.get(key, self._missing)
        if value is not self._missing:
            return value
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        try:
            with lock:
                value = self.lru.get(key, self._missing)
                if value is self._missing:
                    value = compute()
                    self.lru.put(key, value)
                return value
        finally:
            with self._guard:
                if self._locks.get(key) is lock and not lock.locked():
                    del self._locks[key]

    def in_flight(self) -> int:
        with self._guard:
            return len(self._locks)


_memory = LRU(MEMORY_ENTRIES)
_once = Once(_memory)


def options_key(opts: dict) -> str:
    """Options as canonical JSON (sorted keys); values that JSON cannot hold are keyed by their repr."""
    return json.dumps(opts, sort_keys=True, default=repr, separators=(",", ":"))


def _scope(store) -> str:
    path = getattr(store, "path", None)
    return str(path.resolve()) if path is not None else f"memory:{id(store)}"


def _to_bytes(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def _from_bytes(data: bytes) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(data))


def _read(store, key: tuple) -> pd.DataFrame | None:
    if not store.has_table(TABLE):
        return None
    rows = store.con.execute(f'SELECT frame FROM "{TABLE}" WHERE indicator = ? AND a = ? AND b = ? AND "by" = ? '
                             "AND options = ? AND version = ? LIMIT 1", list(key)).fetchall()
    return _from_bytes(rows[0][0]) if rows else None


def _write(store, key: tuple, frame: pd.DataFrame) -> None:
    if getattr(store, "read_only", True):
        return
    try:
        data = _to_bytes(frame)
    except (ValueError, TypeError, ImportError):   # a column Parquet cannot hold: keep it in memory only
        return
    indicator, a, b, by, options, version = key
    try:
        store.con.execute(_DDL).fetchall()
        store.con.execute(f'DELETE FROM "{TABLE}" WHERE version <> ?', [version]).fetchall()
        store.con.execute(f'DELETE FROM "{TABLE}" WHERE indicator = ? AND a = ? AND b = ? AND "by" = ? '
                          "AND options = ?", [indicator, a, b, by, options]).fetchall()
        store.con.execute(f'INSERT INTO "{TABLE}" VALUES (?, ?, ?, ?, ?, ?, ?, now())',
                          [indicator, a, b, by, options, version, data]).fetchall()
    except engine.duckdb_error_types():        # another writer or a read-only file: the memory layer still holds it
        return


def compute(store, indicator_id: str, a: str, b: str, by: str | None = None, **opts) -> pd.DataFrame:
    """The indicator's tidy rows for ``(a, b)`` by ``by`` (default: its first frequency), from the cache
    when the same key was computed for this store version, else computed and cached. Returns a copy."""
    ind = get(indicator_id)
    by = by or ind.frequencies[0]
    key = (ind.id, a, b, by, options_key(opts), store.version)

    def fill() -> pd.DataFrame:
        frame = _read(store, key)
        if frame is None:
            frame = ind(store, a, b, by=by, **opts)
            if frame is None:
                frame = pd.DataFrame()
            _write(store, key, frame)
        return frame

    return _once((_scope(store), *key), fill).copy()


def memory() -> LRU:
    """The process's in-memory layer (for statistics and tests)."""
    return _memory


def clear_memory() -> None:
    _memory.clear()
