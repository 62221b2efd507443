"""``dyad events``: event-data indicators of a dyad (GDELT, ICEWS) per month or year."""

from __future__ import annotations

import click
import pandas as pd

from dyad import coverage, indicators
from dyad.cli.common import end_option, format_option, show, show_notes, start_option, ussr_option
from dyad.countries import resolve_pair
from dyad.measures import events as ev
from dyad.output import tidy


@click.command("events")
@click.argument("a")
@click.argument("b")
@click.option("--by", type=click.Choice(ev.PERIODS), default="month", show_default=True,
              help="Calendar month (YYYY-MM) or year of the event date.")
@click.option("--indicator", "names", multiple=True, type=click.Choice(ev.INDICATORS), metavar="NAME",
              help="Indicator id (repeatable); `dyad indicators` lists them. Default: ev_relationship_score.")
@click.option("--directed", is_flag=True, help="Only events with A as source and B as target.")
@click.option("--dataset", type=click.Choice(["gdelt", "icews"]), default="gdelt", show_default=True)
@start_option()
@end_option()
@click.option("--no-ci", is_flag=True, help="Skip the bootstrap interval of the relationship score.")
@click.option("--per-covered-day", is_flag=True,
              help="Divide event counts by the period's days that the loaded files cover.")
@ussr_option
@format_option
@click.pass_obj
def events_cmd(obj, a, b, by, names, directed, dataset, start, end, no_ci, per_covered_day, ussr_as_russia, fmt):
    """Event indicators of A and B per period: counts by quad class, Goldstein, tone, contacts, a score.

    Both directions are pooled unless --directed. Every indicator also exists with the suffix _share:
    divided by the period's number of events involving A or B.

    Periods that no loaded file covers for this pair have no row (not 0); `coverage` is the share of the
    period covered, and `quality` is thin below 7 covered days (docs/methods/coverage.md).

    Example:

    \b
        dyad events CHN RUS --by month --indicator ev_verbal_coop
        dyad events CHN RUS --by year --indicator ev_high_level_contacts_share --directed
        dyad events CHN RUS --dataset icews --by month --format csv
    """
    a, b = resolve_pair(a, b)
    options = {"directed": directed, "dataset": dataset, "start": start, "end": end,
               "ussr_as_russia": ussr_as_russia, "per_covered_day": per_covered_day}
    with obj.store(read_only=True) as store:
        frames = []
        for name in names or ("ev_relationship_score",):
            extra = {"ci": not no_ci} if name == "ev_relationship_score" else {}
            frames.append(indicators.get(name).compute(store, a, b, by=by, **options, **extra))
        why = coverage.why_none(store, "events", a, b, dataset)
    out = tidy(pd.concat(frames, ignore_index=True))
    out.attrs["notes"] = list(dict.fromkeys(n for f in frames for n in f.attrs.get("notes", [])))
    show_notes(out, why)
    show(out, fmt)


COMMANDS = [events_cmd]
