"""The all-dyads panel against pandas computations on the peacesciencer .rda files."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyreadr
import pytest
from tests.conftest import need_data

from dyad import countries, panel


def _rda(name: str) -> pd.DataFrame:
    return next(iter(pyreadr.read_r(str(need_data("politics", name))).values()))


@pytest.fixture(scope="module")
def nmc_members() -> pd.DataFrame:
    nmc = _rda("cow_nmc.rda")
    iso = countries.code_map("cow")
    m = pd.DataFrame({"country": nmc["ccode"].astype(int).map(iso), "year": nmc["year"].astype(int)}).dropna()
    return m.drop_duplicates()


@pytest.fixture(scope="module")
def built(ps_store):
    return panel.build(ps_store, 1990, 2010)


@pytest.mark.slow
def test_only_pairs_of_system_members_and_no_added_rows(built, nmc_members):
    m = nmc_members[(nmc_members["year"] >= 1990) & (nmc_members["year"] <= 2010)]
    n = m.groupby("year").size()
    expected = (n * (n - 1) // 2).rename("rows")
    got = built.groupby("year").size().rename("rows")
    pd.testing.assert_series_equal(got, expected, check_names=False, check_index_type=False, check_dtype=False)
    assert not built.duplicated(["a", "b", "year"]).any()
    assert (built["a"] < built["b"]).all()
    row = built[(built["a"] == "CHN") & (built["b"] == "RUS")].iloc[0]
    assert (row["cow_a"], row["cow_b"]) == (710, 365)


@pytest.mark.slow
def test_alliance_column_matches_the_raw_table(built, nmc_members):
    atop = _rda("atop_alliance.rda")
    iso = countries.code_map("cow")
    atop = atop.assign(a=atop["ccode1"].astype(int).map(iso), b=atop["ccode2"].astype(int).map(iso),
                       year=atop["year"].astype(int))
    atop = atop[(atop["year"] == 2000) & (atop["atop_defense"] == 1) & (atop["a"] < atop["b"])]
    members = set(nmc_members.loc[nmc_members["year"] == 2000, "country"])
    pairs = {(a, b) for a, b in zip(atop["a"], atop["b"], strict=True) if a in members and b in members}
    y = built[built["year"] == 2000]
    assert y["atop_defense"].notna().all()
    assert int(y["atop_defense"].sum()) == len(pairs)


@pytest.mark.slow
def test_state_columns_both_sides_and_directed(ps_store, built):
    d = panel.build(ps_store, 2000, 2000, directed=True, indicator_ids=["polity2", "cinc_ratio"])
    assert len(d) == 2 * len(built[built["year"] == 2000])
    r = d[(d["a"] == "RUS") & (d["b"] == "CHN")].iloc[0]
    c = d[(d["a"] == "CHN") & (d["b"] == "RUS")].iloc[0]
    assert r["polity2_a"] == c["polity2_b"] and r["polity2_b"] == c["polity2_a"]
    assert np.isclose(r["cinc_ratio"] * c["cinc_ratio"], 1.0)


@pytest.mark.slow
def test_percentiles_are_mid_ranks_among_all_dyads(ps_store, built):
    p = panel.percentiles(ps_store, "atop_defense", "RUS", "CHN").set_index("period")
    vals = built.loc[built["year"] == 2000, "atop_defense"].dropna().to_numpy()
    mine = built.loc[(built["year"] == 2000) & (built["a"] == "CHN") & (built["b"] == "RUS"), "atop_defense"].item()
    expected = 100 * ((vals < mine).sum() + 0.5 * (vals == mine).sum()) / len(vals)
    assert p.loc["2000", "n_dyads"] == len(vals)
    assert np.isclose(p.loc["2000", "percentile"], expected)
    with pytest.raises(ValueError, match="all-dyads"):
        panel.percentiles(ps_store, "trade_total", "CHN", "RUS")


@pytest.mark.slow
def test_written_files_hold_the_same_rows(built, tmp_path):
    small = built[built["year"] == 2000]
    for name in ("p.parquet", "p.csv", "p.duckdb"):
        path = panel.write(small, tmp_path / name)
        if name.endswith("parquet"):
            back = pd.read_parquet(path)
        elif name.endswith("csv"):
            back = pd.read_csv(path)
        else:
            with duckdb.connect(str(path)) as con:
                back = con.execute("SELECT * FROM panel").df()
        assert len(back) == len(small) and np.isclose(back["atop_defense"].sum(), small["atop_defense"].sum())
    with pytest.raises(ValueError, match=".parquet, .csv or .duckdb"):
        panel.write(small, tmp_path / "p.xlsx")


def test_monthly_is_refused(store):
    with pytest.raises(ValueError, match="annual"):
        panel.build(store, 2000, 2001, by="month")
