"""``dyad speeches``: what two countries say at the UN General Debate."""

from __future__ import annotations

import click

from dyad.cli.common import format_option, show
from dyad.countries import resolve_pair
from dyad.measures import speech as sm
from dyad.output import tidy


@click.command("speeches")
@click.argument("a")
@click.argument("b")
@click.option("--by", type=click.Choice(sm.PERIODS), default="year", show_default=True,
              help="Period: year of the general debate or UN session number.")
@click.option("--indicator", type=click.Choice(sm.INDICATOR_IDS), help="Only this speech indicator.")
@click.option("--terms", "terms_period", type=int,
              help="Instead: the terms that most distinguish each side's speech in this year (or session).")
@click.option("--top", type=int, default=15, show_default=True, help="With --terms: terms per side.")
@click.option("--min-reference", type=int, default=sm.MIN_REFERENCE, show_default=True,
              help="Speeches needed in a year for the similarity percentile.")
@format_option
@click.pass_obj
def speeches_cmd(obj, a, b, by, indicator, terms_period, top, min_reference, fmt):
    """Similarity of A's and B's General Debate speeches, and each one's emphasis on the five directions.

    Rows are tidy (a, b, period, indicator, value, n, note). speech_similarity_pct is empty (NaN)
    for years without a reference corpus of all countries' speeches; the note says why.

    Example:

    \b
        dyad ingest ungdc --from ../shared/data/ungdc
        dyad speeches CHN RUS --by year
        dyad speeches CHN RUS --indicator speech_similarity_pct --format json
        dyad speeches CHN RUS --terms 2023 --top 10
    """
    a, b = resolve_pair(a, b)
    with obj.store(read_only=True) as store:
        if terms_period is not None:
            show(sm.distinctive_terms(store, a, b, terms_period, by=by, top=top), fmt)
            return
        show(tidy(sm.speeches_table(store, a, b, by=by, indicator=indicator, min_reference=min_reference)), fmt)


COMMANDS = [speeches_cmd]
