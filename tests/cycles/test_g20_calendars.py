"""The G20 and Pakistan calendars: coverage, sources, and dates checked against rules fixed in law or
custom (computed here independently of the YAML) and against dates typed from the public record."""

import datetime as dt

import pytest
import yaml

from dyad import calendar
from dyad.analysis import sync

G20 = ("ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "KOR", "MEX", "RUS", "SAU",
       "ZAF", "TUR", "GBR", "USA")          # the EU is the twentieth member and is not a country
COUNTRIES = (*G20, "PAK")
PAIRS = ("CHN-RUS", "CHN-USA", "IND-PAK")


def _dates(country, kinds):
    return [d.date() for d in calendar.entries(country, kinds, status=None)["date"]]


def _us_election_day(year: int) -> dt.date:
    """2 U.S.C. 7: the Tuesday next after the first Monday in November."""
    first = dt.date(year, 11, 1)
    monday = first + dt.timedelta(days=(0 - first.weekday()) % 7)
    return monday + dt.timedelta(days=1)


@pytest.mark.parametrize("country", COUNTRIES + PAIRS)
def test_every_country_and_pair_has_a_sourced_calendar(country):
    path = calendar.BUILTIN_DIR / f"{country}.yaml"
    raw = yaml.safe_load(path.read_text())
    frame = calendar.load_file(path)                 # strict: any bad entry raises
    assert len(frame) == len(raw["entries"]) >= 8
    assert all(len(str(e["source"])) > 10 for e in raw["entries"])
    years = frame["date"].dt.year
    assert years.min() <= 1995 and years.max() >= 2017, country


@pytest.mark.parametrize("country", COUNTRIES)
def test_renewals_exist_for_event_studies(country):
    dates = sync.renewal_dates(country)
    assert len(dates) >= 2
    assert all(dt.date(1987, 1, 1) <= d <= dt.date(2026, 12, 31) for d in dates)


def test_us_federal_elections_follow_the_statutory_rule():
    assert _dates("USA", "presidential_election") == [_us_election_day(y) for y in range(1992, 2025, 4)]
    assert _dates("USA", "legislative_election") == [_us_election_day(y) for y in range(1990, 2027, 4)]


@pytest.mark.parametrize("country, kinds, weekday, exceptions", [
    ("GBR", "general_election", 3, set()),                   # UK general elections: Thursdays
    ("AUS", "general_election", 5, set()),                   # Australian federal elections: Saturdays
    ("JPN", ["general_election", "legislative_election"], 6, set()),   # Japan: Sundays
    ("DEU", "general_election", 6, set()),                   # Bundestag elections: Sundays
    ("FRA", ["presidential_election", "legislative_election", "referendum"], 6, set()),
    ("ITA", "general_election", 6, set()),
    ("TUR", ["general_election", "presidential_election", "referendum"], 6, set()),
    ("ARG", ["presidential_election", "legislative_election"], 6, set()),
    ("MEX", ["presidential_election", "legislative_election"], 6, set()),
    ("BRA", "presidential_election", 6, {dt.date(1994, 10, 3)}),      # 1994 voted on a Monday
    ("CAN", "general_election", 0, {dt.date(2008, 10, 14)}),          # Tuesday after Thanksgiving Monday
    ("ZAF", "general_election", 2, set()),                   # South Africa: Wednesdays (declared holidays)
])
def test_polling_days_fall_on_the_customary_weekday(country, kinds, weekday, exceptions):
    off = [d for d in _dates(country, kinds) if d.weekday() != weekday and d not in exceptions]
    assert off == []


# Typed independently from the electoral commissions' result pages.
PUBLIC_RECORD = {
    ("IND", "general_election"): ["1991-05-20", "1996-04-27", "1998-02-16", "1999-09-05", "2004-04-20",
                                  "2009-04-16", "2014-04-07", "2019-04-11", "2024-04-19"],
    ("PAK", "general_election"): ["1990-10-24", "1993-10-06", "1997-02-03", "2002-10-10", "2008-02-18",
                                  "2013-05-11", "2018-07-25", "2024-02-08"],
    ("KOR", "presidential_election"): ["1992-12-18", "1997-12-18", "2002-12-19", "2007-12-19", "2012-12-19",
                                       "2017-05-09", "2022-03-09", "2025-06-03"],
    ("GBR", "general_election"): ["1992-04-09", "1997-05-01", "2001-06-07", "2005-05-05", "2010-05-06",
                                  "2015-05-07", "2017-06-08", "2019-12-12", "2024-07-04"],
}


@pytest.mark.parametrize("key", list(PUBLIC_RECORD))
def test_dates_match_the_public_record(key):
    assert [d.isoformat() for d in _dates(*key)] == PUBLIC_RECORD[key]


def test_new_kinds_are_documented():
    used = set(calendar.entries(status=None)["kind"])
    assert used <= set(calendar.KINDS), used - set(calendar.KINDS)
