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


def date_bound(text: str, end: bool = False) -> str:
    """A date given as YYYY, YYYY-MM or YYYY-MM-DD, as an ISO date string.

    A bare year or month means the whole of it: as a start, its first day; as an end, its last day.
    Anything else (``2015-13-45``, ``15``, ``May 2015``) is a ValueError naming the accepted forms.
    """
    import calendar
    import datetime as dt
    import re

    value = str(text).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value)
    try:
        if not m:
            raise ValueError
        year, month, day = int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None
        if month is None:
            month = 12 if end else 1
        if day is None:
            day = calendar.monthrange(year, month)[1] if end else 1
        return dt.date(year, month, day).isoformat()
    except (ValueError, calendar.IllegalMonthError):
        raise ValueError(f"{value!r} is not a date: give YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2015, 2015-06 or "
                         "2015-06-30); a year or month means all of it") from None


class DateBound(click.ParamType):
    """``--start`` / ``--end`` dates: YYYY, YYYY-MM or YYYY-MM-DD; a bare year or month is the whole of it."""

    name = "date"

    def __init__(self, end: bool = False):
        self.end = end

    def convert(self, value, param, ctx):
        if value is None:
            return None
        try:
            return date_bound(value, end=self.end)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def start_option(help: str = "First date: YYYY, YYYY-MM or YYYY-MM-DD (a year starts on 1 January)."):
    return click.option("--start", type=DateBound(end=False), help=help)


def end_option(help: str = "Last date: YYYY, YYYY-MM or YYYY-MM-DD (a year ends on 31 December)."):
    return click.option("--end", type=DateBound(end=True), help=help)


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
