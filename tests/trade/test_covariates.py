"""World Bank and peacesciencer covariates against the raw files."""

from __future__ import annotations

import csv
import zipfile

import pandas as pd
import pytest

from conftest import need_data
from dyad.measures import trade as tr
from dyad.sources import SourceError, wdi

BULK_GDP = ("wdi", "WB2018_API_NY.GDP.MKTP.CD_DS2_en_csv_v2.csv")


def bulk_value(path, code: str, year: str) -> float:
    with open(path, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header = next(r for r in rows if r[:2] == ["Country Name", "Country Code"])
    row = next(r for r in rows if len(r) > 1 and r[1] == code)
    return float(row[header.index(year)])


def test_bulk_layout(store):
    path = need_data(*BULK_GDP)
    result = store.ingest("wdi", path)
    assert result.rows_read == 264 and result.rows_rejected == 0
    got = store.sql("SELECT value FROM covariates WHERE a = 'RUS' AND year = 2016 AND variable = 'NY.GDP.MKTP.CD'")
    assert got["value"][0] == pytest.approx(bulk_value(path, "RUS", "2016"))
    # Aggregates keep the World Bank's code; empty cells are not stored.
    assert store.sql("SELECT count(*) AS n FROM covariates WHERE a = 'WLD'")["n"][0] > 0
    empty = store.sql("SELECT count(*) AS n FROM covariates WHERE a = 'RUS' AND year < 1988")["n"][0]
    assert empty == 0


def test_folder_prefers_newest_release(store):
    store.ingest("wdi", need_data("wdi"))
    raw = pd.read_csv(need_data("wdi", "worldbank_russia_china_raw.csv"))
    want = raw[(raw.country == "Russian Federation") & (raw.date == 2016)].GDP_current_USD.iloc[0]
    old = bulk_value(need_data(*BULK_GDP), "RUS", "2016")
    got = tr.gdp(store, "RUS")["2016"]
    assert got == pytest.approx(want) and got != pytest.approx(old)


def _wb_csv(rows: str) -> str:
    head = ('\ufeff"Data Source","World Development Indicators",\n\n"Last Updated Date","2026-01-28",\n\n'
            '"Country Name","Country Code","Indicator Name","Indicator Code","2020","2021","2022",\n')
    return head + rows


def test_download_zip_from_local_server(http_server, tmp_path, store):
    root, url = http_server
    body = _wb_csv('"China","CHN","GDP (current US$)","NY.GDP.MKTP.CD","1.5","2.5","",\n'
                   '"Russian Federation","RUS","GDP (current US$)","NY.GDP.MKTP.CD","1","x9","3",\n')
    with zipfile.ZipFile(root / "NY.GDP.MKTP.CD", "w") as zf:
        zf.writestr("API_NY.GDP.MKTP.CD_DS2_en_csv_v2_1.csv", body)
        zf.writestr("Metadata_Country_API_NY.GDP.MKTP.CD_DS2_en_csv_v2_1.csv", '"Country Code","Region",\n')
    paths = wdi.ADAPTER.download(cache=tmp_path / "c", indicators=("NY.GDP.MKTP.CD",), base_url=url)
    assert [p.name for p in paths] == ["API_NY.GDP.MKTP.CD.zip"]
    result = store.ingest("wdi", paths[0])
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 1, 1)
    assert "not a number" in store.quarantine()["reason"][0]
    got = store.sql("SELECT a, year, value FROM covariates ORDER BY year").values.tolist()
    assert got == [["CHN", 2020, 1.5], ["CHN", 2021, 2.5]]


def test_not_a_world_bank_file(tmp_path, store):
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    with pytest.raises(SourceError, match="World Bank"):
        store.ingest("wdi", f)


def test_peacesciencer_extracts(tmp_path, store):
    folder = need_data("politics")
    for name in ("atop_alliance_CHN_RUS.csv", "cow_igo_ndy_CHN_RUS.csv", "cow_mid_ddydisps_CHN_RUS.csv",
                 "archigos41_CHN_RUS_leaders.csv", "td_rivalries_CHN_RUS.csv"):
        store.ingest("peacesciencer", folder / name)
    cov = store.sql("SELECT * FROM covariates")

    def val(a, b, year, var):
        hit = cov[(cov.a == a) & (cov.b == b) & (cov.year == year) & (cov.variable == var)]
        return hit["value"].iloc[0] if len(hit) else None

    atop = pd.read_csv(folder / "atop_alliance_CHN_RUS.csv")
    r = atop[(atop.ccode1 == 710) & (atop.year == 2001)].iloc[0]
    assert val("CHN", "RUS", 2001, "atop_nonagg") == r.atop_nonagg
    igo = pd.read_csv(folder / "cow_igo_ndy_CHN_RUS.csv")
    n = igo[igo.year == 2010].dyadigos.iloc[0]
    assert val("CHN", "RUS", 2010, "dyadigos") == n == val("RUS", "CHN", 2010, "dyadigos")   # non-directed
    mid = pd.read_csv(folder / "cow_mid_ddydisps_CHN_RUS.csv")
    m = mid[(mid.ccode1 == 365) & (mid.ccode2 == 710)]
    for year, grp in m.groupby("year"):
        assert val("RUS", "CHN", int(year), "cowmid_disputes") == grp.dispnum.nunique()
    leaders = pd.read_csv(folder / "archigos41_CHN_RUS_leaders.csv")
    starts = leaders[leaders.gwcode == 710].startdate.str[:4].astype(int).value_counts()
    assert val("CHN", "", 1976, "archigos_entries") == starts[1976]
    assert val("CHN", "RUS", 1969, "td_rivalry") == 1.0 and val("CHN", "RUS", 1995, "td_rivalry") is None


@pytest.mark.slow
def test_peacesciencer_rda(store):
    import pyreadr

    path = need_data("politics", "atop_alliance.rda")
    raw = pyreadr.read_r(str(path))["atop_alliance"]
    result = store.ingest("peacesciencer", path)
    assert result.rows_read == len(raw) == result.rows_loaded + result.rows_rejected
    q = store.quarantine()
    assert q["reason"].str.contains("not a COW state with an ISO3 code").all()
    r = raw[(raw.ccode1 == 2) & (raw.ccode2 == 20) & (raw.year == 1960)].iloc[0]
    got = store.sql("SELECT value FROM covariates WHERE a = 'USA' AND b = 'CAN' AND year = 1960 "
                    "AND variable = 'atop_defense'")["value"][0]
    assert got == r.atop_defense




def test_igo_indicator(store):
    path = need_data("politics", "cow_igo_ndy_CHN_RUS.csv")
    store.ingest("peacesciencer", path)
    raw = pd.read_csv(path)
    from dyad import indicators

    got = indicators.get("igo_joint_memberships")(store, "RUS", "CHN").set_index("period")["value"]
    want = raw.set_index(raw["year"].astype(int).astype(str))["dyadigos"]
    # Russia exists from 26 Dec 1991: the USSR's years count only with ussr_as_russia (docs/methods/coverage.md)
    assert list(got.index) == [y for y in want.index if 1991 <= int(y)]
    assert (got == want.reindex(got.index)).all()
    full = indicators.get("igo_joint_memberships")(store, "RUS", "CHN", ussr_as_russia=True)
    assert len(full) == len(want[want.index.astype(int) >= 1949])
    assert indicators.get("igo_joint_memberships")(store, "USA", "CHN").empty


def test_minus_nine_is_a_polity_score_but_missing_in_nmc(tmp_path, store):
    f = tmp_path / "state.csv"
    f.write_text("ccode,year,polity2,milex\n710,1950,-9,-9\n710,1951,-8,120\n")
    store.ingest("peacesciencer", f)
    got = store.sql("SELECT year, variable, value FROM covariates ORDER BY year, variable").values.tolist()
    assert got == [[1950, "polity2", -9.0], [1951, "milex", 120.0], [1951, "polity2", -8.0]]
