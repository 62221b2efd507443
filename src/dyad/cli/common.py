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
