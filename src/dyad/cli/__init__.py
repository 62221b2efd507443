"""The ``dyad`` command line: one module per command group, each thin over the Python API.

Command modules are listed in :data:`COMMANDS`; each exposes ``COMMANDS`` (a list of click commands).
Plugins add theirs through the entry point group ``dyad.commands`` -- the same seam.
"""

from __future__ import annotations

import importlib
import os
import sys
from importlib import metadata

import click

from dyad import __version__

COMMANDS = [
    "dyad.cli.ingest",
    "dyad.cli.sources",
    "dyad.cli.alignment",
    "dyad.cli.events",
    "dyad.cli.indicators",
    "dyad.cli.speeches",
    "dyad.cli.doc",
    "dyad.cli.cycles",
    "dyad.cli.trade",
    "dyad.cli.agenda",
    "dyad.cli.show",
    "dyad.cli.idealpoints",
    "dyad.cli.panel",
]


class Context:
    """What every command gets: where the store is and which engine to use."""

    def __init__(self, store_path: str | None, engine: str):
        self.store_path = store_path
        self.engine = engine

    def store(self, read_only: bool = False):
        from dyad.store import open_store

        return open_store(self.store_path, read_only=read_only, engine_name=self.engine)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--store", "store_path", envvar="DYAD_STORE", type=click.Path(dir_okay=False),
              help="Store file (DuckDB). Default: $DYAD_STORE or dyad.duckdb in your data directory.")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
              envvar="DYAD_ENGINE", help="Where measures run.")
@click.version_option(__version__, prog_name="dyad")
@click.pass_context
def cli(ctx: click.Context, store_path: str | None, engine: str) -> None:
    """dyad: measure the relations between two countries from public data.

    Example:

    \b
        dyad ingest unvotes --from ../shared/data/unvotes
        dyad alignment CHN RUS --by year
    """
    ctx.obj = Context(store_path, engine)


def _load_commands() -> None:
    for name in COMMANDS:
        for command in importlib.import_module(name).COMMANDS:
            cli.add_command(command)
    for ep in metadata.entry_points(group="dyad.commands"):
        for command in getattr(ep.load(), "COMMANDS", []):
            cli.add_command(command)


_load_commands()


def main() -> None:
    """Entry point: clear one-line errors for expected failures, tracebacks only with DYAD_DEBUG=1."""
    from dyad import interrupt
    from dyad.countries import CountryError
    from dyad.sources import SourceError
    from dyad.store import StoreError

    expected = (CountryError, SourceError, StoreError, KeyError, ValueError, FileNotFoundError)
    interrupt.install()
    try:
        cli.main(standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        if interrupt.requested():
            click.echo("Interrupted (Ctrl-C): stopped; nothing more was written.", err=True)
            sys.exit(130)
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except expected as exc:
        if interrupt.requested():
            click.echo("Interrupted (Ctrl-C): stopped; nothing more was written.", err=True)
            sys.exit(130)
        if os.environ.get("DYAD_DEBUG"):
            raise
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        click.echo(f"Error: {message}", err=True)
        sys.exit(2)
    except Exception as exc:
        if interrupt.is_interrupt(exc):
            click.echo("Interrupted (Ctrl-C): stopped; nothing more was written.", err=True)
            sys.exit(130)
        raise
