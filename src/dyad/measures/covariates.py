"""Dyad-year and state-year covariates (table ``covariates``) as tidy indicator rows.

Filled by the ``peacesciencer`` and ``wdi`` adapters. Only tables that list every dyad-year of their
coverage, zeros included, become indicators: for those a missing row really is missing. Tables that list only
dyad-years *with* an alliance or a dispute (ATOP, COW alliances, MIDs) stay covariates: read them with
:func:`covariate` and decide what an absent year means for your question.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dyad.indicators import Indicator, register

COLUMNS = ["a", "b", "period", "indicator", "value", "n", "unit", "source"]


def covariate(store, a: str, b: str, variable: str, source: str | None = None, state: bool = False,
              indicator: str | None = None, unit: str = "") -> pd.DataFrame:
    """Rows of one covariate for the dyad (or for state a alone with ``state=True``), one per year."""
    if not store.has_table("covariates"):
        return pd.DataFrame(columns=COLUMNS)
    f = store.sql("SELECT year, value, source FROM covariates WHERE a = ? AND b = ? AND variable = ? "
                  "AND (? IS NULL OR source = ?) ORDER BY year", [a, "" if state else b, variable, source, source])
    f = f.drop_duplicates("year")
    return pd.DataFrame({"a": a, "b": b, "period": f["year"].astype(str), "indicator": indicator or variable,
                         "value": f["value"].astype(float), "n": np.ones(len(f), dtype=int), "unit": unit,
                         "source": f["source"]}, columns=COLUMNS)


def igo_joint(store, a, b, by="year", **_) -> pd.DataFrame:
    """Number of intergovernmental organisations both a and b belong to (COW IGO v3, to 2014)."""
    if by != "year":
        raise ValueError("igo_joint_memberships is annual: use --by year")
    return covariate(store, a, b, "dyadigos", indicator="igo_joint_memberships", unit="organisations")


register(Indicator(id="igo_joint_memberships", label="Joint IGO memberships", unit="organisations",
                   source="covariates", method="covariates", compute=igo_joint, directions=("D5",),
                   frequencies=("year",), directed=False, higher_means="closer",
                   description="COW Intergovernmental Organizations v3 (Pevehouse et al. 2020) via peacesciencer: "
                               "full and associate memberships held by both states."))
