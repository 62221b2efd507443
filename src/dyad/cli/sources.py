"""``dyad sources``: what is loaded, and what could be."""

from __future__ import annotations

import click
import pandas as pd

from dyad import sources as registry
from dyad.cli.common import format_option, show


@click.command("sources")
@click.option("--available", is_flag=True, help="List the source adapters instead of what is loaded.")
@click.option("--runs", is_flag=True, help="Every ingest run, with files, hashes and counts.")
@format_option
@click.pass_obj
def sources_cmd(obj, available: bool, runs: bool, fmt: str) -> None:
    """Show loaded sources: ingests, rows read / new / rejected, failed runs.

    Example:

    \b
        dyad sources
        dyad sources --runs --format json
        dyad sources --available
    """
    if available:
        show(pd.DataFrame([{"name": a.name, "tables": ", ".join(a.tables), "description": a.description}
                           for a in registry.all_adapters()]), fmt)
        return
    with obj.store(read_only=True) as store:
        if runs:
            frame = store.sql("SELECT p.ingest_id, p.source, p.status, f.file, f.sha256, f.rows_read, "
                              "f.rows_loaded, f.rows_rejected, p.rows_new, p.finished, p.message "
                              "FROM provenance p LEFT JOIN provenance_files f USING (ingest_id) "
                              "ORDER BY p.ingest_id, f.file")
        else:
            frame = store.sources_summary()
        show(frame, fmt)
        if not runs and fmt == "table" and len(frame) and (frame["rows_new"] > frame["rows_read"]).any():
            more = ", ".join(frame.loc[frame["rows_new"] > frame["rows_read"], "source"])
            click.echo(f"rows_read counts rows of the input files, rows_new rows added to the store's tables: "
                       f"one row read can give several stored rows ({more}: e.g. COW dyadic rows hold both "
                       "directions of trade).", err=True)


@click.command("quarantine")
@click.option("--ingest", "ingest_id", type=int, help="Only this ingest run.")
@click.option("--limit", type=int, default=50, show_default=True)
@format_option
@click.pass_obj
def quarantine_cmd(obj, ingest_id: int | None, limit: int, fmt: str) -> None:
    """Show rejected rows with their reasons.

    Example:

    \b
        dyad quarantine --ingest 3 --limit 20
    """
    with obj.store(read_only=True) as store:
        show(store.quarantine(ingest_id).head(limit), fmt)


@click.command("unload")
@click.argument("ingest_id", type=int)
@click.option("--dry-run", is_flag=True, help="Say what would be removed; change nothing.")
@click.option("--reload", "reload_", is_flag=True,
              help="Then ingest again the unchanged files of other runs that held some of the same rows.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (asked only at a terminal).")
@click.pass_obj
def unload_cmd(obj, ingest_id: int, dry_run: bool, reload_: bool, yes: bool) -> None:
    """Delete what ingest run INGEST_ID loaded: its rows in every table, its quarantined rows and coverage.

    The run stays in `dyad sources --runs` with status `deleted` and what was removed; its file can be
    ingested again. A row that two runs' files both held was stored once, by the first: deleting that run
    removes the row, and the later runs are named (with --reload their unchanged files are read again).

    Example:

    \b
        dyad sources --runs
        dyad unload 7 --dry-run
        dyad unload 7 --reload
    """
    import sys

    from dyad.store import StoreError

    with obj.store(read_only=dry_run) as store:
        try:
            plan = store.delete_run(ingest_id, dry_run=True)
            if dry_run:
                click.echo(plan.summary())
                _say_affected(plan.affected, reload_=False)
                return
            if not yes and sys.stdin.isatty() and not click.confirm(plan.summary().replace("would remove",
                                                                                           "Remove", 1) + "?"):
                raise click.ClickException("nothing changed")
            done = store.delete_run(ingest_id)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(done.summary())
        if reload_ and done.affected:
            for run, result, what in store.reload_runs(done.affected):
                click.echo(f"reloaded ingest {run['ingest_id']} ({run['source']} {run['path']}): {what}"
                           + (f" as ingest {result.ingest_id}" if result is not None else ""))
        else:
            _say_affected(done.affected, reload_=True)


def _say_affected(affected: list[dict], reload_: bool) -> None:
    if not affected:
        return
    runs = "; ".join(f"{r['ingest_id']} ({r['source']} {r['path']}: {r['why']})" for r in affected)
    tail = (" `dyad unload ... --reload` reads their unchanged files again, or re-ingest them with --force."
            if reload_ else "")
    click.echo(f"other runs may have held some of the same rows: {runs}.{tail}", err=True)


COMMANDS = [sources_cmd, quarantine_cmd, unload_cmd]
