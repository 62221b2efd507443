"""``dyad calendar``, ``dyad eventstudy``, ``dyad sync``: political cycles and the relationship."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dyad import calendar
from dyad.cli.common import end_option, format_option, show, start_option
from dyad.countries import resolve
from dyad.output import records

calendar_option = click.option("--calendar", "calendars", multiple=True,
                               type=click.Path(exists=True, path_type=Path),
                               help="Extra calendar YAML file or folder (repeatable); adds to the built-in ones.")


def _store_or_none(obj):
    """The store when one exists (its ingested calendars and indicators), else None."""
    from dyad.store import default_path

    path = Path(obj.store_path) if obj.store_path else default_path()
    return obj.store(read_only=True) if path.exists() else None


@click.command("calendar")
@click.argument("country")
@click.option("--kind", "kinds", multiple=True, help="Only these kinds (repeatable), e.g. presidential_election.")
@start_option()
@end_option()
@click.option("--scheduled", is_flag=True, help="Include scheduled (not yet held) entries.")
@calendar_option
@format_option
@click.pass_obj
def calendar_cmd(obj, country, kinds, start, end, scheduled, calendars, fmt):
    """A country's political calendar (or a pair's milestones, e.g. CHN-RUS).

    Built-in calendars, plus calendars ingested into the store (dyad ingest calendar --from FILE) when a
    store exists, plus --calendar files.

    Example:

    \b
        dyad calendar RUS --kind presidential_election
        dyad calendar CHN --kind party_congress --kind npc_leadership_transition
        dyad calendar CHN-RUS --format json
    """
    store = _store_or_none(obj)
    try:
        frame = calendar.entries(country, kinds or None, store=store, paths=calendars,
                                 status=None if scheduled else "held")
    finally:
        if store is not None:
            store.close()
    if kinds and frame.empty:
        known = calendar.entries(country, store=None, paths=calendars, status=None)["kind"].unique()
        raise click.UsageError(f"no {country} entries of kind {', '.join(kinds)}; kinds: "
                               f"{', '.join(sorted(known)) or 'none (no calendar for this country)'}")
    if start:
        frame = frame[frame["date"] >= start]
    if end:
        frame = frame[frame["date"] <= end]
    frame = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d"),
                         end_date=frame["end_date"].dt.strftime("%Y-%m-%d"))
    show(frame.reset_index(drop=True), fmt)


def _load_series(obj, a, b, indicator, series_file, by, min_n):
    from dyad.analysis import series as ser

    if series_file is not None:
        if a or b or indicator:
            raise click.UsageError("give either --series FILE or A B --indicator NAME, not both")
        return ser.read_csv(series_file), None
    if not (a and b and indicator):
        raise click.UsageError("give two countries and --indicator NAME, or --series FILE")
    store = obj.store(read_only=True)
    return ser.from_indicator(store, resolve(a), resolve(b), indicator, by=by, min_n=min_n), store


@click.command("eventstudy")
@click.argument("a", required=False)
@click.argument("b", required=False)
@click.option("--indicator", help="Indicator id (see dyad indicators), computed for the dyad A-B.")
@click.option("--series", "series_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with columns period,value (YYYY or YYYY-MM) instead of A B --indicator.")
@click.option("--event", required=True, help="COUNTRY:kind, e.g. RUS:presidential_election.")
@click.option("--window", type=int, default=2, show_default=True, help="k: offsets -k..+k periods.")
@click.option("--baseline", type=int, help="Periods before each event averaged as its baseline (default k).")
@click.option("--by", type=click.Choice(["year", "month"]), default="year", show_default=True,
              help="Period of the indicator (a --series file says its own).")
@click.option("--min-n", type=int, default=1, show_default=True,
              help="Treat indicator periods resting on fewer observations as missing.")
@click.option("--ci", type=click.Choice(["t", "bootstrap"]), default="t", show_default=True)
@click.option("--reps", type=int, default=999, show_default=True, help="Placebo (and bootstrap) draws.")
@click.option("--seed", type=int, default=20180601, show_default=True)
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the chart (.html, .png, .svg or .json).")
@calendar_option
@format_option
@click.pass_obj
def eventstudy_cmd(obj, a, b, indicator, series_file, event, window, baseline, by, min_n, ci, reps, seed,
                   plot_path, calendars, fmt):
    """Mean deviation of a series from its pre-event baseline around dated events, with intervals and
    placebo p-values (draws of non-event periods; same calendar month for monthly series).

    Example:

    \b
        dyad eventstudy CHN RUS --indicator un_agreement --event RUS:presidential_election --window 2
        dyad eventstudy --series my_series.csv --event CHN:party_congress --window 3 --format json
    """
    from dyad.analysis.eventstudy import event_study

    series, store = _load_series(obj, a, b, indicator, series_file, by, min_n)
    try:
        notes: list[str] = []
        dates = calendar.event_dates(event, store=store, paths=calendars, notes=notes)
        for note in notes:
            click.echo(f"note: {note}", err=True)
    finally:
        if store is not None:
            store.close()
    result = event_study(series, dates, window=window, baseline=baseline, event=event, ci=ci, reps=reps,
                         seed=seed)
    if plot_path is not None:
        result.plot().save(str(plot_path))
    if fmt == "table":
        click.echo(result.summary())
    else:
        show(result.to_frame(), fmt)


@click.command("sync")
@click.argument("a")
@click.argument("b")
@click.option("--indicator", help="Also test a dyadic indicator against synchronised windows.")
@click.option("--series", "series_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV period,value to test instead of --indicator.")
@click.option("--months", type=int, default=6, show_default=True,
              help="N: a month is near a renewal within N months of it.")
@click.option("--lags", type=int, default=2, show_default=True, help="Cross-correlation lags -L..L periods.")
@click.option("--by", type=click.Choice(["year", "month"]), default="year", show_default=True)
@click.option("--min-n", type=int, default=1, show_default=True)
@click.option("--start", default="1990-01", show_default=True, help="First month of the grid (YYYY-MM).")
@click.option("--end", default="2026-12", show_default=True, help="Last month of the grid (YYYY-MM).")
@click.option("--detrend", type=click.Choice(["none", "linear", "diff"]), default="none", show_default=True,
              help="Compare the indicator, its residual from a linear trend, or its yearly/monthly change.")
@click.option("--gaps", "show_gaps", is_flag=True, help="Show each renewal's gap to the other side's nearest.")
@calendar_option
@format_option
@click.pass_obj
def sync_cmd(obj, a, b, indicator, series_file, months, lags, by, min_n, start, end, detrend, show_gaps, calendars,
             fmt):
    """How synchronised A's and B's leadership renewals are, and whether the dyad differs when they are.

    Example:

    \b
        dyad sync CHN RUS
        dyad sync CHN RUS --indicator un_agreement --months 6 --lags 2 --min-n 10
        dyad sync CHN RUS --indicator un_agreement --detrend diff
        dyad sync CHN RUS --gaps --format csv
    """
    from dyad.analysis.sync import synchronisation

    a, b = resolve(a), resolve(b)
    series, store = None, None
    if indicator or series_file:
        series, store = _load_series(obj, a if indicator else None, b if indicator else None, indicator,
                                     series_file, by, min_n)
    else:
        store = _store_or_none(obj)
    try:
        result = synchronisation(a, b, months=months, series=series, start=start, end=end, lags=lags,
                                 detrend=detrend, store=store, paths=calendars)
    finally:
        if store is not None:
            store.close()
    frame = result.gaps if show_gaps else result.to_frame()
    if fmt == "table":
        click.echo(result.summary())
        click.echo("")
    if fmt == "json" and not show_gaps:
        json.dump({"summary": result.summary(), "statistics": records(frame)}, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    show(frame, fmt)


COMMANDS = [calendar_cmd, eventstudy_cmd, sync_cmd]
