"""What the web app asks of the store: read-only, one connection per worker thread, results cached.

The store is opened read-only, so it cannot change while the app runs (DuckDB refuses a writer while
readers hold the file). Indicator results go through :func:`dyad.cache.compute` (keyed by the store
version, and read from the store's ``results_cache`` when a report filled it); what the pages build from
them is kept in bounded least-recently-used maps (:data:`SERIES_ENTRIES` series, :data:`SECTION_ENTRIES`
optional analyses, :data:`REPORT_ENTRIES` report files), so memory stays bounded however many dyads are asked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from pathlib import Path

import pandas as pd

from dyad import cache
from dyad.indicators import Indicator
from dyad.report import data as rd
from dyad.store import Store, open_store

SERIES_ENTRIES = 2048     # indicator results (a few KB each)
SECTION_ENTRIES = 64      # optional analyses (scorecard, ...) per dyad
REPORT_ENTRIES = 4        # whole report files (a few MB each)
PAGE_ENTRIES = 128        # rendered explorer pages (a few hundred KB each)


def _cached(ind: Indicator) -> Indicator:
    """The indicator with its compute routed through :func:`dyad.cache.compute` (metadata unchanged)."""
    def compute(store, a, b, by="year", **opts):
        return cache.compute(store, ind.id, a, b, by, **opts)

    return dataclasses.replace(ind, compute=compute)


class Service:
    def __init__(self, store_path: str | Path):
        self.store_path = Path(store_path)
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()
        self.store()      # fail at start-up, not on the first request, when the store is missing
        self._series = cache.Once(cache.LRU(SERIES_ENTRIES))
        self._sections = cache.Once(cache.LRU(SECTION_ENTRIES))
        self._reports = cache.Once(cache.LRU(REPORT_ENTRIES))
        self._svgs = cache.LRU(SERIES_ENTRIES)
        self._calendars = cache.Once(cache.LRU(SECTION_ENTRIES))
        self.pages = cache.LRU(PAGE_ENTRIES)     # rendered explorer pages by their full query
        self.bodies = cache.LRU(SERIES_ENTRIES)  # serialized API answers by their full query

    def series(self, ind: Indicator, a: str, b: str, by: str) -> rd.IndicatorResult:
        """One indicator for the dyad (both orders when directed), through the results cache."""
        return self._series((ind.id, a, b, by), lambda: rd.compute_indicator(self.store(), _cached(ind), a, b, by))

    def has_series(self, ind: Indicator, a: str, b: str, by: str) -> bool:
        """True when :meth:`series` answers from memory (no computation)."""
        return (ind.id, a, b, by) in self._series.lru

    def optional(self, key: str, a: str, b: str):
        """An optional analysis (scorecard, ...) for the dyad, computed once."""
        from dyad.report.optional import run_optional

        return self._sections((key, a, b), lambda: run_optional(key, self.store(), a, b))

    def has_optional(self, key: str, a: str, b: str) -> bool:
        return (key, a, b) in self._sections.lru

    def report_html(self, a: str, b: str) -> bytes:
        return self._reports((a, b), lambda: self._report_html(a, b))

    def svg(self, key: tuple, render) -> str:
        """A rendered chart, kept in a bounded map (rendering costs more than computing a cached series)."""
        found = self._svgs.get(key)
        if found is None:
            found = render()
            self._svgs.put(key, found)
        return found

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
        """One country's calendar (computed once per country and range: reading the calendars takes a while)."""
        return self._calendars(("country", country, start, end), lambda: self._calendar(country, start, end))

    def _calendar(self, country: str, start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
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
        return self._calendars((a, b), lambda: rd.calendar_events(self.store(), a, b)[0])

    def _report_html(self, a: str, b: str) -> bytes:
        import tempfile

        from dyad.report import build_report

        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "report.html"
            build_report(self.store(), a, b, out, progress_enabled=False)
            return out.read_bytes()
