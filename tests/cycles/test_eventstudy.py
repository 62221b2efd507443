"""Event studies on synthetic series: arithmetic checked by hand, planted effects found, false positives
at the nominal rate, seasonality not mistaken for an effect."""

import altair as alt
import numpy as np
import pandas as pd
import pytest

from dyad.analysis.eventstudy import event_study
from dyad.analysis.series import PeriodSeries, from_frame, read_csv


def yearly(values, start=1960, name="x"):
    return PeriodSeries(name, "year", start, np.asarray(values, dtype=float))


def test_estimates_match_a_hand_computation():
    rng = np.random.default_rng(7)
    y = rng.normal(size=40)
    y[12] = np.nan                                         # a missing year inside one window
    events = [1965, 1971, 1980, 1990]
    res = event_study(yearly(y), [f"{e}-03-01" for e in events], window=2, baseline=3, reps=99)
    for h in range(-2, 3):
        devs = []
        for e in events:
            i = e - 1960
            pre = [y[j] for j in range(i - 3, i) if not np.isnan(y[j])]
            if i + h < len(y) and not np.isnan(y[i + h]):
                devs.append(y[i + h] - sum(pre) / len(pre))
        row = res.row(h)
        assert row["n"] == len(devs)
        assert row["estimate"] == pytest.approx(np.mean(devs))
        half = row["estimate"] - row["ci_low"]
        from scipy import stats
        assert half == pytest.approx(stats.t.ppf(0.975, len(devs) - 1) * np.std(devs, ddof=1) / np.sqrt(len(devs)))
    frame = res.to_frame()
    assert list(frame["offset"].dropna()) == [-2, -1, 0, 1, 2] and frame["term"].iloc[-1] == "post_mean"
    assert res.period_type == "year" and "years" in res.summary()


def test_planted_effect_is_found():
    rng = np.random.default_rng(11)
    y = rng.normal(size=80)
    events = list(range(1965, 2035, 8))
    for e in events:
        y[e - 1960] += 2.5                                  # a jump in the event year only
    res = event_study(yearly(y), [f"{e}-06-30" for e in events], window=2, reps=999)
    hit, before, after = res.row(0), res.row(-1), res.row(2)
    assert hit["p_value"] < 0.01 and hit["ci_low"] > 1.0 and hit["ci_low"] < 2.5 < hit["ci_high"]
    assert before["p_value"] > 0.05 and after["ci_low"] < 0 < after["ci_high"] + 2.5


def test_false_positive_rate_is_near_nominal():
    """White noise, random event years: P(p <= 0.05) and P(CI excludes 0) near 5% over 300 seeds."""
    p_values, misses = [], []
    for seed in range(300):
        rng = np.random.default_rng(seed)
        y = rng.normal(size=60)
        events = rng.choice(np.arange(1962, 2020), size=6, replace=False)
        res = event_study(yearly(y), [f"{e}-01-01" for e in events], window=2, reps=199, seed=seed)
        row = res.row(1)
        p_values.append(row["p_value"])
        misses.append(not row["ci_low"] <= 0 <= row["ci_high"])
    rate = np.mean(np.array(p_values) <= 0.05)
    assert 0.02 <= rate <= 0.09, rate
    assert 0.02 <= np.mean(misses) <= 0.09, np.mean(misses)


def _seasonal_month_series(rng, years=40):
    months = np.arange(years * 12)
    y = rng.normal(size=len(months)) + np.where(months % 12 == 11, 3.0, 0.0)   # every December is high
    return PeriodSeries("m", "month", 1980 * 12, y)


def test_seasonality_is_not_an_effect_with_month_matched_placebos():
    """Events in December: matched placebos keep the false-positive rate nominal; unmatched ones do not."""
    matched, unmatched = [], []
    for seed in range(120):
        rng = np.random.default_rng(1000 + seed)
        s = _seasonal_month_series(rng)
        years = rng.choice(np.arange(1982, 2018), size=5, replace=False)
        dates = [f"{y}-12-15" for y in years]
        matched.append(event_study(s, dates, window=2, reps=199, seed=seed).row(0)["p_value"])
        unmatched.append(event_study(s, dates, window=2, reps=199, seed=seed, seasonal=False).row(0)["p_value"])
    assert np.mean(np.array(matched) <= 0.05) <= 0.10
    assert np.mean(np.array(unmatched) <= 0.05) >= 0.8      # what ignoring seasonality would claim


def test_month_placebos_are_drawn_in_the_event_month():
    rng = np.random.default_rng(3)
    s = _seasonal_month_series(rng, years=10)
    res = event_study(s, ["1983-12-01", "1986-12-01"], window=1, reps=50)
    assert res.seasonal and res.placebo_pool == 120 - 2 - 1   # the first month has no baseline
    with pytest.raises(ValueError, match="calendar month 12"):
        event_study(s, [f"{y}-12-01" for y in range(1981, 1990)] + ["1980-12-01"], window=1, reps=10,
                    baseline=1)


def test_bootstrap_interval_and_plot():
    rng = np.random.default_rng(5)
    y = rng.normal(size=50)
    res = event_study(yearly(y), ["1970-01-01", "1980-01-01", "1990-01-01", "2000-01-01"], window=1,
                      ci="bootstrap", reps=499)
    row = res.row(0)
    assert row["ci_low"] <= row["estimate"] <= row["ci_high"]
    chart = res.plot()
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    assert len(spec["layer"]) == 4


def test_events_outside_the_series_are_reported_not_used():
    res = event_study(yearly(np.arange(30.0)), ["1950-01-01", "1965-01-01", "1975-01-01", "1960-05-05"],
                      window=2, reps=50)
    assert res.events == ("1965", "1975") and res.dropped == ("1950", "1960")
    with pytest.raises(ValueError, match="need at least 2"):
        event_study(yearly(np.arange(30.0)), ["1950-01-01", "1965-01-01"], window=2)


def test_series_from_csv_and_errors(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("period,value\n2001-01,1.5\n2001-03,2\n2001-02,\n")
    s = read_csv(path)
    assert s.period_type == "month" and s.labels() == ["2001-01", "2001-02", "2001-03"]
    assert np.isnan(s.values[1]) and s.values[2] == 2.0
    bad = tmp_path / "bad.csv"
    bad.write_text("period,value\n2001,1\n2002,x\n")
    with pytest.raises(ValueError, match="bad.csv: row 2: value 'x' is not a number"):
        read_csv(bad)
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("period,value\n2001,1\n2002-01,2\n")
    with pytest.raises(ValueError, match="row 2 has '2002-01'"):
        read_csv(mixed)
    with pytest.raises(ValueError, match="appears twice"):
        from_frame(pd.DataFrame({"period": ["2001", "2001"], "value": [1, 2]}))
