"""Event indicators against independent pandas/numpy computations from the rows the test writes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import need_data
from dyad import indicators
from events.helpers import QUAD, gdelt2_row, write_tab

SPEC = [  # (date, source, target, code, goldstein, tone, type1, type2)
    ("20180105", "CHN", "RUS", "042", 1.9, 2.0, "GOV", "GOV"),
    ("20180107", "RUS", "CHN", "036", 4.0, 1.0, "GOV", "GOV"),
    ("20180110", "CHN", "RUS", "040", 1.0, 0.5, "BUS", "GOV"),     # not both governments
    ("20180111", "CHN", "RUS", "057", 8.0, 3.0, "", ""),
    ("20180112", "RUS", "CHN", "130", -4.4, -2.0, "", ""),
    ("20180115", "CHN", "RUS", "172", -5.0, -4.0, "", ""),
    ("20180120", "CHN", "USA", "061", 6.4, 1.0, "", ""),            # not the dyad: volume only
    ("20180201", "RUS", "CHN", "062", 7.4, 2.5, "", ""),
    ("20180202", "USA", "RUS", "111", -2.0, -1.0, "", ""),
    ("20180301", "USA", "FRA", "042", 1.9, 0.0, "", ""),            # neither country
    ("20180402", "USA", "CHN", "042", 1.9, 0.0, "", ""),            # coverage, no dyad event
]


@pytest.fixture
def ev_store(store, tmp_path):
    rows = [gdelt2_row(i + 1, d, s, t, c, g, tone, t1, t2) for i, (d, s, t, c, g, tone, t1, t2) in enumerate(SPEC)]
    write_tab(tmp_path / "x.export.CSV", rows)
    store.ingest("gdelt", tmp_path / "x.export.CSV")
    return store


def _frame(directed=False):
    f = pd.DataFrame(SPEC, columns=["date", "s", "t", "code", "g", "tone", "t1", "t2"])
    f["period"] = f["date"].str[:4] + "-" + f["date"].str[4:6]
    f["quad"] = f["code"].str[:2].map(QUAD)
    ab = (f.s == "CHN") & (f.t == "RUS")
    f["dyad"] = ab if directed else ab | ((f.s == "RUS") & (f.t == "CHN"))
    f["involved"] = f.s.isin(["CHN", "RUS"]) | f.t.isin(["CHN", "RUS"])
    return f


@pytest.mark.parametrize("directed", [False, True])
def test_counts_and_means(ev_store, directed):
    f = _frame(directed)
    cov = f[f.involved]
    d = f[f.dyad]
    periods = sorted(cov.period.unique())
    expect = {
        "ev_verbal_coop": lambda x: (x.quad == 1).sum(),
        "ev_material_coop": lambda x: (x.quad == 2).sum(),
        "ev_verbal_conflict": lambda x: (x.quad == 3).sum(),
        "ev_material_conflict": lambda x: (x.quad == 4).sum(),
        "ev_goldstein_sum": lambda x: x.g.sum(),
        "ev_goldstein_mean": lambda x: x.g.mean() if len(x) else np.nan,
        "ev_tone_mean": lambda x: x.tone.mean() if len(x) else np.nan,
        "ev_net_coop_share": lambda x: ((x.quad <= 2).sum() - (x.quad >= 3).sum()) / len(x) if len(x) else np.nan,
        "ev_high_level_contacts": lambda x: (x.code.isin(["036", "040", "042"]) & (x.t1 == "GOV") & (x.t2 == "GOV")).sum(),
        "ev_agreements": lambda x: (x.code == "057").sum(),
        "ev_econ_coop": lambda x: (x.code == "061").sum(),
        "ev_mil_coop": lambda x: (x.code == "062").sum(),
        "ev_threats": lambda x: (x.code.str[:2] == "13").sum(),
        "ev_coercion": lambda x: (x.code.str[:2] == "17").sum(),
    }
    for name, fn in expect.items():
        got = indicators.get(name)(ev_store, "CHN", "RUS", by="month", directed=directed)
        assert got["period"].tolist() == periods, name
        want = np.array([fn(d[d.period == p]) for p in periods], dtype=float)
        np.testing.assert_allclose(got["value"].to_numpy(dtype=float), want, equal_nan=True, err_msg=name)
        assert got["n"].tolist() == [int((d.period == p).sum()) for p in periods]
        if name in ("ev_goldstein_mean", "ev_net_coop_share", "ev_tone_mean"):
            continue    # already per event: no volume-normalised twin
        share = indicators.get(name + "_share")(ev_store, "CHN", "RUS", by="month", directed=directed)
        vol = np.array([(cov.period == p).sum() for p in periods], dtype=float)
        np.testing.assert_allclose(share["value"].to_numpy(dtype=float), want / vol, equal_nan=True)


def test_no_coverage_is_missing_not_zero(ev_store):
    got = indicators.get("ev_verbal_coop")(ev_store, "CHN", "RUS", by="month")
    assert "2018-03" not in set(got["period"])                       # no event of either country
    april = got[got.period == "2018-04"].iloc[0]
    assert april["value"] == 0 and april["n"] == 0                    # covered month, no dyad event
    mean = indicators.get("ev_goldstein_mean")(ev_store, "CHN", "RUS", by="month")
    assert np.isnan(mean[mean.period == "2018-04"]["value"].iloc[0])


def test_relationship_score_and_interval(ev_store):
    f = _frame()
    d = f[f.dyad]
    got = indicators.get("ev_relationship_score")(ev_store, "CHN", "RUS", by="year").iloc[0]
    g = d.g.to_numpy()
    assert got["value"] == pytest.approx((g[g > 0].sum() - (-g[g < 0]).sum()) / np.abs(g).sum())
    assert got["n"] == len(d)
    assert got["ci_low"] < got["value"] < got["ci_high"]
    rng = np.random.default_rng(7)   # an independent bootstrap gives an interval of about the same width
    draws = g[rng.integers(0, len(g), (4000, len(g)))]
    s = draws.sum(axis=1) / np.abs(draws).sum(axis=1)
    lo, hi = np.quantile(s, [0.025, 0.975])
    assert abs(got["ci_low"] - lo) < 0.15 and abs(got["ci_high"] - hi) < 0.15


@pytest.mark.slow
def test_china_russia_icews_counts_match_raw(store):
    path = need_data("events", "icews", "icews_sample_from_rda.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    store.ingest("icews", path)
    pair = {"China", "Russian Federation"}
    d = raw[raw.source_country.isin(pair) & raw.target_country.isin(pair) & (raw.source_country != raw.target_country)]
    d = d.drop_duplicates("event_id")
    root = d.cameo_code.str[:2].astype(int)
    got = indicators.get("ev_verbal_coop")(store, "CHN", "RUS", by="month", dataset="icews")
    assert got["value"].tolist() == [float((root <= 5).sum())]
    directed = indicators.get("ev_goldstein_sum")(store, "CHN", "RUS", by="year", dataset="icews", directed=True)
    ab = d[d.source_country == "China"]
    assert directed["value"].iloc[0] == pytest.approx(ab.intensity.astype(float).sum())
