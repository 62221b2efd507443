"""Reference tables shared by the event-data adapters and measures (CAMEO codes, country codes, actor types)."""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

import pandas as pd

QUAD_LABELS = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


def _read(name: str) -> pd.DataFrame:
    ref = resources.files("dyad") / "reference" / name
    with ref.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    return pd.DataFrame(rows, dtype="object")


@lru_cache(maxsize=1)
def cameo_events() -> pd.DataFrame:
    """CAMEO event codes: code, label, root (2 digits), quad (1..4), goldstein."""
    frame = _read("cameo_events.csv")
    frame["quad"] = frame["quad"].astype(int)
    frame["goldstein"] = frame["goldstein"].astype(float)
    return frame


@lru_cache(maxsize=1)
def cameo_countries() -> pd.DataFrame:
    """CAMEO actor country codes (countries and regions) with their ISO3 code (empty for regions)."""
    frame = _read("cameo_countries.csv")
    frame["iso3"] = frame["iso3"].where(frame["iso3"].str.len() > 0, None)
    return frame[["cameo", "iso3"]].drop_duplicates("cameo")


@lru_cache(maxsize=1)
def actor_types() -> pd.DataFrame:
    """CAMEO actor type codes with the ICEWS sector names mapped to each."""
    return _read("actor_types.csv")


def sector_map() -> pd.DataFrame:
    """One row per (ICEWS sector name, CAMEO type code)."""
    rows = []
    for _, r in actor_types().iterrows():
        for name in (r["icews_sectors"] or "").split(";"):
            if name.strip():
                rows.append({"sector": name.strip(), "code": r["code"]})
    return pd.DataFrame(rows, columns=["sector", "code"])
