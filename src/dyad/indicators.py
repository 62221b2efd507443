"""The registry of named indicators: data about data.

Each indicator is registered once with its metadata and a compute function; the report, dashboard,
API, index and scorecard all iterate :func:`all_indicators`. Adding an indicator is one function plus
one :func:`register` call.

A compute function has the signature ``compute(store, a, b, by="year", **options) -> DataFrame`` and
returns tidy rows ``a, b, period, indicator, value, n`` (plus ``ci_low, ci_high`` where it has an interval).
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata

import pandas as pd

DIRECTIONS = {
    "D1": "political trust",
    "D2": "economic cooperation",
    "D3": "security",
    "D4": "culture and education",
    "D5": "global and regional coordination",
}

# Modules whose import registers built-in indicators; plugins use the entry point group "dyad.indicators".
BUILTIN = [
    "dyad.measures.alignment",
    "dyad.measures.speech",
    "dyad.measures.trade", "dyad.measures.arms", "dyad.measures.covariates",
    "dyad.measures.events",
    "dyad.measures.cosponsor",
    "dyad.measures.idealpoints",
]


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    unit: str
    source: str               # canonical table(s) it reads
    method: str               # anchor in docs/methods.md
    compute: Callable[..., pd.DataFrame] = field(repr=False, compare=False)
    directions: tuple[str, ...] = ()
    frequencies: tuple[str, ...] = ("year",)
    directed: bool = False    # True when value(a, b) may differ from value(b, a)
    higher_means: str = "closer"   # how to read a larger value: closer, more, conflict ...
    description: str = ""
    # Minimum support below which a value is marked thin (quality column), and what is counted:
    # "joint roll calls", "covered days", "flow records" ... None: no threshold (see docs/methods/thresholds.md).
    min_support: int | None = None
    support_unit: str = ""
    all_dyads: bool = False   # True when the source holds every dyad (the panel builds it for all pairs)

    def __post_init__(self) -> None:
        # Every value leaves compute() finished the same way: no row before both states existed, a coverage
        # column (no row where no loaded file covers the period), and a quality column (ok / thin).
        if self.min_support is None and not self.support_unit and self.source in SOURCE_SUPPORT:
            minimum, unit = SOURCE_SUPPORT[self.source]
            object.__setattr__(self, "min_support", minimum)
            object.__setattr__(self, "support_unit", unit)
        raw = self.compute
        if getattr(raw, "dyad_raw", None) is not None:
            return
        indicator = self

        def finished(store, a: str, b: str, by: str = "year", **options) -> pd.DataFrame:
            from dyad import quality

            extra = {k: options.pop(k) for k in quality.FINISH_OPTIONS if k in options}
            frame = raw(store, a, b, by=by, **options)
            return quality.finish(store, indicator, frame, a, b, by=by, options=options, **extra)

        finished.dyad_raw = raw
        finished.__name__ = getattr(raw, "__name__", "compute")
        object.__setattr__(self, "compute", finished)

    def __call__(self, store, a: str, b: str, by: str = "year", **options) -> pd.DataFrame:
        return self.compute(store, a, b, by=by, **options)

    def meta(self) -> dict:
        return {"id": self.id, "label": self.label, "unit": self.unit, "source": self.source,
                "method": self.method, "directions": list(self.directions),
                "frequencies": list(self.frequencies), "directed": self.directed,
                "higher_means": self.higher_means, "description": self.description,
                "min_support": self.min_support, "support_unit": self.support_unit,
                "all_dyads": self.all_dyads}


# Minimum support of indicators that do not set their own, by the canonical table(s) they read
# (docs/methods/thresholds.md gives the reasons).
SOURCE_SUPPORT: dict[str, tuple[int | None, str]] = {
    "votes, rollcalls": (10, "joint roll calls"),
    "events": (7, "covered days"),
    "trade": (1, "flow records"),
    "arms, arms_deliveries": (None, "register years (every deal listed; no threshold)"),
    "speeches": (None, "speeches (one per country and session; no threshold)"),
    "covariates": (None, "published values (no threshold)"),
}


def _raw(compute: Callable) -> Callable:
    return getattr(compute, "dyad_raw", None) or compute


_REGISTRY: dict[str, Indicator] = {}
_loaded = False


def register(indicator: Indicator) -> Indicator:
    bad = [d for d in indicator.directions if d not in DIRECTIONS]
    if bad:
        raise ValueError(f"indicator {indicator.id}: unknown directions {bad}; use {', '.join(DIRECTIONS)}")
    old = _REGISTRY.get(indicator.id)
    if old is not None and _raw(old.compute) is not _raw(indicator.compute):
        raise ValueError(f"an indicator named {indicator.id!r} is already registered")
    _REGISTRY[indicator.id] = indicator
    return indicator


def load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN:
        importlib.import_module(module)
    for ep in metadata.entry_points(group="dyad.indicators"):
        ep.load()


def get(indicator_id: str) -> Indicator:
    load()
    if indicator_id not in _REGISTRY:
        near = difflib.get_close_matches(indicator_id, list(_REGISTRY), n=4)
        hint = f" Did you mean {', '.join(near)}?" if near else ""
        raise KeyError(f"no indicator named {indicator_id!r}.{hint} `dyad indicators` lists them.")
    return _REGISTRY[indicator_id]


def all_indicators() -> list[Indicator]:
    load()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def catalogue() -> pd.DataFrame:
    return pd.DataFrame([i.meta() for i in all_indicators()])
