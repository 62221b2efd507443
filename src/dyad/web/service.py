"""What the web app asks of the store: read-only, one connection per worker thread, results cached.

The store is opened read-only, so it cannot change while the app runs (DuckDB refuses a writer while
readers hold the file): caching computed series for the life of the app is therefore safe.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pandas as pd

from dyad.indicators import Indicator
from dyad.report import data as rd
from dyad.store import Store, open_store


class Service:
    def __init__(self, store_path: str | Path):
        self.store_path = Path(store_path)
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()
        self.store()      # fail at start-up, not on the first request, when the store is missing
        self._memo: dict[tuple, object] = {}
        self._key_locks: dict[tuple, threading.Lock] = {}

    def _once(self, key: tuple, compute):
        """Compute ``key`` once even when many requests ask for it at the same moment; then serve it from
        memory (the store is read-only, so the answer cannot change while the app runs)."""
        if key in self._memo:
            return self._memo[key]
        with self._lock:
            lock = self._key_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._memo:
                self._memo[key] = compute()
        return self._memo[key]

    def series(self, ind: Indicator, a: str, b: str, by: str) -> rd.IndicatorResult:
        return self._once(("series", ind.id, a, b, by), lambda: rd.compute_indicator(self.store(), ind, a, b, by))

    def optional(self, key: str, a: str, b: str):
        """An optional analysis (scorecard, ...) for the dyad, computed once."""
        from dyad.report.optional import run_optional

        return self._once(("optional", key, a, b), lambda: run_optional(key, self.store(), a, b))

    def report_html(self, a: str, b: str) -> bytes:
        return self._once(("report", a, b), lambda: self._report_html(a, b))

    def store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.store_path, read_only=True)
            self._local.store = store
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                store.close()
            self._all.clear()

    # -- indicator series ------------------------------------------------------------------------
    def filtered(self, ind: Indicator, a: str, b: str, by: str, start: dt.date | None,
                 end: dt.date | None) -> rd.IndicatorResult:
        """The series limited to periods whose middle falls in [start, end]."""
        res = self.series(ind, a, b, by)
        if not res.ok or (start is None and end is None):
            return res
        assert res.frame is not None
        dates = res.frame["period"].map(rd.period_date)
        if dates.isna().any():
            from dyad.web.validate import BadRequest

            raise BadRequest(400, "invalid_range", f"periods by {by} are not dates; drop start and end", "start")
        keep = pd.Series(True, index=res.frame.index)
        if start is not None:
            keep &= dates >= start
        if end is not None:
            keep &= dates <= end
        frame = res.frame[keep].reset_index(drop=True)
        if len(frame) == 0:
            return rd.IndicatorResult(ind, by, None, "no periods with data in the chosen time range")
        return rd.IndicatorResult(ind, by, frame, res.note, res.seconds)

    # -- other tables ----------------------------------------------------------------------------
    def countries(self) -> list[str]:
        store = self.store()
        if not store.has_table("votes"):
            return []
        return store.sql("SELECT DISTINCT country FROM votes ORDER BY country")["country"].tolist()

    def calendar(self, country: str, start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
        """One country's calendar: through ``dyad.calendar`` when this build has it, else the store's table."""
        from dyad.report.optional import find

        store = self.store()
        module = find("calendar")
        if not isinstance(module, str):
            frame = rd._clean_calendar(module.entries(country, store=store))
        elif store.has_table("calendar"):
            frame = rd._clean_calendar(store.sql(
                "SELECT country, date, kind, label, source FROM calendar WHERE country = ? ORDER BY date", [country]))
        else:
            return pd.DataFrame(columns=rd.CAL_COLUMNS)
        if start is not None:
            frame = frame[frame["date"] >= pd.Timestamp(start)]
        if end is not None:
            frame = frame[frame["date"] <= pd.Timestamp(end)]
        frame = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d"))
        return frame.reset_index(drop=True)

    def dyad_calendar(self, a: str, b: str) -> pd.DataFrame:
        return rd.calendar_events(self.store(), a, b)[0]

    def _report_html(self, a: str, b: str) -> bytes:
        import tempfile

        from dyad.report import build_report

        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "report.html"
            build_report(self.store(), a, b, out, progress_enabled=False)
            return out.read_bytes()
