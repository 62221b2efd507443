"""United Nations membership of states: who was a member on a given day.

The dates are in ``reference/un_membership.csv`` (one row per state: ISO3, date of admission, date the
membership ended, if it did). Sources: the UN's list of Member States with their dates of admission and
its table "Growth in United Nations membership"; see ``reference/README.md``.

Conventions, the same as :mod:`dyad.countries`:

* the seat "China" is the Republic of China's (``TWN``) until 25 October 1971 and the People's
  Republic's (``CHN``) from that day (UNGA resolution 2758);
* the Russian Federation continues the Soviet Union's membership (``RUS`` from 24 October 1945);
* unified Germany continues the Federal Republic's (``DEU`` from 18 September 1973), united Yemen
  the Yemen Arab Republic's (``YEM`` from 30 September 1947).

Original members are recorded as admitted on 24 October 1945, the day the Charter entered into force;
a few ratified later that year, all before the first session of the General Assembly (10 January 1946).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

REFERENCE = "un_membership.csv"


@dataclass(frozen=True)
class Membership:
    iso3: str
    admitted: dt.date
    ended: dt.date | None     # first day on which the state was no longer a member; None = still a member
    original: bool
    note: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.admitted <= day and (self.ended is None or day < self.ended)


def _date(text: str, line: int) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"reference/{REFERENCE} line {line}: {text!r} is not a date (YYYY-MM-DD)") from exc


@lru_cache(maxsize=1)
def _table() -> dict[str, Membership]:
    ref = resources.files("dyad") / "reference" / REFERENCE
    out: dict[str, Membership] = {}
    with ref.open(encoding="utf-8") as fh:
        lines = [(i, line) for i, line in enumerate(fh, start=1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in lines)
    for (number, _), row in zip(lines[1:], reader, strict=True):
        iso3 = row["iso3"].strip().upper()
        if iso3 in out:
            raise ValueError(f"reference/{REFERENCE} line {number}: {iso3} is listed twice")
        admitted = _date(row["admitted"], number)
        if admitted is None:
            raise ValueError(f"reference/{REFERENCE} line {number}: {iso3} has no admission date")
        out[iso3] = Membership(iso3, admitted, _date(row["ended"], number),
                               row["original"].strip().lower() == "yes", row.get("note") or "")
    return out


def _as_date(day: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    return dt.date.fromisoformat(str(day)[:10])


def membership(iso3: str) -> Membership | None:
    """The membership record of a state, or None if it has never been a UN member."""
    return _table().get(iso3.upper())


def is_member(iso3: str, day: dt.date | dt.datetime | str) -> bool:
    """Was ``iso3`` a member of the United Nations on ``day``?"""
    record = membership(iso3)
    return record is not None and record.covers(_as_date(day))


def members(day: dt.date | dt.datetime | str) -> list[str]:
    """ISO3 codes of every member state on ``day``, sorted."""
    day = _as_date(day)
    return sorted(m.iso3 for m in _table().values() if m.covers(day))


def table() -> pd.DataFrame:
    """The whole reference table (iso3, admitted, ended, original, note)."""
    return pd.DataFrame([m.__dict__ for m in _table().values()])
