"""ICEWS adapter: real Dataverse sample, R sample, netify aggregate, against counts made here with pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import need_data

PAIR = {"China", "Russian Federation"}


@pytest.mark.slow
def test_dataverse_tab_counts_and_china_russia(store):
    path = need_data("events", "icews", "icews_events.2018.sample.tab")
    raw = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    result = store.ingest("icews", path)
    assert result.rows_read == len(raw) == result.rows_loaded + result.rows_rejected
    assert store.count("events") == raw["Event ID"].nunique()
    expected = raw[raw["Source Country"].isin(PAIR) & raw["Target Country"].isin(PAIR)
                   & (raw["Source Country"] != raw["Target Country"])]
    got = store.sql("SELECT * FROM events WHERE source_country IN ('CHN','RUS') AND target_country IN ('CHN','RUS') "
                    "AND source_country <> target_country ORDER BY event_id")
    assert len(got) == len(expected) == 8
    assert sorted(got["event_id"]) == sorted(expected["Event ID"])
    exp = expected.set_index("Event ID")
    for _, r in got.iterrows():
        assert r["cameo"] == exp.loc[r["event_id"], "CAMEO Code"]
        assert r["goldstein"] == float(exp.loc[r["event_id"], "Intensity"])


@pytest.mark.slow
def test_r_sample_rda_and_csv_agree(store):
    rda = need_data("events", "icews", "icews_sample.rda")
    csv_path = need_data("events", "icews", "icews_sample_from_rda.csv")
    raw = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    first = store.ingest("icews", rda)
    assert first.rows_read == len(raw) and first.rows_loaded == len(raw)
    second = store.ingest("icews", csv_path)
    assert second.rows_new == 0          # the same events: nothing new
    pair = raw[raw["source_country"].isin(PAIR) & raw["target_country"].isin(PAIR)
               & (raw["source_country"] != raw["target_country"])]
    got = store.sql("SELECT count(*) AS n FROM events WHERE source_country IN ('CHN','RUS') AND "
                    "target_country IN ('CHN','RUS') AND source_country <> target_country")["n"][0]
    assert got == len(pair) == 23


@pytest.mark.slow
def test_netify_dyad_year_to_covariates(store):
    path = need_data("events", "icews", "netify_icews_dyad_year_CHN_RUS_only.csv")
    raw = pd.read_csv(path)
    store.ingest("icews", path)
    cov = store.sql("SELECT * FROM covariates WHERE source = 'netify_icews' AND a = 'CHN' AND b = 'RUS' AND "
                    "variable = 'icews_verbal_coop' ORDER BY year")
    exp = raw[(raw.i == "China")].sort_values("year")
    assert cov["year"].tolist() == exp["year"].astype(int).tolist()
    assert cov["value"].tolist() == exp["verbCoop"].tolist()
    assert store.count("covariates") == 4 * len(raw)


def test_duplicates_and_bad_rows(store, tmp_path):
    header = ["Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
              "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID"]
    good = ["1", "2018-06-01", "Xi Jinping", "Executive,Government", "China", "Make a visit", "042", "1.9",
            "Vladimir Putin", "Executive,Government", "Russian Federation", "77"]
    other = ["2", "2018-06-02", "Russia", "NA", "Russian Federation", "Threaten", "130", "-4.4", "China",
             "Government", "China", "78"]
    again = ["2", "2018-06-02", "Russia", "NA", "Russian Federation", "Threaten", "130", "-4.4", "China",
             "Government", "China", "79"]            # repeated id, other story: kept once
    shifted = ["0"] + good[:-1]
    short = good[:6]
    bad_country = ["3"] + good[1:4] + ["Atlantis"] + good[5:]
    lines = [header, good, good, other, again, shifted, short, bad_country]
    path = tmp_path / "events.2018.tab"
    path.write_text("\n".join("\t".join(x) for x in lines) + "\n", encoding="utf-8")
    result = store.ingest("icews", path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (7, 4, 3)
    assert store.count("events") == 2
    got = store.sql("SELECT * FROM events ORDER BY event_id")
    assert got["source_type"].iloc[0] == "GOV" and pd.isna(got["source_type"].iloc[1]) and got["target_type"].tolist() == ["GOV", "GOV"]
    assert got["quad"].tolist() == [1, 3] and got["root"].tolist() == [4, 13]
    q = store.quarantine().set_index("row")["reason"]
    assert "Event Date" in q[6] and "fields" in q[7] and "Atlantis" in q[8]
    assert "1 fully duplicated rows" in result.message
