"""Trade indicators against independent computations on the raw files."""

from __future__ import annotations

import csv
from collections import Counter
from importlib import resources

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import need_data
from dyad.measures import trade as tr

BACI = ("trade", "baci_russia_china_processed_2017_2023.csv")


def raw_baci() -> pd.DataFrame:
    f = duckdb.sql(f"SELECT * FROM read_csv('{need_data(*BACI)}')").df()
    f["hs"] = f["k"].astype(int).map(lambda k: f"{k:06d}")
    return f


def test_group_table_covers_each_chapter_once():
    text = resources.files("dyad").joinpath("reference/product_groups.csv").read_text()
    rows = list(csv.DictReader(text.splitlines()))
    exclusive = Counter(r["hs_prefix"] for r in rows if r["exclusive"] == "yes")
    chapters = {f"{c:02d}" for c in range(1, 98)} - {"77"}
    assert set(exclusive) == chapters and len(chapters) == 96
    assert all(v == 1 for v in exclusive.values())
    assert all(r["source"].strip() for r in rows)
    groups = {r["group"] for r in rows}
    assert {"energy", "machinery", "transport", "hightech", "agrifood", "metals", "chemicals", "crude", "gas",
            "coal", "aircraft"} <= groups
    sub = {r["group"]: r for r in rows if r["exclusive"] == "no"}
    assert sub["crude"]["hs_prefix"] == "2709" and sub["gas"]["hs_prefix"] == "2711"
    assert sub["coal"]["hs_prefix"] == "2701" and sub["aircraft"]["hs_prefix"] == "88"
    assert "Eurostat" in sub["hightech"]["source"]


def test_shares_sum_to_100_per_direction_year(trade_store):
    for a, b in (("CHN", "RUS"), ("RUS", "CHN")):
        s = tr.shares(trade_store, a, b, groups=tr.exclusive_groups())
        sums = s.groupby("period")["value"].sum()
        assert len(sums) == 7
        assert np.allclose(sums.to_numpy(), 100.0, atol=1e-9)


def test_energy_and_crude_shares_match_raw(trade_store):
    raw = raw_baci()
    ru = raw[(raw.i == 643) & (raw.t == 2023)]
    want_energy = ru[ru.hs.str[:2] == "27"].v.sum() / ru.v.sum() * 100
    want_crude = ru[ru.hs.str[:4] == "2709"].v.sum() / ru.v.sum() * 100
    s = tr.shares(trade_store, "RUS", "CHN", groups=["energy", "crude"])
    got = s[s.period == "2023"].set_index("indicator")["value"]
    assert got["trade_share_energy"] == pytest.approx(want_energy, rel=1e-9)
    assert got["trade_share_crude"] == pytest.approx(want_crude, rel=1e-9)
    assert 60 < got["trade_share_energy"] < 90      # Russia's exports to China are mostly fuels


def test_hhi_matches_raw(trade_store):
    raw = raw_baci()
    cn = raw[(raw.i == 156) & (raw.t == 2020)]
    s = cn.groupby(cn.hs.str[:2]).v.sum()
    want = float(((s / s.sum()) ** 2).sum())
    got = tr.hhi(trade_store, "CHN", "RUS").set_index("period")["value"]["2020"]
    assert got == pytest.approx(want, rel=1e-12)


def test_balance_growth_total(trade_store):
    raw = raw_baci().groupby(["t", "i"]).v.sum() * 1000
    tot = tr.total(trade_store, "CHN", "RUS").set_index("period")["value"]
    bal = tr.balance(trade_store, "CHN", "RUS").set_index("period")["value"]
    gro = tr.growth(trade_store, "CHN", "RUS").set_index("period")["value"]
    t22, t23 = raw[2022, 156] + raw[2022, 643], raw[2023, 156] + raw[2023, 643]
    assert tot["2023"] == pytest.approx(t23)
    assert bal["2023"] == pytest.approx(raw[2023, 156] - raw[2023, 643])
    assert gro["2023"] == pytest.approx((t23 / t22 - 1) * 100)
    assert np.isnan(gro["2017"])          # no 2016 in the file: missing, not zero
    late = tr.growth(trade_store, "CHN", "RUS", start=2022, end=2023).set_index("period")["value"]
    assert list(late.index) == ["2022", "2023"] and late["2023"] == pytest.approx(gro["2023"])
    assert late["2022"] == pytest.approx(gro["2022"])     # the year before the window is still used


def test_one_sided_source_gives_nan_total(trade_store):
    """Comtrade here has only China's imports from Russia: the total is missing, not the one direction."""
    tot = tr.total(trade_store, "CHN", "RUS", source="comtrade")
    assert len(tot) and tot["value"].isna().all() and (tot["n"] == 0).all()


def test_comtrade_annual_and_monthly(trade_store):
    path = need_data("trade", "comtrade_imports_chn_from_rus_2017_2024.csv")
    raw = pd.read_csv(path)
    ours = tr.exports(trade_store, "RUS", "CHN", source="comtrade").set_index("period")["value"]
    for year, v in raw.groupby("refYear").primaryValue.sum().items():
        assert ours[str(year)] == pytest.approx(v)
    # Published in the data README (bn USD): 2017 41.4, 2022 114.4, 2023 128.9, 2024 129.9.
    assert [round(ours[y] / 1e9, 1) for y in ("2017", "2022", "2023", "2024")] == [41.4, 114.4, 128.9, 129.9]
    monthly = tr.exports(trade_store, "RUS", "CHN", source="comtrade", by="month")
    assert len(monthly) == 96 and monthly["period"].iloc[0] == "2017-01"
    assert monthly["value"].iloc[0] == pytest.approx(raw.primaryValue.iloc[0])


def test_mirror_gap_comtrade_vs_baci(trade_store):
    raw = raw_baci()
    baci23 = raw[(raw.i == 643) & (raw.t == 2023)].v.sum() * 1000
    ct = pd.read_csv(need_data("trade", "comtrade_imports_chn_from_rus_2017_2024.csv"))
    ct23 = ct[ct.refYear == 2023].primaryValue.sum()
    gap = tr.mirror_gap(trade_store, "RUS", "CHN").set_index("period")
    assert gap.loc["2023", "value"] == pytest.approx((ct23 - baci23) / baci23 * 100)
    assert "baci" in gap.loc["2023", "comparison"]
    assert "2024" not in gap.index        # BACI ends in 2023: no reference, no row


def test_oec_totals_match_baci(trade_store):
    """The data README says the OEC HS4 table's annual totals equal BACI Russia->China."""
    oec = tr.exports(trade_store, "RUS", "CHN", source="oec").set_index("period")["value"]
    raw = raw_baci()
    for year in range(2018, 2024):
        assert oec[str(year)] == pytest.approx(raw[(raw.i == 643) & (raw.t == year)].v.sum() * 1000, rel=1e-6)
    rows = trade_store.sql("SELECT DISTINCT length(product) AS n FROM trade WHERE source = 'oec'")
    assert rows["n"].tolist() == [4]


def test_dependence_on_gdp(trade_store):
    raw = raw_baci()
    wb = pd.read_csv(need_data("wdi", "worldbank_russia_china_raw.csv"))
    gdp = wb[(wb.country == "Russian Federation") & (wb.date == 2021)].GDP_current_USD.iloc[0]
    total = raw[raw.t == 2021].v.sum() * 1000
    dep = tr.dependence(trade_store, "RUS", "CHN").set_index("period")["value"]
    assert dep["2021"] == pytest.approx(total / gdp * 100)
    assert tr.dependence(trade_store, "RUS", "CHN", basis="trade").empty   # no world totals in BACI extract
    g = tr.gdp_indicator(trade_store, "RUS", "CHN").set_index("period")["value"]
    assert g["2021"] == gdp and "1980" not in g.index       # Russia has no WB GDP before 1988: missing rows


def test_no_data_is_empty_not_zero(trade_store):
    assert tr.exports(trade_store, "USA", "FRA").empty
    assert tr.shares(trade_store, "USA", "FRA").empty


@pytest.mark.slow
def test_cow_trade_2014_and_state_totals(tmp_path):
    """COW 2014: flow1 (Russia's imports from China) 51,135 and flow2 42,807 million USD."""
    import pyreadr

    from dyad.store import open_store

    with open_store(tmp_path / "s.duckdb") as s:
        s.ingest("cow-trade", need_data("trade", "cow_trade_ndy.rda"))
        s.ingest("cow-trade", need_data("trade", "cow_trade_sy.rda"))
        cn_ru = tr.exports(s, "CHN", "RUS", source="cow-trade").set_index("period")["value"]
        ru_cn = tr.exports(s, "RUS", "CHN", source="cow-trade").set_index("period")["value"]
        assert cn_ru["2014"] == 51_135e6 and ru_cn["2014"] == 42_807e6
        sy = pyreadr.read_r(str(need_data("trade", "cow_trade_sy.rda")))["cow_trade_sy"]
        ru = sy[(sy.ccode == 365) & (sy.year == 2010)].iloc[0]
        dep = tr.dependence(s, "RUS", "CHN", basis="trade").set_index("period")["value"]
        bil = cn_ru["2010"] + ru_cn["2010"]
        assert dep["2010"] == pytest.approx(bil / ((ru.imports + ru.exports) * 1e6) * 100)
        q = s.quarantine()
        assert q["reason"].str.contains("not a COW state with an ISO3 code|both flows missing|both missing").all()


def test_cow_csv_extract(tmp_path):
    from dyad.store import open_store

    path = need_data("trade", "cow_trade_CHN_RUS_1870_2014.csv")
    raw = pd.read_csv(path)
    with open_store(tmp_path / "s.duckdb") as s:
        r = s.ingest("cow-trade", path)
        assert r.rows_read == len(raw) == r.rows_loaded
        got = tr.exports(s, "CHN", "RUS", source="cow-trade").set_index("period")["value"]
        want = raw.dropna(subset=["flow1"]).set_index("year")["flow1"] * 1e6
        assert len(got) == len(want)
        for year, v in want.items():
            assert got[str(int(year))] == v
