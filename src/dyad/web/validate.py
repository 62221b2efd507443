"""Validation of every path and query parameter the web app accepts; failures become 4xx JSON errors.

Parameters are checked against closed sets (the country tables, the indicator registry, fixed enums) or
strict patterns before they reach any code; SQL only ever receives them as bound parameters.
"""

from __future__ import annotations

import datetime as dt
import re

from dyad.countries import CountryError, resolve
from dyad.indicators import DIRECTIONS, Indicator, get

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_INDICATOR_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_COUNTRY = re.compile(r"^[A-Za-z0-9 .,'()\-]{2,60}$")


class BadRequest(ValueError):
    """A parameter that fails validation: ``status`` (400 or 404), a short code and the message."""

    def __init__(self, status: int, code: str, detail: str, param: str = ""):
        super().__init__(detail)
        self.status, self.code, self.detail, self.param = status, code, detail, param

    def body(self) -> dict:
        return {"error": self.code, "param": self.param, "detail": self.detail}


def country(value: str, param: str = "country") -> str:
    """An ISO3 code from a code or name; 400 naming the nearest matches otherwise."""
    if not isinstance(value, str) or not _COUNTRY.match(value):
        raise BadRequest(400, "invalid_country", "give an ISO3 code such as CHN or RUS (2-60 letters)", param)
    try:
        return resolve(value)
    except CountryError as exc:
        raise BadRequest(400, "invalid_country", str(exc), param) from exc


def dyad(a: str, b: str) -> tuple[str, str]:
    x, y = country(a, "a"), country(b, "b")
    if x == y:
        raise BadRequest(400, "invalid_dyad", f"a dyad needs two different countries; got {x} twice", "b")
    return x, y


def indicator(value: str) -> Indicator:
    if not _INDICATOR_ID.match(value or ""):
        raise BadRequest(400, "invalid_indicator", "indicator ids are 1-64 letters, digits, _ . or -", "id")
    try:
        return get(value)
    except KeyError as exc:
        detail = str(exc.args[0]).replace("`dyad indicators` lists them.", "/api/indicators lists them.")
        raise BadRequest(404, "unknown_indicator", detail, "id") from exc


def frequency(ind: Indicator, by: str | None) -> str:
    if by is None or by == "":
        return ind.frequencies[0]
    if by not in ind.frequencies:
        raise BadRequest(400, "invalid_by", f"{ind.id} is computed by {', '.join(ind.frequencies)}; got {by!r}",
                         "by")
    return by


def date(value: str | None, param: str, end: bool = False) -> dt.date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD; a year or month as ``end`` means its last day."""
    if value is None or value == "":
        return None
    m = _DATE.match(value)
    if not m:
        raise BadRequest(400, "invalid_date", f"{param} must be YYYY, YYYY-MM or YYYY-MM-DD; got {value!r}", param)
    year, month, day = int(m[1]), int(m[2] or (12 if end else 1)), m[3]
    try:
        if day is None:
            if end:
                nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
                return nxt - dt.timedelta(days=1)
            return dt.date(year, month, 1)
        return dt.date(year, month, int(day))
    except ValueError as exc:
        raise BadRequest(400, "invalid_date", f"{param}: {exc}", param) from exc


def date_range(start: str | None, end: str | None) -> tuple[dt.date | None, dt.date | None]:
    lo, hi = date(start, "start"), date(end, "end", end=True)
    if lo and hi and lo > hi:
        raise BadRequest(400, "invalid_range", f"start {start} is after end {end}", "start")
    return lo, hi


def direction(value: str | None) -> str | None:
    if value is None or value == "" or value == "all":
        return None
    if value not in DIRECTIONS:
        raise BadRequest(400, "invalid_direction", f"direction must be one of {', '.join(DIRECTIONS)} or all", "direction")
    return value
