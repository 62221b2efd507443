"""Options and helpers shared by command modules."""

from __future__ import annotations

import click
import pandas as pd

from dyad.countries import resolve
from dyad.output import FORMATS, emit

format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                             help="Output as an aligned table, CSV or JSON.")


def country_argument(name: str, required: bool = True):
    return click.argument(name, required=required, callback=lambda _c, _p, v: resolve(v) if v else v)


def show(frame: pd.DataFrame, fmt: str) -> None:
    emit(frame, fmt)


ussr_option = click.option("--ussr-as-russia", is_flag=True,
                           help="Count the USSR's history (1922-1991) as Russia's. Without it Russia starts on "
                                "26 Dec 1991 (UN measures follow the UN seat, which Russia continues).")


def show_notes(frame: pd.DataFrame, why_empty: str = "") -> None:
    """Print the notes an indicator attached (existence rule, coverage, thin values) to stderr; for an
    empty result, say why there are no numbers."""
    for note in frame.attrs.get("notes", []):
        click.echo(f"note: {note}", err=True)
    if frame.empty and why_empty:
        click.echo(f"no values: {why_empty}", err=True)
