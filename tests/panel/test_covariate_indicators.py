"""peacesciencer series as indicators, each checked against pandas on the published CHN-RUS slices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadr
import pytest
from tests.conftest import need_data

from dyad import indicators
from dyad.measures import covariates as cv


def _slice(name: str) -> pd.DataFrame:
    return pd.read_csv(need_data("politics", name))


def _members() -> dict[int, set[int]]:
    nmc = _slice("cow_nmc_CHN_RUS.csv")
    return {c: set(nmc.loc[nmc["ccode"] == c, "year"].astype(int)) for c in (365, 710)}


@pytest.mark.slow
def test_sparse_alliance_zero_filled_only_for_members_within_coverage(ps_store):
    full = next(iter(pyreadr.read_r(str(need_data("politics", "atop_alliance.rda"))).values()))
    lo, hi = int(full["year"].min()), int(full["year"].max())
    m = _members()
    # no value before both states existed (PRC from 1949; the USSR counted as Russia's only on request)
    years = sorted(y for y in m[365] & m[710] if lo <= y <= hi and y >= 1949)
    raw = _slice("atop_alliance_CHN_RUS.csv")
    listed = raw.groupby(raw["year"].astype(int))["atop_defense"].max()   # the slice has both orders
    expected = listed.reindex(years).fillna(0.0)
    got = indicators.get("atop_defense")(ps_store, "CHN", "RUS", ussr_as_russia=True)
    assert got["period"].astype(int).tolist() == years
    assert np.allclose(got["value"], expected.to_numpy())
    assert got["value"].sum() > 0


@pytest.mark.slow
def test_dispute_fatality_is_the_highest_known_level(ps_store):
    raw = _slice("cow_mid_ddydisps_CHN_RUS.csv")
    raw = raw[(raw["ccode1"] == 710) & (raw["ccode2"] == 365) & (raw["fatality"] >= 0)]
    expected = raw.groupby(raw["year"].astype(int))["fatality"].max()
    expected = expected[expected.index >= 1949]           # the PRC: no value before October 1949
    got = indicators.get("cowmid_fatality_max")(ps_store, "CHN", "RUS", ussr_as_russia=True)
    got = got.set_index("period")["value"]
    got.index = got.index.astype(int)
    assert np.allclose(got.reindex(expected.index), expected)
    assert (got.drop(expected.index, errors="ignore") >= 0).all()


@pytest.mark.slow
def test_cinc_ratio_and_both_sides_of_a_state_series(ps_store):
    nmc = _slice("cow_nmc_CHN_RUS.csv").assign(year=lambda f: f["year"].astype(int))
    cinc = nmc.pivot(index="year", columns="ccode", values="cinc").dropna()
    cinc = cinc[cinc.index >= 1949]                       # the PRC: no value before October 1949
    got = indicators.get("cinc_ratio")(ps_store, "CHN", "RUS", ussr_as_russia=True).set_index("period")["value"]
    got.index = got.index.astype(int)
    assert np.allclose(got.reindex(cinc.index), cinc[710] / cinc[365])
    dem = _slice("ccode_democracy_CHN_RUS.csv").dropna(subset=["polity2"])
    rus = dem[dem["ccode"] == 365].set_index(dem.loc[dem["ccode"] == 365, "year"].astype(int))["polity2"]
    side = indicators.get("polity2")(ps_store, "RUS", "CHN", ussr_as_russia=True)
    rus = rus[rus.index >= 1949]
    assert np.allclose(side.set_index(side["period"].astype(int))["value"].reindex(rus.index), rus)
    assert indicators.get("polity2").directed


def test_every_peacesciencer_series_is_registered_with_a_direction():
    ids = {i.id for i in indicators.all_indicators()}
    for table in (cv.SPARSE_DYADIC, cv.COMPLETE_DYADIC, cv.MONADIC):
        for var in table:
            assert var in ids
            ind = indicators.get(var)
            assert ind.directions and ind.all_dyads and ind.method == "covariates"
    assert indicators.get("igo_joint_memberships").all_dyads
    assert not indicators.get("trade_total").all_dyads


def test_sparse_series_need_state_membership(store):
    with pytest.raises(ValueError, match="cow_nmc"):
        cv.members(store)
