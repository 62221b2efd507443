"""ICEWS dyad-year indicators (icews_events, icews_coop_share) against pandas on the raw netify file."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import need_data
from dyad import indicators
from dyad.store import open_store

FILE = ("events", "icews", "netify_icews_dyad_year_CHN_RUS_only.csv")


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    path = tmp_path_factory.mktemp("icews") / "s.duckdb"
    with open_store(path) as s:
        s.ingest("icews", need_data(*FILE))
    s = open_store(path, read_only=True)
    raw = pd.read_csv(need_data(*FILE))
    # both directions of the pair summed per year, written here without dyad
    raw["coop"] = raw["verbCoop"] + raw["matlCoop"]
    raw["total"] = raw[["verbCoop", "matlCoop", "verbConf", "matlConf"]].sum(axis=1)
    by_year = raw.groupby(raw["year"].astype(int))[["coop", "total"]].sum()
    yield s, by_year
    s.close()


def test_event_counts_and_their_poisson_interval(pair):
    store, ref = pair
    f = indicators.get("icews_events")(store, "RUS", "CHN").set_index("period")
    assert list(f.index) == [str(y) for y in ref.index] and len(f) == 13           # 2002-2014, no gaps invented
    assert np.array_equal(f["value"].to_numpy(), ref["total"].to_numpy(dtype=float))
    for k, low, high in zip(ref["total"], f["ci_low"], f["ci_high"], strict=True):
        # exact (Garwood) interval: each bound leaves 2.5% on its side
        assert stats.poisson.sf(k - 1, low) == pytest.approx(0.025, abs=1e-6)
        assert stats.poisson.cdf(k, high) == pytest.approx(0.025, abs=1e-6)


def test_cooperative_share_with_a_wilson_interval(pair):
    store, ref = pair
    f = indicators.get("icews_coop_share")(store, "CHN", "RUS").set_index("period")
    share = ref["coop"] / ref["total"]
    assert np.allclose(f["value"].to_numpy(), 100 * share.to_numpy())
    z = 1.959963984540054
    for (year, p), n, low in zip(share.items(), ref["total"], f["ci_low"], strict=True):
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        assert low == pytest.approx(100 * (centre - half)), year
    assert (f["quality"] == "ok").all() and f["value"].between(98, 100).all()   # CHN-RUS: 98-99% cooperative


def test_a_pair_the_file_does_not_hold_has_no_rows(pair):
    store, _ = pair
    assert indicators.get("icews_events")(store, "USA", "CHN").empty
