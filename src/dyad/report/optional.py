"""The one place where the report and the dashboard reach for analysis modules that may be absent.

Some analyses (index, event study, synchronisation, scorecard, calendar reader) live in modules that a
given build may not have. Each has a *recipe* here: the module, the functions it must provide, and how to
call them for a dyad. :func:`run_optional` imports the module, checks the functions, runs the recipe and
returns a :class:`Section`; when the module or a function is missing, or the call raises, the section
carries a visible note saying so -- never an empty space.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

DEFAULT_AGENDA = "russia-china-2018"   # the CASS-RIAC 2018 agenda shipped in dyad/agendas
EVENT_INDICATOR = "un_agreement"       # the series event studies and synchronisation look at


@dataclass(frozen=True)
class Recipe:
    module: str
    needs: tuple[str, ...]
    missing: str                                   # what the reader is told when it cannot run
    call: Callable[..., Any] = field(repr=False)   # call(module, *args) -> frame | to_frame() | dict of those


def _agenda():
    return importlib.import_module("dyad.agenda").load(DEFAULT_AGENDA)


def agenda_id(a: str, b: str) -> str:
    """The id of the agenda the index and the scorecard of A and B are scored on: the default agenda for its
    own two countries, the generic five-direction agenda (no proposals) for any other pair."""
    agenda, _ = importlib.import_module("dyad.analysis.inputs").agenda_for(_agenda(), a, b)
    return str(agenda.id)


def _index(mod, store, a, b):
    result = mod.relationship_index(store, _agenda(), a, b)
    return {"": result.to_frame(), "inputs": getattr(result, "inputs", None)}


def _scorecard(mod, store, a, b):
    card = mod.scorecard(store, _agenda(), a, b)
    frames = {"proposals": card.proposals_frame()} if hasattr(card, "proposals_frame") else {}
    frames["evidence"] = card.to_frame()
    return frames


def _series(store, a, b):
    return importlib.import_module("dyad.analysis.series").from_indicator(store, a, b, EVENT_INDICATOR, by="year")


def _eventstudy(mod, store, a, b):
    """The UN-agreement series around A's and B's renewals and around their bilateral milestones."""
    cal = importlib.import_module("dyad.calendar")
    sync = importlib.import_module("dyad.analysis.sync")
    series = _series(store, a, b)
    pair = "-".join(sorted((a, b)))
    from dyad.report.display import country

    # headings name the countries as the reader knows them: "UN vote agreement around China's leadership renewals"
    events = {f"around {country(a)}'s leadership renewals": sync.renewal_dates(a, store=store),
              f"around {country(b)}'s leadership renewals": sync.renewal_dates(b, store=store),
              f"around {country(a)}–{country(b)} milestones": [d.date() for d in cal.entries(pair, store=store)["date"]]}
    out: dict[str, Any] = {}
    for name, dates in events.items():
        try:
            out[name] = mod.event_study(series, dates, window=2, event=name)
        except ValueError as exc:      # too few events inside the series: say so in the section
            out[name] = pd.DataFrame({"event": [name], "note": [str(exc)]})
    return out


def _sync(mod, store, a, b):
    return {"statistics": mod.synchronisation(a, b, series=_series(store, a, b), store=store)}


def _calendar(mod, store, a, b):
    pair = "-".join(sorted((a, b)))
    frames = [mod.entries(c, store=store) for c in (a, b, pair)]
    return pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else None


OPTIONAL: dict[str, Recipe] = {
    "index": Recipe("dyad.analysis.index", ("relationship_index",), "index not available in this build", _index),
    "eventstudy": Recipe("dyad.analysis.eventstudy", ("event_study",), "event study not available in this build",
                         _eventstudy),
    "sync": Recipe("dyad.analysis.sync", ("synchronisation",),
                   "synchronisation analysis not available in this build", _sync),
    "scorecard": Recipe("dyad.analysis.scorecard", ("scorecard",), "proposal scorecard not available in this build",
                        _scorecard),
    "calendar": Recipe("dyad.calendar", ("entries",), "calendar reader not available in this build", _calendar),
}


@dataclass(frozen=True)
class Section:
    key: str
    available: bool
    note: str = ""
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)


def find(key: str):
    """The imported module for ``key``, or a string saying why it cannot be used."""
    recipe = OPTIONAL[key]
    try:
        module = importlib.import_module(recipe.module)
    except ModuleNotFoundError as exc:
        if exc.name and recipe.module.startswith(exc.name):
            return f"{recipe.missing} ({recipe.module} is not installed)"
        raise
    absent = [n for n in recipe.needs if not callable(getattr(module, n, None))]
    if absent:
        return f"{recipe.missing} ({recipe.module} has no {', '.join(absent)})"
    return module


def as_frames(result: Any) -> dict[str, pd.DataFrame]:
    """Normalise what an analysis returns: a frame, an object with ``to_frame()``, or a dict of those."""
    if result is None:
        return {}
    if isinstance(result, pd.DataFrame):
        return {"": result}
    if hasattr(result, "to_frame"):
        return {"": result.to_frame()}
    if isinstance(result, dict):
        out: dict[str, pd.DataFrame] = {}
        for name, value in result.items():
            for sub, frame in as_frames(value).items():
                out[f"{name} {sub}".strip()] = frame
        return out
    raise TypeError(f"cannot show a {type(result).__name__} as a table")


def run_optional(key: str, *args: Any) -> Section:
    """Run the optional analysis ``key`` for ``args`` (usually store, a, b); a visible note when it cannot."""
    module = find(key)
    if isinstance(module, str):
        return Section(key, False, module)
    try:
        frames = as_frames(OPTIONAL[key].call(module, *args))
    except Exception as exc:  # noqa: BLE001 - the report shows the failure instead of stopping
        return Section(key, False, f"{OPTIONAL[key].module} failed: {type(exc).__name__}: {exc}")
    frames = {k: v for k, v in frames.items() if v is not None and len(v)}
    if not frames:
        return Section(key, False, f"{OPTIONAL[key].module} returned no rows for this dyad")
    return Section(key, True, "", frames)
