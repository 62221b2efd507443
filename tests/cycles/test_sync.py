"""Synchronisation: shares and gaps recomputed by hand, planted alignment and indicator effects found."""

import textwrap

import numpy as np
import pytest
from scipy import stats

from dyad.analysis import sync
from dyad.analysis.series import PeriodSeries

# Russia's presidential elections as the synchronisation test counts them (dyad.calendar.usable): the RSFSR
# election of June 1991 predates the state (26 Dec 1991), and 1996's two rounds (16 June, 3 July) are one
# election, dated by the second
RUS = ["1996-07-03", "2000-03-26", "2004-03-14", "2008-03-02", "2012-03-04",
       "2018-03-18", "2024-03-17"]
CHN = ["1987-10-25", "1988-04-08", "1992-10-12", "1993-03-27", "1997-09-12", "1998-03-16", "2002-11-08",
       "2003-03-15", "2007-10-15", "2008-03-15", "2012-11-08", "2013-03-14", "2017-10-18", "2018-03-17",
       "2022-10-16", "2023-03-10"]


def _month(text):
    year, month = int(text[:4]), int(text[5:7])
    return year * 12 + month - 1


def test_shares_match_a_month_by_month_count():
    res = sync.synchronisation("CHN", "RUS", months=6)
    both = near_r = near_c = total = 0
    for year in range(1990, 2027):
        for month in range(1, 13):
            m = year * 12 + month - 1
            if m < _month("1991-12"):                          # the months of the pair: both states exist
                continue
            r = min(abs(m - _month(d)) for d in RUS) <= 6
            c = min(abs(m - _month(d)) for d in CHN) <= 6
            near_r += r
            near_c += c
            both += r and c
            total += 1
    assert res.stat("share_near", "RUS")["estimate"] == pytest.approx(near_r / total)
    assert res.stat("share_near", "CHN")["estimate"] == pytest.approx(near_c / total)
    assert res.stat("share_both_near")["estimate"] == pytest.approx(both / total)
    assert res.stat("share_both_expected")["estimate"] == pytest.approx(near_r * near_c / total ** 2)
    assert 0 < res.stat("share_both_near")["p_value"] <= 1


def test_gaps_are_signed_month_distances():
    gaps = sync.synchronisation("CHN", "RUS").gaps.set_index(["side", "renewal"])["gap_months"]
    assert gaps[("CHN", "2018-03-17")] == 0.0                     # Xi re-elected the day before Putin
    assert gaps[("CHN", "2008-03-15")] == round(-13 / 30.4375, 1)  # Medvedev elected 13 days earlier
    assert gaps[("RUS", "2012-03-04")] == round(249 / 30.4375, 1)  # 18th Congress 249 days later
    assert len(gaps) == 14 + 7                                     # renewals inside Dec 1991-2026


def _calendar(tmp_path, name, country, dates):
    body = "\n".join(f"  - {{date: {d}, kind: general_election, label: e, source: test}}" for d in dates)
    path = tmp_path / name
    path.write_text(textwrap.dedent(f"country: {country}\nentries:\n{body}\n"))
    return path


def test_planted_alignment_and_indicator_effect_are_found(tmp_path):
    a_years = [1991, 1995, 2000, 2008, 2013, 2019, 2024]
    b_years = [1991, 1998, 2000, 2005, 2013, 2016, 2024]     # irregular; four renewals coincide with A's
    files = [_calendar(tmp_path, "fra.yaml", "NOR", [f"{y}-05-01" for y in a_years]),
             _calendar(tmp_path, "deu.yaml", "SWE", [f"{y}-06-15" for y in b_years])]
    months = np.arange(1990 * 12, 2027 * 12)
    near_a = np.array([min(abs(m - (y * 12 + 4)) for y in a_years) <= 6 for m in months])
    near_b = np.array([min(abs(m - (y * 12 + 5)) for y in b_years) <= 6 for m in months])
    synced = near_a & near_b
    rng = np.random.default_rng(2)
    values = rng.normal(size=len(months)) + np.where(synced, 1.0, 0.0)   # warmer when both renew
    series = PeriodSeries("warmth", "month", 1990 * 12, values)
    res = sync.synchronisation("NOR", "SWE", months=6, series=series, paths=files, lags=1)
    assert res.stat("share_both_near")["estimate"] == pytest.approx(synced.mean())
    assert res.stat("share_both_near")["p_value"] < 0.05
    assert res.stat("median_abs_gap_months", "NOR")["estimate"] == 1.0
    diff = res.stat("indicator_diff_sync")
    assert diff["estimate"] == pytest.approx(values[synced].mean() - values[~synced].mean())
    assert diff["ci_low"] > 0.3 and diff["p_value"] < 0.05
    # the same calendars with no effect: no claim
    null = sync.synchronisation("NOR", "SWE", months=6, paths=files, lags=1,
                                series=PeriodSeries("noise", "month", 1990 * 12, rng.normal(size=len(months))))
    assert null.stat("indicator_diff_sync")["p_value"] > 0.05


def test_yearly_indicator_periods_are_synchronised_by_majority_of_months(tmp_path):
    files = [_calendar(tmp_path, "fra.yaml", "NOR", ["2000-05-01", "2010-05-01"]),
             _calendar(tmp_path, "deu.yaml", "SWE", ["2000-06-15", "2011-01-15"])]
    series = PeriodSeries("x", "year", 1995, np.arange(20.0))
    res = sync.synchronisation("NOR", "SWE", months=6, series=series, paths=files, start="1995-01",
                               end="2014-12")
    per = res.periods.set_index("period")
    # months near both: 1999-12 .. 2000-11 (1 in 1999, 11 in 2000); 2010-07 .. 2010-11 (5 in 2010)
    assert per.loc["2000", "share_sync"] == pytest.approx(11 / 12)
    assert per.loc["1999", "share_sync"] == pytest.approx(1 / 12)
    assert per.loc["2010", "share_sync"] == pytest.approx(5 / 12)
    assert list(per.index[per["synchronised"].astype(bool)]) == ["2000"]


def test_independent_calendars_rarely_look_synchronised(tmp_path):
    p_values = []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        a = sorted(rng.choice(np.arange(1990 * 12, 2027 * 12), 8, replace=False))
        b = sorted(rng.choice(np.arange(1990 * 12, 2027 * 12), 8, replace=False))
        files = [_calendar(tmp_path, f"a{seed}.yaml", "NOR", [f"{m // 12}-{m % 12 + 1:02d}-01" for m in a]),
                 _calendar(tmp_path, f"b{seed}.yaml", "SWE", [f"{m // 12}-{m % 12 + 1:02d}-01" for m in b])]
        p_values.append(sync.synchronisation("NOR", "SWE", paths=files).stat("share_both_near")["p_value"])
    assert np.mean(np.array(p_values) <= 0.05) <= 0.15


def test_cycle_phase():
    grid = np.arange(0, 150)
    phase = sync.cycle_phase(np.array([10, 14, 70, 130]), grid)   # 14 merges into the cycle started at 10
    assert np.isnan(phase[5]) and phase[10] == 0.0 and phase[40] == pytest.approx(0.5)
    assert phase[100] == pytest.approx(30 / 60) and phase[145] == pytest.approx(15 / 60)  # last: median length


def test_cross_correlation_matches_numpy():
    rng = np.random.default_rng(4)
    x = rng.normal(size=40)
    y = np.roll(x, 2) + rng.normal(0, 0.5, size=40)          # y follows x by two periods
    table = sync.cross_correlation(x, y, lags=3).set_index("lag")
    r = np.corrcoef(x[:-2], y[2:])[0, 1]
    assert table.loc[2, "estimate"] == pytest.approx(r) and table.loc[2, "n"] == 38
    assert table["estimate"].abs().idxmax() == 2
    r1, r2 = np.corrcoef(x[:-1], x[1:])[0, 1], np.corrcoef(y[:-1], y[1:])[0, 1]
    n_eff = min(38, 38 * (1 - r1 * r2) / (1 + r1 * r2))
    low = np.tanh(np.arctanh(r) - stats.norm.ppf(0.975) / np.sqrt(n_eff - 3))
    assert table.loc[2, "ci_low"] == pytest.approx(low)
