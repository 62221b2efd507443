"""``dyad indicators``: the registry of named indicators."""

from __future__ import annotations

import click

from dyad.cli.common import format_option, show
from dyad.indicators import catalogue


@click.command("indicators")
@format_option
def indicators_cmd(fmt: str) -> None:
    """List every registered indicator with its unit, directions and method.

    Example:

    \b
        dyad indicators --format json
    """
    frame = catalogue()
    if fmt == "table":
        frame = frame[["id", "label", "unit", "directions", "frequencies", "source"]]
    show(frame, fmt)


COMMANDS = [indicators_cmd]
