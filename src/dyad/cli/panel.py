"""``dyad panel``: every dyad-year of the state system with every all-dyads indicator loaded."""

from __future__ import annotations

import click

from dyad import panel as pn
from dyad.cli.common import format_option, show


@click.command("panel")
@click.option("--start", type=int, default=1946, show_default=True, help="First year.")
@click.option("--end", type=int, default=2024, show_default=True, help="Last year.")
@click.option("--directed", is_flag=True, help="Both orders of every pair (default: each pair once, a < b).")
@click.option("--indicator", "ids", multiple=True, help="Only these indicators (repeatable). Default: all loaded.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to FILE.parquet, FILE.csv or FILE.duckdb (table --table) instead of printing a summary.")
@click.option("--table", default="panel", show_default=True, help="Table name when writing a .duckdb file.")
@format_option
@click.pass_obj
def panel_cmd(obj, start, end, directed, ids, output, table, fmt):
    """A dyad-year panel of all pairs of state-system members, one column per indicator (like peacesciencer's
    create_dyadyears with its add_* verbs); keys ISO3 and COW codes.

    Without --output, prints how many non-missing values each column has.

    Example:

    \b
        dyad panel --start 1946 --end 2024 -o panel.parquet
        dyad panel --directed --indicator atop_defense --indicator cinc_ratio -o dyads.csv
    """
    with obj.store(read_only=True) as store:
        frame = pn.build(store, start, end, directed=directed, indicator_ids=list(ids) or None)
    if output:
        pn.write(frame, output, table)
        click.echo(f"wrote {len(frame):,} dyad-years x {frame.shape[1]} columns to {output}", err=True)
        return
    counts = frame.notna().sum().rename("non_missing").rename_axis("column").reset_index()
    show(counts.assign(rows=len(frame)), fmt)


COMMANDS = [panel_cmd]
