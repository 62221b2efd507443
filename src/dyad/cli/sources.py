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


COMMANDS = [sources_cmd, quarantine_cmd]
