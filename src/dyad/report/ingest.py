"""Step 1 of ``dyad report``: ingest what the layout table finds under ``--data DIR``.

Every layout entry ends in a visible outcome: ingested, unchanged (same content already stored),
failed (with the adapter's error), not ingested (no adapter registered under that name in this build)
or absent (nothing matched). Nothing is dropped silently; one bad file never stops the report.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dyad import sources
from dyad.progress import heartbeat, progress
from dyad.report.layout import LAYOUT, Entry

STATUSES = ("ingested", "unchanged", "failed", "not ingested", "absent")


@dataclass(frozen=True)
class Outcome:
    source: str
    pattern: str
    path: str
    status: str
    message: str = ""
    rows_read: int = 0
    rows_new: int = 0
    rows_rejected: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class IngestPlan:
    data_dir: str | None
    outcomes: tuple[Outcome, ...]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([o.__dict__ for o in self.outcomes],
                            columns=list(Outcome.__dataclass_fields__))

    def by_source(self) -> pd.DataFrame:
        """One row per source: how many matches ended in each status, and the distinct problems."""
        frame = self.to_frame()
        if frame.empty:
            return pd.DataFrame(columns=["source", *STATUSES, "rows_new", "problems"])
        counts = pd.crosstab(frame["source"], frame["status"]).reindex(columns=list(STATUSES), fill_value=0)
        shown = {(o.source, o.pattern, o.path) for o in self.problems()}
        flagged = frame[[(s, p, q) in shown for s, p, q in zip(frame["source"], frame["pattern"], frame["path"],
                                                                strict=True)]]
        problems = flagged.groupby("source")["message"].agg(lambda m: " | ".join(dict.fromkeys(m)))
        out = counts.assign(rows_new=frame.groupby("source")["rows_new"].sum(), problems=problems).fillna("")
        order = list(dict.fromkeys(frame["source"]))
        out = out.reindex(order).reset_index()
        out.columns.name = None          # else the HTML table grows an empty "status" header cell
        return out

    def problems(self) -> list[Outcome]:
        """What a reader must be warned of: files that failed or were not ingested, and patterns that matched
        nothing for a source that got no file at all. A pattern that matched nothing while another pattern of
        the same source was read (BACI under its CEPII names or under trade/) is no problem."""
        loaded = {o.source for o in self.outcomes if o.status in ("ingested", "unchanged")}
        return [o for o in self.outcomes if o.status in ("failed", "not ingested")
                or (o.status == "absent" and o.source not in loaded)]

    def by_status(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]


def _registered() -> set[str]:
    return {a.name for a in sources.all_adapters()}


def plan(data_dir: Path | None, layout: tuple[Entry, ...] = LAYOUT) -> list[tuple[Entry, Path | None, str]]:
    """(entry, path, reason-not-to-ingest) for every match; path None when the entry matched nothing."""
    known = _registered()
    rows: list[tuple[Entry, Path | None, str]] = []
    for entry in layout:
        matches = entry.matches(data_dir)
        if not matches:
            where = "inside the dyad package" if entry.root == "package" else f"under {data_dir}"
            rows.append((entry, None, f"nothing matches {entry.pattern} {where}"))
            continue
        reason = "" if entry.source in known else (
            f"no source adapter named {entry.source!r} is registered in this build "
            f"(known: {', '.join(sorted(known))})")
        rows.extend((entry, m, reason) for m in matches)
    return rows


def ingest_layout(store, data_dir: Path | None, layout: tuple[Entry, ...] = LAYOUT,
                  show_progress: bool | None = None) -> IngestPlan:
    """Ingest every file the layout finds; return one outcome per entry and file."""
    outcomes: list[Outcome] = []
    todo = plan(data_dir, layout)
    for entry, path, reason in progress(todo, desc="ingest", unit="file", enabled=show_progress):
        if path is None:
            if entry.root == "data" and data_dir is None:
                continue
            outcomes.append(Outcome(entry.source, entry.pattern, "", "absent", reason))
            continue
        if reason:
            outcomes.append(Outcome(entry.source, entry.pattern, str(path), "not ingested", reason))
            continue
        outcomes.append(_ingest_one(store, entry, path))
    return IngestPlan(None if data_dir is None else str(data_dir), tuple(outcomes))


def _ingest_one(store, entry: Entry, path: Path) -> Outcome:
    started = time.perf_counter()
    try:
        with heartbeat(f"ingest {entry.source} {path}"):
            result = store.ingest(entry.source, path, **entry.options)
    except Exception as exc:  # noqa: BLE001 - any adapter failure is reported, and the report goes on
        from dyad import interrupt

        if interrupt.is_interrupt(exc):      # but Ctrl-C (DuckDB's InterruptException) stops the command
            raise KeyboardInterrupt from exc
        return Outcome(entry.source, entry.pattern, str(path), "failed", f"{type(exc).__name__}: {exc}",
                       seconds=time.perf_counter() - started)
    status = "unchanged" if result.skipped else "ingested"
    message = "same content already in the store" if result.skipped else result.message
    return Outcome(entry.source, entry.pattern, str(path), status, message, result.rows_read,
                   result.rows_new, result.rows_rejected, time.perf_counter() - started)
