"""The relationship index: standardisation, sign, weights, coverage and intervals, checked against numpy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from agenda_helpers import YEARS, fake_registry, make_agenda, make_frames, series, tidy  # noqa: F401 (autouse)

from dyad.analysis.index import relationship_index

BASE = [2013, 2014, 2015, 2016, 2017]


def _z(values: np.ndarray) -> np.ndarray:
    years = np.array(YEARS)
    ref = values[np.isin(years, BASE)]
    return (values - ref.mean()) / ref.std(ddof=1)


def _row(result, direction: str, year: int) -> pd.Series:
    frame = result.to_frame()
    return frame[(frame["direction"] == direction) & (frame["period"] == str(year))].iloc[0]


def test_direction_values_are_weighted_mean_of_sign_aligned_baseline_z():
    small_agenda, frames = make_agenda(), make_frames()
    result = relationship_index(frames, small_agenda, "CHN", "RUS", reps=0, on_error="raise")
    z_rise, z_flat = _z(series("rise", 1)), _z(series("flat", 2))
    z_fall = _z(series("fall", 3))
    for i, year in enumerate(YEARS):
        assert _row(result, "D1", year)["value"] == pytest.approx((z_rise[i] + z_flat[i]) / 2)
        assert _row(result, "D2", year)["value"] == pytest.approx(-z_fall[i])     # sign "-" flips
        assert _row(result, "D1", year)["coverage"] == 1.0
    # the empty direction: no value, coverage 0, and the overall is the mean of D1 and D2 with coverage 2/3
    d3 = result.to_frame().query("direction == 'D3'")
    assert d3["value"].isna().all() and (d3["coverage"] == 0).all()
    overall = _row(result, "overall", 2020)
    assert overall["value"] == pytest.approx(((z_rise[10] + z_flat[10]) / 2 - z_fall[10]) / 2)
    assert overall["coverage"] == pytest.approx(2 / 3)
    # baseline of the standardised series: mean 0, sd 1
    base = result.contributions.query("series == 'test_rise' and 2013 <= year <= 2017")
    assert base["z"].mean() == pytest.approx(0, abs=1e-12) and base["z"].std(ddof=1) == pytest.approx(1)


def test_missing_indicator_lowers_coverage_and_is_not_counted_as_zero():
    small_agenda, frames = make_agenda(), make_frames()
    flat = frames["test_flat"]
    frames["test_flat"] = flat[flat["period"] != "2020"]
    result = relationship_index(frames, small_agenda, "CHN", "RUS", reps=0)
    z_rise = _z(series("rise", 1))
    row = _row(result, "D1", 2020)
    assert row["coverage"] == pytest.approx(0.5)
    assert row["n"] == 1
    assert row["value"] == pytest.approx(z_rise[YEARS.index(2020)])        # not (z_rise + 0) / 2
    assert _row(result, "D1", 2019)["value"] == pytest.approx(
        (z_rise[YEARS.index(2019)] + _z(series("flat", 2))[YEARS.index(2019)]) / 2)


def test_indicator_without_baseline_data_lowers_coverage_everywhere():
    small_agenda, frames = make_agenda(), make_frames()
    frames["test_flat"] = frames["test_flat"].query("period >= '2018'")
    result = relationship_index(frames, small_agenda, "CHN", "RUS", reps=0)
    status = result.inputs.set_index("series")["status"]
    assert "need 3 to standardise" in status["test_flat"] and status["test_rise"] == "ok"
    assert (result.to_frame().query("direction == 'D1'")["coverage"] == 0.5).all()
    # another reference period brings it in: z against the mean and sd of 2018-2020
    later = relationship_index(frames, small_agenda, "CHN", "RUS", reps=0, reference="2018-2020")
    flat = np.asarray(series("flat", 2))
    ref = flat[np.isin(YEARS, [2018, 2019, 2020])]
    rise = np.asarray(series("rise", 1))
    ref_rise = rise[np.isin(YEARS, [2018, 2019, 2020])]
    i = YEARS.index(2022)
    expected = ((flat[i] - ref.mean()) / ref.std(ddof=1) + (rise[i] - ref_rise.mean()) / ref_rise.std(ddof=1)) / 2
    assert _row(later, "D1", 2022)["value"] == pytest.approx(expected)
    assert _row(later, "D1", 2022)["coverage"] == 1.0 and later.reference == "reference 2018-2020"


def test_weights_override():
    small_agenda, frames = make_agenda(), make_frames()
    weights = {"indicators": {"test_rise": 3.0}, "directions": {"D2": 0.0}}
    result = relationship_index(frames, small_agenda, "CHN", "RUS", reps=0, weights=weights)
    z_rise, z_flat = _z(series("rise", 1)), _z(series("flat", 2))
    i = YEARS.index(2021)
    d1 = (3 * z_rise[i] + z_flat[i]) / 4
    assert _row(result, "D1", 2021)["value"] == pytest.approx(d1)
    assert _row(result, "overall", 2021)["value"] == pytest.approx(d1)        # D2 weighs 0
    weights_in = result.inputs.set_index("series")["weight"]
    assert weights_in["test_rise"] == 3.0 and weights_in["test_flat"] == 1.0


def test_bootstrap_interval_resamples_components_and_uses_indicator_intervals():
    small_agenda, frames = make_agenda(), make_frames()
    result = relationship_index(frames, small_agenda, "CHN", "RUS", reps=499, seed=1)
    d1 = _row(result, "D1", 2020)
    assert d1["ci_low"] < d1["value"] < d1["ci_high"]
    # one component without its own interval: nothing to resample, no interval
    assert np.isnan(_row(result, "D2", 2020)["ci_low"])
    # with the indicator's own interval the single component gets one, about +-1.96 se in z units
    fall = series("fall", 3)
    frames["test_fall"] = tidy("test_fall", YEARS, fall, ci=0.5)
    result = relationship_index(frames, small_agenda, "CHN", "RUS", reps=4000, seed=1)
    d2 = _row(result, "D2", 2020)
    sd = np.array(fall)[np.isin(YEARS, BASE)].std(ddof=1)
    assert d2["ci_high"] - d2["ci_low"] == pytest.approx(2 * 0.5 / sd, rel=0.1)


def test_index_through_registry_matches_frames(store):
    small_agenda, frames = make_agenda(), make_frames()
    via_store = relationship_index(store, small_agenda, "CHN", "RUS", reps=0, on_error="raise").to_frame()
    via_frames = relationship_index(frames, small_agenda, "CHN", "RUS", reps=0).to_frame()
    pd.testing.assert_frame_equal(via_store, via_frames)
    assert set(via_store.columns) >= {"a", "b", "period", "indicator", "value", "n", "coverage", "weight"}


def test_an_input_with_two_reference_years_is_out_and_says_why():
    small_agenda, frames = make_agenda(), make_frames()
    frames["test_flat"] = frames["test_flat"].query("period >= '2016'")     # 2016 and 2017 in the reference
    result = relationship_index(frames, small_agenda, "CHN", "RUS", reps=0)
    row = result.inputs.set_index("series").loc["test_flat"]
    assert row["status"].startswith("out: 2 year(s)") and row["baseline_years"] == 2
    assert row["years"] == "2016-2023"
    assert "test_flat" not in set(result.contributions["series"])
    gappy = make_frames()
    gappy["test_flat"] = gappy["test_flat"].query("period not in ('2014', '2015')")
    with_gap = relationship_index(gappy, small_agenda, "CHN", "RUS", reps=0)
    assert with_gap.inputs.set_index("series").loc["test_flat", "years"] == "2010-2013, 2016-2023"


def test_overall_is_partial_and_names_the_missing_directions():
    small_agenda, frames = make_agenda(), make_frames()      # D3 has no indicator at all
    result = relationship_index(frames, small_agenda, "CHN", "RUS", reps=0)
    overall = result.to_frame().query("direction == 'overall'")
    assert (overall["status"] == "partial: missing D3").all()
    assert "partial: missing D3" in result.summary()
    # the value is still the weighted mean of the directions present (D1, D2), never a zero for D3
    d = result.to_frame().set_index(["direction", "period"])["value"]
    assert overall.set_index("period").loc["2020", "value"] == pytest.approx((d["D1", "2020"] + d["D2", "2020"]) / 2)


def test_no_period_before_both_states_existed():
    small_agenda, frames = make_agenda(), make_frames()
    early = tidy("test_rise", range(1940, 2024), np.linspace(0, 1, 84) + np.sin(np.arange(84)))
    frames["test_rise"] = early
    result = relationship_index(frames, small_agenda, "CHN", "RUS", reps=0)
    years = result.to_frame()["period"].astype(int)
    assert years.min() >= 1949            # the PRC was proclaimed on 1 October 1949
    assert "before both states existed" in result.inputs.set_index("series").loc["test_rise", "status"]


def test_a_link_counts_in_one_direction_only():
    """A proposal listing two directions puts each link where its indicator belongs, once: no echo."""
    from dyad import agenda as ag
    from dyad.analysis.index import components

    text = AGENDA_TWO_DIRECTIONS
    agenda = ag.loads(text, strict=False)
    got = [(d, s.indicator) for d, s in components(agenda, "CHN", "RUS", agenda.weights)]
    # test_rise is registered for D1, test_directed (two flows) for D2; P2's test_rise is not counted again
    assert sorted(got) == [("D1", "test_rise"), ("D2", "test_directed"), ("D2", "test_directed")]


AGENDA_TWO_DIRECTIONS = """\
id: two
title: two
countries: [CHN, RUS]
baseline: {start: 2013, end: 2017}
evaluation: {start: 2018}
directions:
  D1: {name: trust}
  D2: {name: economy}
proposals:
  - id: P1
    statement: both
    directions: [D1, D2]
    indicators:
      - {id: test_rise, sign: "+"}
      - {id: test_directed, sign: "-"}
  - id: P2
    statement: again
    directions: [D2]
    indicators:
      - {id: test_rise, sign: "+"}
"""


def test_overall_compares_the_same_directions_every_year():
    """A year in which a direction with data elsewhere has none gets no overall value (never a mean of fewer
    directions), and its status names the direction; an agenda where fewer than a majority of directions
    ever have data gets no overall at all."""
    small_agenda, frames = make_agenda(), make_frames()
    frames["test_fall"] = frames["test_fall"].query("period != '2021'")      # D2's only series misses 2021
    result = relationship_index(frames, small_agenda, "CHN", "RUS", reps=0)
    overall = result.to_frame().query("direction == 'overall'").set_index("period")
    assert np.isnan(overall.loc["2021", "value"]) and "D2 has no value this year" in overall.loc["2021", "status"]
    assert not np.isnan(overall.loc["2020", "value"])
    only_d1 = {k: v for k, v in make_frames().items() if k != "test_fall"}
    alone = relationship_index(only_d1, small_agenda, "CHN", "RUS", reps=0).to_frame()
    assert alone.query("direction == 'overall'")["value"].isna().all()
    assert alone.query("direction == 'D1'")["value"].notna().any()
