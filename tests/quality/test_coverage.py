"""Coverage recorded at ingest and carried by every value: constructed files and ../shared/data."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import need_data
from dyad import coverage, indicators
from dyad.cli import cli
from dyad.store import open_store
from events.helpers import gdelt2_row, write_tab


def test_dense_intervals_leave_out_stray_old_dates():
    days = pd.to_datetime(["1982-01-02", "1982-01-03", "2015-07-28", "2016-06-28", "2016-07-27", "2016-07-28"])
    counts = pd.Series([90, 110, 8, 9, 240, 300])
    assert coverage.dense_intervals(pd.Series(days), counts) == [(dt.date(2016, 7, 27), dt.date(2016, 7, 28))]
    # a month with one spike day keeps all its days (the typical day is the median, not the spike)
    month = pd.Series(pd.date_range("2012-11-01", "2012-11-30"))
    n = pd.Series(np.r_[np.full(21, 60), [2752], np.full(8, 40)])
    assert coverage.dense_intervals(month, n) == [(dt.date(2012, 11, 1), dt.date(2012, 11, 30))]
    # a one-dyad extract: the whole span, days without events included
    sparse = pd.Series(pd.to_datetime(["2020-01-01", "2020-01-20", "2020-03-02"]))
    assert coverage.dense_intervals(sparse, pd.Series([1, 2, 1]), whole_span=True) == \
        [(dt.date(2020, 1, 1), dt.date(2020, 3, 2))]


def _pair_store(tmp_path):
    rows = [gdelt2_row(i + 1, d, "CHN", "RUS", "042", 1.9) for i, d in enumerate(
        ["20180105", "20180111", "20180120", "20180131", "20180203", "20180206"])]
    write_tab(tmp_path / "pair.export.CSV", rows)
    path = tmp_path / "pair.duckdb"
    with open_store(path) as s:
        s.ingest("gdelt", tmp_path / "pair.export.CSV")
    return path


def test_pair_extract_covers_its_pair_only(tmp_path):
    path = _pair_store(tmp_path)
    with open_store(path, read_only=True) as s:
        cov = s.sql("SELECT scope, country_a, country_b, first, last FROM coverage")
        assert cov.to_dict("records") == [{"scope": "pair", "country_a": "CHN", "country_b": "RUS",
                                           "first": pd.Timestamp("2018-01-05"), "last": pd.Timestamp("2018-02-06")}]
        out = indicators.get("ev_verbal_coop").compute(s, "CHN", "RUS", by="month")
        # covered days counted by hand: 5..31 Jan, 1..6 Feb
        assert out["coverage"].round(6).tolist() == [round(27 / 31, 6), round(6 / 28, 6)]
        assert out["quality"].tolist() == ["ok", "thin"] and out["value"].tolist() == [4.0, 2.0]
        per_day = indicators.get("ev_verbal_coop").compute(s, "CHN", "RUS", by="month", per_covered_day=True)
        assert np.allclose(per_day["value"], [4 / 27, 2 / 6])
        assert indicators.get("ev_verbal_coop").compute(s, "USA", "CHN", by="month").empty


def test_events_command_gives_no_numbers_outside_coverage(tmp_path):
    path = _pair_store(tmp_path)
    out = CliRunner().invoke(cli, ["--store", str(path), "events", "USA", "CHN", "--format", "csv"])
    assert out.exit_code == 0
    assert len(out.stdout.strip().splitlines()) <= 1          # the CSV header at most: no numbers
    assert "no loaded gdelt file covers USA-CHN" in out.stderr and "only CHN-RUS 2018-01-05..2018-02-06" in out.stderr


def test_declared_scope_overrides_the_inference(tmp_path):
    rows = [gdelt2_row(i + 1, "20180105", "USA", "FRA", "042", 1.0) for i in range(20)]
    write_tab(tmp_path / "geo.export.CSV", rows)
    with open_store(tmp_path / "s.duckdb") as s:
        s.ingest("gdelt", tmp_path / "geo.export.CSV", scope="location:GEO")
        cov = s.sql("SELECT scope, country_a FROM coverage")
        assert cov.values.tolist() == [["location", "GEO"]]
        assert indicators.get("ev_verbal_coop").compute(s, "USA", "FRA", by="month").empty
        with pytest.raises(ValueError, match="scope option"):
            s.ingest("gdelt", tmp_path / "geo.export.CSV", force=True, scope="planet")


# ------------------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def events_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("cov") / "ev.duckdb"
    with open_store(path) as s:
        s.ingest("gdelt", need_data("events", "gdelt"))
        s.ingest("gdelt", need_data("politics", "gdelt_russia_china_latest.csv"))
    s = open_store(path, read_only=True)
    yield s
    s.close()


def _file_cov(store, name):
    return store.sql("SELECT scope, country_a, country_b, first, last FROM coverage WHERE file LIKE ?",
                     [f"%{name}"])


def test_real_gdelt_files_coverage_against_an_independent_count(events_store):
    daily = pd.read_csv(need_data("events", "gdelt", "gdelt1_daily_20160728_sample710.tsv"), sep="\t",
                        header=None, usecols=[1], names=["sqldate"])
    recent = daily[daily["sqldate"] >= 20150728]                 # within a year of the export's date
    top2 = sorted(recent["sqldate"].value_counts().index[:2])      # its two busiest dates
    cov = _file_cov(events_store, "gdelt1_daily_20160728_sample710.tsv")
    assert len(cov) == 1 and cov["scope"][0] == "world"
    assert [cov["first"][0].strftime("%Y%m%d"), cov["last"][0].strftime("%Y%m%d")] == [str(d) for d in top2]
    assert (daily["sqldate"] < 19830101).sum() > 100     # the stray 1982 rows exist, and are not coverage
    pair = _file_cov(events_store, "gdelt_russia_china_latest.csv")
    raw = pd.read_csv(need_data("politics", "gdelt_russia_china_latest.csv"), usecols=["SQLDATE"])
    assert pair[["scope", "country_a", "country_b"]].values.tolist() == [["pair", "CHN", "RUS"]]
    assert pair["last"][0].strftime("%Y%m%d") == str(raw["SQLDATE"].max())
    actor = _file_cov(events_store, "gdelt2_actor1CHN_added20180105_gdeltPyR.csv")
    assert actor[["scope", "country_a"]].values.tolist() == [["country", "CHN"]]
    nov = _file_cov(events_store, "nov2012.csv")
    assert (nov["first"][0].date(), nov["last"][0].date()) == (dt.date(2012, 11, 1), dt.date(2012, 11, 30))


def test_real_usa_chn_has_no_event_values_from_1982(events_store):
    out = indicators.get("ev_verbal_conflict").compute(events_store, "USA", "CHN", by="year")
    assert "1982" not in set(out["period"])            # rows dated 1982 in a 2016 export are not a 1982 count
    assert (out["coverage"] > 0).all() and out["quality"].isin(["ok", "thin"]).all()


def test_real_trade_coverage_years_and_scope(tmp_path):
    path = need_data("trade", "baci_russia_china_processed_2017_2023.csv")
    with open_store(tmp_path / "t.duckdb") as s:
        s.ingest("baci", path)
        cov = s.sql("SELECT DISTINCT scope, country_a, country_b, year(first) AS y FROM coverage "
                    "WHERE kind = 'trade' ORDER BY y")
    years = sorted(pd.read_csv(path, usecols=["t"])["t"].unique().tolist())
    assert cov["y"].tolist() == years
    assert set(map(tuple, cov[["scope", "country_a", "country_b"]].values.tolist())) == {("pair", "CHN", "RUS")}


def test_real_un_alignment_runs_from_1971_with_thin_years(unvotes_store):
    out = indicators.get("un_agreement").compute(unvotes_store, "CHN", "RUS", by="year", ci=False)
    assert out["period"].astype(int).min() == 1971
    raw = unvotes_store.sql(
        "SELECT r.year, count(*) AS n FROM votes a JOIN votes b USING (rcid) JOIN rollcalls r USING (rcid) "
        "WHERE a.country = 'CHN' AND b.country = 'RUS' AND a.vote IN ('yes', 'no', 'abstain') "
        "AND b.vote IN ('yes', 'no', 'abstain') GROUP BY 1 ORDER BY 1")
    raw = raw[raw["year"] >= 1971].set_index("year")["n"]
    got = out.set_index(out["period"].astype(int))
    assert got["n"].to_dict() == raw.to_dict()
    assert set(got.index[got["quality"] == "thin"]) == set(raw.index[raw < 10])
    assert got["coverage"].eq(1.0).all()        # every year with votes lies inside a session held
    assert any("continues the USSR" in n for n in out.attrs["notes"])
    sessions = unvotes_store.sql("SELECT count(*) AS n FROM coverage WHERE kind = 'votes'")["n"][0]
    assert sessions == unvotes_store.sql("SELECT count(DISTINCT session) AS n FROM rollcalls")["n"][0]
