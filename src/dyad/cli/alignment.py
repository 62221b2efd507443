"""``dyad alignment``: UN General Assembly voting alignment."""

from __future__ import annotations

import click

from dyad import coverage, indicators
from dyad.cli.common import end_option, format_option, show, show_notes, start_option
from dyad.countries import resolve, resolve_pair
from dyad.measures import alignment as al
from dyad.measures import cosponsor
from dyad.output import tidy


@click.command("alignment")
@click.argument("a")
@click.argument("b", required=False)
@click.option("--by", type=click.Choice(al.PERIODS), default="year", show_default=True,
              help="Period: calendar year of the vote, UN session, or all (with --start/--end).")
@click.option("--measure", type=click.Choice([*al.MEASURES, "cosponsorship"]), default="agreement", show_default=True,
              help="A vote measure, or cosponsorship: the share of resolutions either sponsored that both "
                   "sponsored (UN records from Nov 2019; --by year or all).")
@click.option("--issue", type=click.Choice(al.ISSUES), help="Only roll calls on one issue.")
@click.option("--important", is_flag=True, help="Only votes the US State Department marked important.")
@click.option("--absent", type=click.Choice(al.ABSENT_RULES), default="missing", show_default=True,
              help="Treat recorded absences as missing or as abstentions.")
@start_option()
@end_option()
@click.option("--year", type=int, help="With one country: the year for --top.")
@click.option("--top", type=int, help="With one country: the N countries that vote most like it.")
@click.option("--no-ci", is_flag=True, help="Skip the bootstrap intervals.")
@format_option
@click.pass_obj
def alignment_cmd(obj, a, b, by, measure, issue, important, absent, start, end, year, top, no_ci, fmt):
    """How closely A and B vote in the UN General Assembly, per period, with bootstrap intervals.

    With only A, --year and --top: the countries that vote most like A that year.

    `quality` is thin below 10 joint roll calls. China's UN seat counts as CHN from 25 Oct 1971 (the
    Republic of China's earlier votes are TWN); Russia continues the USSR's seat, so its values before 1992
    are the USSR's votes (docs/methods/coverage.md#existence).

    Example:

    \b
        dyad alignment CHN RUS --by year --measure kappa
        dyad alignment CHN RUS --issue hr --important
        dyad alignment CHN --year 2018 --top 10
        dyad alignment CHN RUS --measure cosponsorship
    """
    a = resolve(a)
    if measure == "cosponsorship":
        if b is None or issue or important or top:
            raise click.UsageError("--measure cosponsorship needs two countries and takes no --issue, "
                                   "--important or --top")
        if by not in cosponsor.PERIODS:
            raise click.UsageError("--measure cosponsorship is per year or over all: --by year or --by all")
        a, b = resolve_pair(a, b)
        with obj.store(read_only=True) as store:
            frame = indicators.get(cosponsor.INDICATOR).compute(store, a, b, by=by, ci=not no_ci, start=start,
                                                                end=end)
        out = tidy(frame)
        show_notes(frame)
        show(out, fmt)
        return
    options = {"issue": issue, "important": important, "absent": absent}
    with obj.store(read_only=True) as store:
        if b is None:
            if year is None:
                raise click.UsageError("with one country give --year (and --top N), or give a second country")
            show(al.top_partners(store, a, year, measure, top or 10, **options), fmt)
            return
        a, b = resolve_pair(a, b)
        frame = indicators.get(f"un_{measure}").compute(store, a, b, by=by, start=start, end=end,
                                                        ci=not no_ci, **options)
        why = coverage.why_none(store, "votes", a, b)
    out = tidy(frame)
    out.attrs["notes"] = frame.attrs.get("notes", [])
    show_notes(out, why)
    show(out, fmt)


COMMANDS = [alignment_cmd]
