"""The one place where the report and the dashboard reach for analysis modules that may be absent.

Some analyses (index, event study, synchronisation, scorecard, calendar reader) live in modules that a
given build may not have. :func:`run_optional` imports the module, finds the first of the expected
function names, calls it and returns a :class:`Section`; when the module or function is missing, or the
call raises, the section carries a visible note saying so -- never an empty space.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

# section key -> (module, function names tried in order, what the reader is told when it is missing)
OPTIONAL: dict[str, tuple[str, tuple[str, ...], str]] = {
    "index": ("dyad.analysis.index", ("dyad_index", "index", "compute"), "index not available in this build"),
    "eventstudy": ("dyad.analysis.eventstudy", ("event_study", "eventstudy", "compute"),
                   "event study not available in this build"),
    "sync": ("dyad.analysis.sync", ("synchronisation", "synchronization", "sync", "compute"),
             "synchronisation analysis not available in this build"),
    "scorecard": ("dyad.analysis.scorecard", ("scorecard", "compute"),
                  "proposal scorecard not available in this build"),
    "calendar": ("dyad.calendar", ("for_dyad", "dyad_events", "events"),
                 "calendar reader not available in this build"),
}


@dataclass(frozen=True)
class Section:
    key: str
    available: bool
    note: str = ""
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    text: str = ""


def find(key: str):
    """The analysis function for ``key``, or a string saying why there is none."""
    module_name, names, missing = OPTIONAL[key]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return f"{missing} ({module_name} is not installed)"
        raise
    for name in names:
        func = getattr(module, name, None)
        if callable(func):
            return func
    return f"{missing} ({module_name} has none of {', '.join(names)})"


def as_frames(result: Any) -> dict[str, pd.DataFrame]:
    """Normalise what an analysis returns: a frame, an object with ``to_frame()``, or a dict of frames."""
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


def run_optional(key: str, *args: Any, **kwargs: Any) -> Section:
    """Call the optional analysis ``key`` and wrap the result; a visible note when it cannot run."""
    func = find(key)
    if isinstance(func, str):
        return Section(key, False, func)
    try:
        frames = as_frames(func(*args, **kwargs))
    except Exception as exc:  # noqa: BLE001 - the report shows the failure instead of stopping
        return Section(key, False, f"{OPTIONAL[key][0]} failed: {type(exc).__name__}: {exc}")
    frames = {k: v for k, v in frames.items() if v is not None and len(v)}
    if not frames:
        return Section(key, False, f"{OPTIONAL[key][0]} returned no rows for this dyad")
    return Section(key, True, "", frames)
