"""The embedded store: a DuckDB file with canonical tables, provenance and quarantine.

One transaction per ingest: the adapter parses into staging, the store merges staging into the
canonical tables by natural key, records provenance and the rejected rows, and commits. An ingest
that fails or is killed leaves the data tables exactly as they were; its provenance row (written
before the data transaction) stays with status ``failed`` or ``interrupted``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from dyad import engine, interrupt, safety, schema, sources

ENV_STORE = "DYAD_STORE"
ENV_INGEST_MEMORY = "DYAD_INGEST_MEMORY_LIMIT"
DEFAULT_INGEST_MEMORY = "1GB"


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says why and what to do."""


# Ingest runs in progress in this process, per store file: a store opened again in the same process (a
# second connection to the same database) must not take them for runs of a process that died.
_LIVE_RUNS: dict[str, set[int]] = {}
_LIVE_LOCK = threading.Lock()


def _live_key(path: Path | None) -> str:
    return ":memory:" if path is None else str(path.resolve())


def default_path() -> Path:
    """``$DYAD_STORE`` if set, else ``dyad.duckdb`` in the user's data directory."""
    if os.environ.get(ENV_STORE):
        return Path(os.environ[ENV_STORE])
    import platformdirs

    return Path(platformdirs.user_data_dir("dyad")) / "dyad.duckdb"


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _input_files(path: Path) -> list[Path]:
    if path.is_dir():
        return safety.walk_files(path)
    return [path]


def fingerprint(path: Path) -> tuple[str, int]:
    """sha256 and size of a file, or of a folder (hash over the sorted member hashes)."""
    sha, size, _ = _fingerprint(path)
    return sha, size


def _fingerprint(path: Path) -> tuple[str, int, dict[str, str]]:
    """:func:`fingerprint` plus the sha256 of each member file (provenance_files reuses them)."""
    files = _input_files(path)
    if len(files) == 1 and files[0] == path:
        sha = sha256_file(path)
        return sha, path.stat().st_size, {str(path): sha}
    digest = hashlib.sha256()
    size = 0
    members = {}
    for f in files:
        members[str(f)] = sha256_file(f)
        digest.update(f"{f.relative_to(path)}:{members[str(f)]}\n".encode())
        size += f.stat().st_size
    return digest.hexdigest(), size, members


class _Hashing:
    """:func:`_fingerprint` in a background thread: hashing reads the whole input once more, and overlaps
    with the parse (hashlib and DuckDB both release the GIL)."""

    def __init__(self, path: Path):
        self._box: dict[str, Any] = {}
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True, name="dyad-sha256")
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            self._box["value"] = _fingerprint(path)
        except BaseException as exc:       # re-raised in the caller's thread by result()
            self._box["error"] = exc

    def done(self, wait: float = 2.0) -> tuple[str, int] | None:
        """sha256 and size if the hash finishes within ``wait`` seconds, else None (a failed run of a big
        file is not held up by its hash)."""
        self._thread.join(wait)
        if self._thread.is_alive() or "value" not in self._box:
            return None
        return self._box["value"][:2]

    def result(self) -> tuple[str, int, dict[str, str]]:
        self._thread.join()
        if "error" in self._box:
            raise self._box["error"]
        return self._box["value"]


@dataclass(frozen=True)
class IngestResult:
    ingest_id: int | None
    source: str
    path: str
    rows_read: int
    rows_loaded: int
    rows_new: int
    rows_rejected: int
    skipped: bool = False
    message: str = ""
    status: str = "ok"

    def summary(self) -> str:
        if self.skipped:
            return f"{self.source}: {self.path} already ingested with the same content; nothing changed."
        tail = (f"; status partial: `dyad quarantine --ingest {self.ingest_id}` lists the rejected rows"
                if self.status == "partial" else "")
        return (f"{self.source}: {self.path}: read {self.rows_read:,} rows, loaded {self.rows_loaded:,} "
                f"({self.rows_new:,} new), rejected {self.rows_rejected:,} (ingest {self.ingest_id}){tail}")


@dataclass(frozen=True)
class RunDeletion:
    """What :meth:`Store.delete_run` removed (or would remove, with ``dry_run``)."""
    ingest_id: int
    source: str
    path: str
    status: str
    rows: dict[str, int]           # canonical table -> rows removed
    quarantined: int               # rejected rows of the run removed from the quarantine
    coverage: int                  # coverage records removed
    affected: list[dict]           # other runs that may need reloading (see Store.delete_run)
    dry_run: bool = False

    def summary(self) -> str:
        tables = ", ".join(f"{n:,} {t}" for t, n in self.rows.items()) or "no data rows"
        verb = "would remove" if self.dry_run else "removed"
        return (f"{verb} {tables}; {self.quarantined:,} quarantined rows; {self.coverage:,} coverage records "
                f"of ingest {self.ingest_id} ({self.source} {self.path})")


LOADED = ("ok", "partial")      # statuses of runs whose rows are in the store
LOADED_SQL = "status IN ('ok', 'partial')"


def run_status(rows_read: int, rows_loaded: int, rows_rejected: int) -> str:
    """``rejected`` when rows were read and none loaded, ``partial`` when some were rejected, else ``ok``."""
    if rows_read > 0 and rows_loaded == 0:
        return "rejected"
    return "partial" if rows_rejected > 0 else "ok"


class IngestRejected(sources.SourceError):
    """Every row of the input was rejected: the run is recorded with status ``rejected`` and the command
    exits non-zero."""


class Store:
    """A dyad store. Use :func:`open_store`; close with :meth:`close` or a ``with`` block."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False, engine_name: str | None = None):
        # Where measures run (duckdb or spark); ingest always writes through DuckDB.
        self.engine = _engine_name(engine_name)
        self.path = None if path == ":memory:" else Path(path) if path is not None else default_path()
        self.read_only = read_only
        if self.path is not None and not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the store folder {self.path.parent}: {exc}. "
                                 f"Choose another place with --store PATH or {ENV_STORE}.") from exc
        if self.path is not None and read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}; ingest data first (dyad ingest ...) or pass --store PATH.")
        if self.path is not None and self.path.exists() and not self.path.is_file():
            raise StoreError(f"the store {self.path} is not a regular file; pass --store PATH to a DuckDB file.")
        try:
            self.con = engine.raw_connect(self.path, read_only=read_only)
        except engine.duckdb_error_types() as exc:
            raise _open_error(self.path, exc, read_only) from exc
        self._ibis = None
        self._migrated: set[str] = set()
        self._present = 0
        self._observing: tuple | None = None     # (files, label, scope) while _commit merges: coverage recorded
        self._scope_option: str | None = None
        if not read_only:
            try:
                self._init_meta()
            except engine.duckdb_error_types() as exc:
                self.con.close()
                raise _open_error(self.path, exc, read_only) from exc

    def _run(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        """Execute a statement and consume its result (DuckDB 2 keeps unfinished results open)."""
        interrupt.check()
        return self.con.execute(sql, params or []).fetchall()

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def ibis(self):
        """An Ibis backend over this store's connection (what measures use)."""
        if self._ibis is None:
            self._ibis = engine.wrap(self.con)
        return self._ibis

    def _init_meta(self) -> None:
        for table in schema.META_TABLES:
            self._run(table.ddl())
        # stores written before a column existed gain it (NULL for old rows)
        for table in schema.META_TABLES:
            self._add_missing_columns(table.name, table.columns)
        self._run("INSERT INTO store_meta SELECT 'version', 0 "
                  "WHERE NOT EXISTS (SELECT 1 FROM store_meta WHERE key = 'version')")
        # A run still marked running belongs to a process that died (DuckDB lets one process write at a
        # time), unless it is running in this very process on another connection to the same store.
        with _LIVE_LOCK:
            live = sorted(_LIVE_RUNS.get(_live_key(self.path), ())) if self.path is not None else []
        self._run("UPDATE provenance SET status = 'interrupted', "
                  "message = 'process ended before the ingest committed; no data rows were kept' "
                  "WHERE status = 'running' AND NOT list_contains(CAST(? AS BIGINT[]), ingest_id)", [live])

    def ensure_table(self, name: str) -> schema.Table:
        table = schema.TABLES.get(name)
        if table is None:
            raise StoreError(f"no canonical table {name!r}; known: {', '.join(sorted(schema.TABLES))}")
        self._run(table.ddl(run_column=True))
        if name not in self._migrated:
            # a table made before rows recorded their ingest run gains the column (NULL: run unknown)
            self._add_missing_columns(name, ((schema.RUN_COLUMN, "INTEGER"),))
            self._migrated.add(name)
        return table

    def _column_names(self, name: str) -> set[str]:
        return {r[0] for r in self._run("SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                                        "AND database_name = current_database() AND NOT internal", [name])}

    def _add_missing_columns(self, name: str, columns) -> None:
        present = self._column_names(name)
        for column, kind in columns:
            if column not in present:
                self._run(f'ALTER TABLE "{name}" ADD COLUMN "{column}" {kind}')

    # -- reading ---------------------------------------------------------------------------------
    def has_table(self, name: str) -> bool:
        rows = self._run("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name])
        return bool(rows[0][0])

    def table(self, name: str):
        """An Ibis table expression for a canonical table on :attr:`engine` (created empty if absent)."""
        interrupt.check()       # every measure starts here: Ctrl-C stops the report between indicators
        if self.engine != "duckdb":
            return engine.table(self, name, self.engine)
        if not self.has_table(name):
            if self.read_only:
                # an empty table with the canonical column types (a typeless frame gives NULL-typed columns
                # that the measures cannot compute on); a temporary table needs no write access
                self._run(schema.TABLES[name].ddl(run_column=True).replace("CREATE TABLE", "CREATE TEMP TABLE", 1))
                return self.ibis.table(name)
            self.ensure_table(name)
        return self.ibis.table(name)

    def count(self, name: str) -> int:
        if not self.has_table(name):
            return 0
        return int(self._run(f'SELECT count(*) FROM "{name}"')[0][0])

    def sql(self, query: str, params: list[Any] | None = None) -> pd.DataFrame:
        interrupt.check()
        return self.con.execute(query, params or []).df()

    @property
    def version(self) -> int:
        """The store's data version: every committed ingest (and any other change of data) raises it by one.
        -1 for a store written before versions existed (opened read-only, so it cannot change meanwhile)."""
        if not self.has_table("store_meta"):
            return -1
        rows = self._run("SELECT value FROM store_meta WHERE key = 'version'")
        return int(rows[0][0]) if rows else -1

    def bump_version(self) -> None:
        """Mark the data as changed (cached results keyed by the old version are no longer used)."""
        self._run("UPDATE store_meta SET value = value + 1 WHERE key = 'version'")

    def provenance(self) -> pd.DataFrame:
        return self.sql("SELECT * FROM provenance ORDER BY ingest_id")

    def quarantine(self, ingest_id: int | None = None) -> pd.DataFrame:
        if ingest_id is None:
            return self.sql("SELECT * FROM quarantine ORDER BY ingest_id, file, row")
        return self.sql("SELECT * FROM quarantine WHERE ingest_id = ? ORDER BY file, row", [ingest_id])

    def sources_summary(self) -> pd.DataFrame:
        """What is loaded: per source, the latest successful runs and the table sizes."""
        prov = self.sql(
            f"SELECT source, count(*) FILTER (WHERE {LOADED_SQL}) AS ingests, "
            f"CAST(sum(rows_read) FILTER (WHERE {LOADED_SQL}) AS BIGINT) AS rows_read, "
            f"CAST(sum(rows_new) FILTER (WHERE {LOADED_SQL}) AS BIGINT) AS rows_new, "
            f"CAST(sum(rows_rejected) FILTER (WHERE {LOADED_SQL}) AS BIGINT) AS rows_rejected, "
            "count(*) FILTER (WHERE status = 'partial') AS partial_runs, "
            "count(*) FILTER (WHERE status = 'rejected') AS rejected_runs, "
            f"count(*) FILTER (WHERE NOT {LOADED_SQL} AND status NOT IN ('rejected', 'deleted')) AS failed_runs, "
            "count(*) FILTER (WHERE status = 'deleted') AS deleted_runs, "
            "max(finished) AS last_ingest "
            "FROM provenance GROUP BY source ORDER BY source")
        return prov

    # -- deleting a run --------------------------------------------------------------------------
    def delete_run(self, ingest_id: int, *, dry_run: bool = False) -> RunDeletion:
        """Remove what ingest run ``ingest_id`` loaded, in one transaction: its rows in every canonical table,
        its quarantined rows and its coverage records. Its provenance row stays, with status ``deleted`` and
        what was removed, so the store's history is kept; the same file can be ingested again.

        Rows carry the run that first stored them (:data:`schema.RUN_COLUMN`). A row another run also held was
        stored once, by the earlier run: deleting that run takes the row away although the later run's file
        has it too. Those later runs (and earlier runs that lost rows to this one, e.g. UN records superseded
        by Voeten's release) are listed in :attr:`RunDeletion.affected`; :meth:`reload_runs` re-ingests them.
        ``dry_run`` counts without changing anything.
        """
        if self.read_only and not dry_run:
            raise StoreError("the store is open read-only; open it writable to delete an ingest run")
        rows = self._run("SELECT source, path, status, rows_new FROM provenance WHERE ingest_id = ?", [ingest_id])
        if not rows:
            raise StoreError(f"no ingest run {ingest_id} in {self.path}; `dyad sources --runs` lists the runs")
        source, path, status, rows_new = rows[0]
        if status == "deleted":
            raise StoreError(f"ingest run {ingest_id} ({source} {path}) was already deleted; ingest the file again "
                             "to load it anew")
        if status == "running":
            raise StoreError(f"ingest run {ingest_id} ({source} {path}) is still running; wait for it to end or "
                             "stop it (a stopped run is marked interrupted and keeps no rows)")
        per_run = self._rows_per_run()
        mine = {t: n for (run, t), n in per_run.items() if run == ingest_id}
        loaded = status in LOADED and (rows_new or 0) > 0
        if loaded and not mine:
            legacy = {t: n for (run, t), n in per_run.items() if run is None}
            try:
                own = set(sources.get(source).tables)
                legacy = {t: n for t, n in legacy.items() if t in own} or legacy
            except Exception:  # noqa: BLE001 - an adapter no longer installed: name every table
                pass
            if legacy:
                raise StoreError(
                    f"ingest run {ingest_id} ({source} {path}) was loaded by a dyad that did not record the run "
                    f"of each row ({sum(legacy.values()):,} rows in {', '.join(sorted(legacy))} have no run): "
                    "its rows cannot be told from other runs'. Build a new store without that file "
                    "(ingest the other files into a new --store PATH).")
        affected = self._affected_runs(ingest_id, set(mine), per_run)
        quarantined = int(self._run("SELECT count(*) FROM quarantine WHERE ingest_id = ?", [ingest_id])[0][0])
        covered = int(self._run("SELECT count(*) FROM coverage WHERE ingest_id = ?", [ingest_id])[0][0])
        result = RunDeletion(ingest_id, source, path, status, dict(sorted(mine.items())), quarantined, covered,
                             affected, dry_run)
        if dry_run:
            return result
        self._run("BEGIN TRANSACTION")
        try:
            for name in mine:
                self._run(f'DELETE FROM "{name}" WHERE "{schema.RUN_COLUMN}" = ?', [ingest_id])
            self._run("DELETE FROM quarantine WHERE ingest_id = ?", [ingest_id])
            self._run("DELETE FROM coverage WHERE ingest_id = ?", [ingest_id])
            _pause_for_tests("after_unload_delete")
            when = dt.datetime.now().isoformat(sep=" ", timespec="seconds")
            self._run("UPDATE provenance SET status = 'deleted', message = ? WHERE ingest_id = ?",
                      [f"deleted {when} (was {status}): {result.summary()}"[:2000], ingest_id])
            self.bump_version()
            self._run("COMMIT")
        except BaseException as exc:
            try:
                self._run("ROLLBACK")
            except engine.duckdb_error_types():
                pass
            if isinstance(exc, engine.duckdb_error_types()) and not interrupt.is_interrupt(exc):
                raise _write_error(self.path, exc) from exc
            raise
        return result

    def _rows_per_run(self) -> dict[tuple[int | None, str], int]:
        """Rows per (ingest run, canonical table) over every canonical table in the store."""
        counts: dict[tuple[int | None, str], int] = {}
        for name in schema.TABLES:
            if not self.has_table(name):
                continue
            if not self.read_only:
                self.ensure_table(name)
            elif schema.RUN_COLUMN not in self._column_names(name):
                counts[(None, name)] = self.count(name)
                continue
            for run, n in self._run(f'SELECT "{schema.RUN_COLUMN}", count(*) FROM "{name}" GROUP BY 1'):
                counts[(None if run is None else int(run), name)] = int(n)
        return counts

    def _affected_runs(self, ingest_id: int, tables: set[str], per_run: dict) -> list[dict]:
        """Other loaded runs whose rows deleting ``ingest_id`` may take away or has taken away: later runs of
        the same tables that found keys already stored (``rows_present`` > 0, or unknown), and earlier runs
        holding fewer rows than they added (a later run replaced some)."""
        if not tables:
            return []
        held: dict[int, int] = {}
        shares: set[int] = set()
        for (run, name), n in per_run.items():
            if run is not None and run != ingest_id:
                held[run] = held.get(run, 0) + n
                if name in tables:
                    shares.add(run)
        out = []
        for run, source, path, sha, rows_new, present, options in self._run(
                "SELECT ingest_id, source, path, sha256, rows_new, rows_present, options FROM provenance "
                f"WHERE {LOADED_SQL} AND ingest_id <> ? ORDER BY ingest_id", [ingest_id]):
            if run not in shares:
                continue
            if run > ingest_id and (present is None or present > 0):
                why = ("its file had rows already stored" if present is not None
                       else "loaded before dyad counted rows already stored")
            elif held.get(run, 0) < (rows_new or 0):
                why = f"holds {held.get(run, 0):,} of the {rows_new:,} rows it added"
            else:
                continue
            out.append({"ingest_id": int(run), "source": source, "path": path, "sha256": sha,
                        "options": json.loads(options or "{}"), "why": why})
        return out

    def reload_runs(self, runs: list[dict]) -> list[tuple[dict, IngestResult | None, str]]:
        """Ingest again (forced) the files of ``runs`` (from :attr:`RunDeletion.affected`) whose content is
        unchanged, so rows a deleted run had stored first come back; a changed or missing file is not read."""
        done = []
        for run in runs:
            path = Path(run["path"])
            if not path.exists():
                done.append((run, None, f"{path} is gone; not reloaded"))
                continue
            if run["sha256"] and fingerprint(path)[0] != run["sha256"]:
                done.append((run, None, f"{path} changed since ingest {run['ingest_id']}; not reloaded"))
                continue
            result = self.ingest(run["source"], path, force=True, **run["options"])
            done.append((run, result, f"{result.rows_new:,} rows back"))
        return done

    # -- ingest ----------------------------------------------------------------------------------
    def ingest(self, source: str, path: str | Path, *, force: bool = False, progress: bool = False,
               **options: Any) -> IngestResult:
        """Ingest one file or folder with the named source adapter, in one transaction."""
        if self.read_only:
            raise StoreError("the store is open read-only; open it writable to ingest")
        adapter = sources.get(source)
        path = Path(path)
        if not path.exists():
            raise sources.SourceError(f"{path}: no such file or folder. Check the path given to --from.")
        # a FIFO or device would hang the hash and the parse: refuse it before either starts
        files = safety.check_input(path, archives=False)
        hashing = _Hashing(path)
        if not force and self._may_be_known(source, path):
            # the same source has loaded input of this size: settle "already ingested" before parsing
            sha, _, _ = hashing.result()
            done = self._done(source, sha)
            if done:
                return IngestResult(done, source, str(path), 0, 0, 0, 0, skipped=True)
        self._scope_option = options.pop("scope", None)     # coverage scope declared at ingest (dyad.coverage)
        if self._scope_option is not None:
            from dyad import coverage

            coverage.parse_scope(self._scope_option)       # a bad value fails before anything is read
        ingest_id = self._start_run(source, path, {**options, **({"scope": self._scope_option}
                                                                if self._scope_option is not None else {})})
        live = _LIVE_RUNS.setdefault(_live_key(self.path), set()) if self.path is not None else set()
        with _LIVE_LOCK:
            live.add(ingest_id)
        staged: dict[str, str] = {}
        try:
            with self._ingest_memory():
                for f in files:
                    if f.suffix.lower() == ".zip":
                        safety.check_zip(f)        # names inside the archive, sizes within the limits
                result = adapter.read(path, **options)
                staged = result.stage(self.con, f"_staging_{ingest_id}")
                sha, size, members = hashing.result()
                done = None if force else self._done(source, sha)
                if done:
                    self._run("DELETE FROM provenance WHERE ingest_id = ?", [ingest_id])
                    return IngestResult(done, source, str(path), 0, 0, 0, 0, skipped=True)
                result.check()
                rows_new = self._commit(ingest_id, result, staged, sha, size, members)
        except BaseException as exc:
            self._fail_run(ingest_id, exc, hashing.done())
            if interrupt.is_interrupt(exc) and not isinstance(exc, KeyboardInterrupt):
                raise KeyboardInterrupt from exc          # Ctrl-C during a query: stop the command
            if isinstance(exc, _transaction_error()):
                raise _write_error(self.path, exc) from exc
            raise
        finally:
            with _LIVE_LOCK:
                live.discard(ingest_id)
            self._drop(staged.values())
        status = run_status(result.rows_read, result.rows_loaded, result.rows_rejected)
        if status == "rejected":
            first = result.rejects["reason"].iloc[0] if len(result.rejects) else "see the quarantine"
            message = (
                f"{path}: every one of the {result.rows_read:,} rows was rejected as `{source}` input (first "
                f"reason: {first}); nothing was loaded (ingest {ingest_id}, status rejected). Check that it is "
                f"a {source} file (`dyad sources --available`); `dyad quarantine --ingest {ingest_id}` lists "
                "the reasons.")
            self._run("UPDATE provenance SET message = ? WHERE ingest_id = ?", [message[:2000], ingest_id])
            raise IngestRejected(message)
        return IngestResult(ingest_id, source, str(path), result.rows_read, result.rows_loaded, rows_new,
                            result.rows_rejected, message="; ".join(result.notes), status=status)

    def _may_be_known(self, source: str, path: Path) -> bool:
        """Has this source loaded input of this size (any size, for a folder)?"""
        size = path.stat().st_size if path.is_file() else None
        return bool(self._run(f"SELECT 1 FROM provenance WHERE source = ? AND {LOADED_SQL} "
                              "AND (CAST(? AS BIGINT) IS NULL OR size = ?) LIMIT 1", [source, size, size]))

    def _done(self, source: str, sha: str) -> int | None:
        rows = self._run(f"SELECT ingest_id FROM provenance WHERE source = ? AND sha256 = ? AND {LOADED_SQL}",
                         [source, sha])
        return rows[0][0] if rows else None

    @contextmanager
    def _ingest_memory(self):
        """Cap DuckDB's memory during an ingest (``$DYAD_INGEST_MEMORY_LIMIT``, default 1GB), then back to
        the default, unless ``$DYAD_MEMORY_LIMIT`` already caps the connection: staging tables beyond it spill
        to disk, so a 20M-row file ingests in well under 2 GB."""
        if os.environ.get(engine.ENV_MEMORY):
            yield
            return
        self._run(f"SET memory_limit = '{os.environ.get(ENV_INGEST_MEMORY, DEFAULT_INGEST_MEMORY)}'")
        try:
            yield
        finally:
            try:
                self._run("RESET memory_limit")
            except engine.duckdb_error_types():
                pass

    def _drop(self, tables: Iterable[str]) -> None:
        """Drop temporary tables, ignoring errors: after a failed statement a transaction takes nothing but
        a ROLLBACK, and the first error is the one to report."""
        for name in tables:
            try:
                self._run(f'DROP TABLE IF EXISTS "{name}"')
            except engine.duckdb_error_types():
                pass

    def _start_run(self, source: str, path: Path, options: dict) -> int:
        from dyad import __version__

        try:
            ingest_id = int(self._run("SELECT coalesce(max(ingest_id), 0) + 1 FROM provenance")[0][0])
            self._run(
                "INSERT INTO provenance (ingest_id, source, path, status, started, dyad_version, "
                "options) VALUES (?, ?, ?, 'running', ?, ?, ?)",
                [ingest_id, source, str(path.resolve()), dt.datetime.now(), __version__,
                 json.dumps(options, default=str, sort_keys=True)])
        except engine.duckdb_error_types() as exc:
            raise _write_error(self.path, exc) from exc
        return ingest_id

    def _fail_run(self, ingest_id: int, exc: BaseException, fingerprint: tuple[str, int] | None = None) -> None:
        try:
            self._run("ROLLBACK")
        except engine.duckdb_error_types():
            pass
        sha, size = fingerprint or (None, None)
        try:
            self._run("UPDATE provenance SET status = 'failed', message = ?, finished = ?, "
                      "sha256 = coalesce(?, sha256), size = coalesce(?, size) WHERE ingest_id = ?",
                      [f"{type(exc).__name__}: {exc}"[:2000], dt.datetime.now(), sha, size, ingest_id])
        except engine.duckdb_error_types():
            pass

    def _commit(self, ingest_id: int, result: sources.ReadResult, staged: dict[str, str], sha: str, size: int,
                members: dict[str, str]) -> int:
        rows_new = 0
        self._present = 0
        self._run("BEGIN TRANSACTION")
        try:
            self._observing = (result.files, str(Path(result.files[0].file) if len(result.files) == 1
                                                 else self._run_path(ingest_id)), self._scope_option)
            try:
                for name, rows in result.tables.items():
                    rows_new += self._merge(name, staged.get(name, rows), ingest_id)
            finally:
                self._observing = None
            _pause_for_tests("after_merge")
            self._quarantine(ingest_id, result.rejects)
            for f in result.files:
                fpath = Path(f.file)
                if fpath.is_file():
                    fsha = members.get(str(fpath)) or sha256_file(fpath)
                    fsize = fpath.stat().st_size
                else:
                    fsha, fsize = None, None
                self._run("INSERT INTO provenance_files VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [ingest_id, str(fpath), fsha, fsize, f.rows_read, f.rows_loaded, f.rows_rejected])
            self._run(
                "UPDATE provenance SET status = ?, sha256 = ?, size = ?, rows_read = ?, rows_loaded = ?, "
                "rows_new = ?, rows_rejected = ?, finished = ?, message = ?, rows_present = ? WHERE ingest_id = ?",
                [run_status(result.rows_read, result.rows_loaded, result.rows_rejected), sha, size,
                 result.rows_read, result.rows_loaded, rows_new, result.rows_rejected,
                 dt.datetime.now(), "; ".join(result.notes) or None, self._present, ingest_id])
            self.bump_version()
            self._run("COMMIT")
        except engine.duckdb_error_types() as exc:
            raise _write_error(self.path, exc) from exc
        return rows_new

    def _run_path(self, ingest_id: int) -> str:
        rows = self._run("SELECT path FROM provenance WHERE ingest_id = ?", [ingest_id])
        return rows[0][0] if rows else ""

    def _merge(self, name: str, rows: Any, ingest_id: int) -> int:
        """Insert staging rows whose natural key is not yet stored, one row per key; return how many.

        ``rows`` is the name of a staging table already made, or what an adapter returned. Keys repeated
        within the staging rows are found first (a grouping of the key columns alone); the rows with a
        unique key go straight in, and only the repeated keys go through a DISTINCT ON, so the full rows
        are never hashed or sorted.
        """
        table = self.ensure_table(name)
        cols = ", ".join(f'"{c}"' for c in table.column_names)
        if isinstance(rows, str):
            staging = rows
            present = {r[0] for r in self._run("SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                                                "AND database_name = 'temp'", [staging])}
            select = _select_list(table, present)
        else:
            staging = f"_staging_{name}_{ingest_id}"
            if callable(rows):
                rows(self.con, staging)
            else:
                self.con.register("_incoming", rows)
                try:
                    self._run(f'CREATE TEMP TABLE "{staging}" AS SELECT {_select_list(table, rows)} FROM _incoming')
                finally:
                    self.con.unregister("_incoming")
            select = cols
        if getattr(self, "_observing", None) is not None:
            from dyad import coverage

            coverage.observe(self.con, ingest_id, name, staging, *self._observing)
        part = ", ".join(f'"{k}"' for k in table.key)
        # the run that loads a row is recorded with it (schema.RUN_COLUMN), so `dyad unload` can remove it
        cols += f', "{schema.RUN_COLUMN}"'
        select += f", CAST({int(ingest_id)} AS INTEGER)"

        def same_key(a: str, b: str) -> str:
            return " AND ".join(f'{a}."{k}" IS NOT DISTINCT FROM {b}."{k}"' for k in table.key)

        stored = f'NOT EXISTS (SELECT 1 FROM "{name}" t WHERE {same_key("t", "s")})'
        repeated = f"_repeated_{name}_{ingest_id}"
        self._run(f'CREATE TEMP TABLE "{repeated}" AS SELECT {part}, count(*) AS n FROM "{staging}" GROUP BY {part} '
                  "HAVING count(*) > 1")
        try:
            staged_rows, extra = self._run(f'SELECT (SELECT count(*) FROM "{staging}"), '
                                           f'(SELECT coalesce(sum(n - 1), 0) FROM "{repeated}")')[0]
            if not extra:
                inserted = int(self._run(f'INSERT INTO "{name}" ({cols}) SELECT {select} FROM "{staging}" s '
                                         f"WHERE {stored}")[0][0])
            else:
                once = f'NOT EXISTS (SELECT 1 FROM "{repeated}" r WHERE {same_key("r", "s")})'
                twice = f'EXISTS (SELECT 1 FROM "{repeated}" r WHERE {same_key("r", "s")})'
                inserted = int(self._run(
                    f'INSERT INTO "{name}" ({cols}) SELECT {select} FROM ('
                    f'  SELECT * FROM "{staging}" s WHERE {once}'
                    f'  UNION ALL SELECT DISTINCT ON ({part}) * FROM "{staging}" s WHERE {twice}) s '
                    f"WHERE {stored}")[0][0])
            # keys this run brought that an earlier run had already stored (deleting that run loses them)
            self._present += int(staged_rows) - int(extra) - inserted
            return inserted
        finally:
            self._drop((repeated, staging))

    def _quarantine(self, ingest_id: int, rejects: pd.DataFrame) -> None:
        if rejects is None or len(rejects) == 0:
            return
        frame = rejects[sources.REJECT_COLUMNS].copy()
        frame.insert(0, "ingest_id", ingest_id)
        frame["raw"] = frame["raw"].astype("string").str.slice(0, 4000)
        self.con.register("_rejects", frame)
        try:
            self._run("INSERT INTO quarantine SELECT ingest_id, CAST(file AS VARCHAR), CAST(row AS BIGINT), "
                             "CAST(reason AS VARCHAR), CAST(raw AS VARCHAR) FROM _rejects")
        finally:
            self.con.unregister("_rejects")


def _held_by_another(text: str) -> bool:
    """Does a DuckDB message say that another process or transaction holds the store?"""
    text = text.lower()
    return ("lock" in text and ("conflicting" in text or "could not set" in text)) or "write-write conflict" in text \
        or "conflict on" in text


def _open_error(path: Path | None, exc: BaseException, read_only: bool) -> StoreError:
    text = str(exc).lower()
    if _held_by_another(text):
        # checked first: the lock message may also mention read-only access
        fix = ("another process (a dyad ingest or report, or another program) holds the store; wait for it to "
               "finish, or pass another --store PATH")
    elif "permission" in text or "read-only" in text:
        fix = ("the store file is not readable" if read_only else
               "the store file or its folder is not writable: commands that only read open it read-only; "
               "to ingest, pass a writable --store PATH")
    elif "lock" in text:
        fix = "another dyad process is writing it; wait for it to finish or pass another --store PATH"
    elif "no space" in text or "file too large" in text:
        fix = "the disk is full; free space or move the store with --store PATH"
    else:
        fix = "if it is not a dyad store (DuckDB file), pass another --store PATH"
    return StoreError(f"cannot open the store {path}: {exc}. {fix[0].upper()}{fix[1:]}.")


def _select_list(table: schema.Table, rows: Any) -> str:
    """Columns to stage from an adapter's rows: a non-key column the rows lack is NULL (a table may gain
    optional columns without breaking adapters written before); a missing key column is an error."""
    if isinstance(rows, set):
        present = rows
    else:
        names = rows.column_names if hasattr(rows, "column_names") else rows.columns   # pyarrow or pandas
        present = {str(c) for c in names}
    missing_key = [k for k in table.key if k not in present]
    if missing_key:
        raise StoreError(f"rows for table {table.name!r} lack key column(s) {', '.join(missing_key)}")
    return ", ".join(f'"{c}"' if c in present else f'CAST(NULL AS {t}) AS "{c}"' for c, t in table.columns)


def _transaction_error() -> tuple[type[BaseException], ...]:
    import duckdb

    return (duckdb.TransactionException,)


def _write_error(path: Path | None, exc: BaseException) -> StoreError:
    text = str(exc)
    if _held_by_another(text):
        fix = ("another process or connection is writing the store at the same time; nothing was changed: "
               "wait for it to finish and run the command again")
    elif "read-only" in text.lower() or "permission" in text.lower():
        fix = "the store file or its folder is read-only; pass a writable --store PATH"
    elif any(w in text.lower() for w in ("no space", "disk", "file too large", "quota")):
        fix = "the disk is full; free space or move the store with --store PATH"
    else:
        fix = "nothing was changed; check the message above"
    return StoreError(f"writing the store {path} failed: {text}. {fix}.")


def _pause_for_tests(point: str) -> None:
    """Let the crash tests kill a process at a known point inside the ingest transaction."""
    if os.environ.get("DYAD_TEST_PAUSE") == point:
        import sys
        import time

        print(f"DYAD_PAUSED {point}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("DYAD_TEST_PAUSE_SECONDS", "60")))


def _engine_name(name: str | None) -> str:
    try:
        return engine.check_engine(name)
    except engine.EngineError as exc:
        raise StoreError(str(exc)) from exc


def open_store(path: str | Path | None = None, read_only: bool = False, engine_name: str | None = None) -> Store:
    """Open (or create) a dyad store; ``None`` means :func:`default_path`.

    ``engine_name`` (default ``$DYAD_ENGINE`` or duckdb) is where measures run: :meth:`Store.table`
    returns tables on that engine's backend.
    """
    return Store(path, read_only=read_only, engine_name=engine_name)
