"""Verdict logic on constructed series, the tests it rests on, and the proposal rule."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from agenda_helpers import YEARS, fake_registry, make_agenda, make_frames, series, tidy  # noqa: F401 (autouse)

from dyad.agenda import Window
from dyad.analysis import scorecard as sc

BASE, EVAL = Window(2013, 2017), Window(2018, None)


def test_planted_rise_is_advanced():
    change = sc.compare_windows(YEARS, series("rise"), +1, BASE, EVAL)
    assert change.verdict == sc.ADVANCED
    x = np.asarray(series("rise"))
    years = np.array(YEARS)
    base, ev = x[(years >= 2013) & (years <= 2017)], x[years >= 2018]
    assert change.level_change == pytest.approx(ev.mean() - base.mean())
    assert change.level_change_sd == pytest.approx((ev.mean() - base.mean()) / base.std(ddof=1))
    assert change.n_base == 5 and change.n_eval == 6


def test_fall_is_reversed_and_expected_fall_is_advanced():
    assert sc.compare_windows(YEARS, series("fall"), +1, BASE, EVAL).verdict == sc.REVERSED
    assert sc.compare_windows(YEARS, series("fall"), -1, BASE, EVAL).verdict == sc.ADVANCED
    assert sc.compare_windows(YEARS, series("rise"), -1, BASE, EVAL).verdict == sc.REVERSED


def test_flat_noise_is_stalled_at_about_the_nominal_rate():
    verdicts = [sc.compare_windows(YEARS, series("flat", seed), +1, BASE, EVAL).verdict for seed in range(300)]
    wrong = np.mean([v != sc.STALLED for v in verdicts])
    assert sc.NOT_MEASURABLE not in verdicts
    assert 0.01 <= wrong <= 0.11      # Welch's test at alpha 0.05 on normal noise


def test_no_data_is_not_measurable():
    assert sc.compare_windows([], [], +1, BASE, EVAL).verdict == sc.NOT_MEASURABLE
    only_base = sc.compare_windows([2013, 2014, 2015], [1.0, 2.0, 3.0], +1, BASE, EVAL)
    assert only_base.verdict == sc.NOT_MEASURABLE and "evaluation" in only_base.reason
    gaps = sc.compare_windows(YEARS, [np.nan] * len(YEARS), +1, BASE, EVAL)
    assert gaps.verdict == sc.NOT_MEASURABLE and gaps.n_base == 0


def test_design_follows_the_years_available():
    from scipy import stats

    two = sc.compare_windows([2017, 2018], [1.0, 5.0], +1, BASE, EVAL)
    assert two.verdict == sc.NOT_MEASURABLE and two.design == sc.NOT_MEASURABLE and "too few" in two.reason
    # one baseline year: change and trend since 2017, the weaker design, with the years it used
    years, values = [2017, 2018, 2019, 2020], [1.0, 5.0, 5.2, 4.9]
    weak = sc.compare_windows(years, values, +1, BASE, EVAL)
    fit = stats.linregress(years, values)
    assert weak.design == sc.TREND and "weaker" in weak.reason
    assert weak.p_value == pytest.approx(fit.pvalue) and weak.eval_slope == pytest.approx(fit.slope)
    assert weak.level_change == pytest.approx(np.mean(values[1:]) - 1.0)
    assert (weak.base_years, weak.eval_years) == ("2017", "2018-2020")
    assert weak.verdict == (sc.ADVANCED if fit.pvalue < 0.05 else sc.STALLED)
    # the anchor is the last year before the evaluation, even outside the baseline window
    anchored = sc.compare_windows([2011, 2018, 2019, 2020], [1.0, 2.0, 3.0, 4.1], +1, BASE, EVAL)
    assert anchored.design == sc.TREND and anchored.base_years == "2011"
    # two baseline years against six: still the weaker design (windows need 3 and 3)
    short = sc.compare_windows(YEARS[6:], series("rise")[6:], +1, BASE, EVAL)
    assert short.n_eval == 6 and short.design == sc.TREND and short.base_years == "2017"
    full = sc.compare_windows(YEARS, series("rise"), +1, BASE, EVAL)
    assert full.design == sc.WINDOWS and (full.base_years, full.eval_years) == ("2013-2017", "2018-2023")


def _bh(p):
    """Benjamini-Hochberg by the textbook step-up definition, written independently of sc.adjust."""
    m = len(p)
    out = []
    for pi in p:
        out.append(min(1.0, min(p[j] * m / (sorted(p).index(p[j]) + 1) for j in range(m) if p[j] >= pi)))
    return out


def _holm(p):
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, (m - rank) * p[i])
        out[i] = min(1.0, running)
    return out


def test_corrections_match_their_definitions():
    p = [0.01, 0.04, 0.03, 0.005, 0.2, 0.5]
    assert sc.adjust(p, "bh") == pytest.approx(_bh(p))
    assert sc.adjust(p, "holm") == pytest.approx(_holm(p))
    assert list(sc.adjust(p, "none")) == p
    with_nan = sc.adjust([0.01, np.nan, 0.04], "holm")
    assert np.isnan(with_nan[1]) and with_nan[[0, 2]] == pytest.approx([0.02, 0.04])
    with pytest.raises(ValueError):
        sc.adjust(p, "bonferroni")


def test_scorecard_states_the_family_and_verdicts_read_corrected_p():
    small_agenda, frames = make_agenda(), make_frames()
    card = sc.scorecard(frames, small_agenda, "CHN", "RUS", correction="holm")
    ev = [e for p in card.proposals for e in p.evidence]
    raw = [e.change.p_value for e in ev]
    assert [e.change.p_adjusted for e in ev] == pytest.approx(_holm(raw))
    assert card.family == "3 series test(s) of this scorecard" and "Holm" in card.summary()
    for e in ev:
        want = sc.verdict_of(e.sign, e.change.direction, e.change.p_adjusted, card.alpha)
        assert e.change.verdict == want
    none = sc.scorecard(frames, small_agenda, "CHN", "RUS", correction="none")
    assert all(np.isnan(e.change.p_adjusted) for p in none.proposals for e in p.evidence)


def test_windows_from_the_caller_and_other_pairs_get_the_generic_agenda():
    small_agenda, frames = make_agenda(), make_frames()
    card = sc.scorecard(frames, small_agenda, "CHN", "RUS", baseline="2010-2014", evaluation="2019-2023")
    e = card.proposals[0].evidence[0]
    assert (card.baseline, card.evaluation) == ("2010-2014", "2019-2023")
    assert (e.change.base_years, e.change.eval_years) == ("2010-2014", "2019-2023")
    with pytest.raises(ValueError, match="must end before"):
        sc.scorecard(frames, small_agenda, "CHN", "RUS", baseline="2010-2019", evaluation="2018-")
    other = sc.scorecard({}, small_agenda, "USA", "CHN")
    assert other.agenda == "generic" and "generic" in other.note
    assert [p.id for p in other.proposals] == ["D1", "D2", "D3", "D4", "D5"]
    assert all(p.verdict == sc.NOT_MEASURABLE for p in other.proposals)


def test_welch_statistic_matches_the_formula():
    x = np.asarray(series("rise"))
    years = np.array(YEARS)
    b, e = x[(years >= 2013) & (years <= 2017)], x[years >= 2018]
    vb, ve = b.var(ddof=1) / len(b), e.var(ddof=1) / len(e)
    t = (e.mean() - b.mean()) / np.sqrt(vb + ve)
    change = sc.compare_windows(YEARS, x, +1, BASE, EVAL)
    assert change.statistic == pytest.approx(t)


def test_slopes_match_numpy_polyfit():
    x = np.asarray(series("rise")) + 0.3 * np.arange(len(YEARS))
    years = np.array(YEARS)
    change = sc.compare_windows(YEARS, x, +1, BASE, EVAL)
    inside = years >= 2018
    assert change.eval_slope == pytest.approx(np.polyfit(years[inside], x[inside], 1)[0])
    base = (years >= 2013) & (years <= 2017)
    assert change.base_slope == pytest.approx(np.polyfit(years[base], x[base], 1)[0])
    assert change.eval_slope_low < change.eval_slope < change.eval_slope_high


def test_permutation_p_is_exact_enumeration():
    x, y = np.array([1.0, 2.0, 3.0, 2.5]), np.array([4.0, 5.0, 3.5])
    pooled = np.concatenate([x, y])
    obs = y.mean() - x.mean()
    count = total = 0
    for chosen in itertools.combinations(range(7), 3):
        mask = np.zeros(7, bool)
        mask[list(chosen)] = True
        d = pooled[mask].mean() - pooled[~mask].mean()
        count += abs(d) >= abs(obs) - 1e-12
        total += 1
    stat, p = sc.permutation_p(x, y)
    assert stat == pytest.approx(obs) and p == pytest.approx(count / total)
    change = sc.compare_windows(YEARS, series("rise"), +1, BASE, EVAL, test="permutation")
    assert change.test == "permutation" and change.verdict == sc.ADVANCED   # C(11,6)=462: p can be small


def _ev(verdict: str, weight: float = 1.0) -> sc.Evidence:
    change = sc.Change(5, 5, 0, 0, 0, 0, 0, 0, 0, 0, "welch t", 0, 0.5, verdict, "")
    return sc.Evidence("P", "x", "x", 1, weight, "", change)


def test_proposal_rule_weighted_plurality_ties_to_stalled():
    assert sc.combine([_ev(sc.ADVANCED), _ev(sc.ADVANCED), _ev(sc.STALLED)]) == (sc.ADVANCED, 1.0)
    assert sc.combine([_ev(sc.ADVANCED), _ev(sc.REVERSED)])[0] == sc.STALLED
    assert sc.combine([_ev(sc.ADVANCED, 1.0), _ev(sc.REVERSED, 2.0)])[0] == sc.REVERSED
    verdict, coverage = sc.combine([_ev(sc.ADVANCED), _ev(sc.NOT_MEASURABLE), _ev(sc.NOT_MEASURABLE)])
    assert verdict == sc.ADVANCED and coverage == pytest.approx(1 / 3)
    assert sc.combine([_ev(sc.NOT_MEASURABLE)]) == (sc.NOT_MEASURABLE, 0.0)
    assert sc.combine([]) == (sc.NOT_MEASURABLE, 0.0)


def test_scorecard_on_frames():
    small_agenda, frames = make_agenda(), make_frames()
    card = sc.scorecard(frames, small_agenda, "CHN", "RUS", on_error="raise")
    verdicts = {p.id: p.verdict for p in card.proposals}
    # P1: a planted rise and flat noise, equal weights -> tie -> stalled; P2: expected fall, fell -> advanced
    series_verdicts = {e.indicator: e.change.verdict for p in card.proposals for e in p.evidence}
    assert series_verdicts == {"test_rise": sc.ADVANCED, "test_flat": sc.STALLED, "test_fall": sc.ADVANCED}
    assert verdicts == {"P1": sc.STALLED, "P2": sc.ADVANCED, "P3": sc.NOT_MEASURABLE}
    weighted = sc.scorecard(frames, small_agenda, "CHN", "RUS", weights={"indicators": {"test_flat": 0.5}})
    assert weighted.proposals[0].verdict == sc.ADVANCED
    frame = card.to_frame()
    assert set(frame["proposal"]) == {"P1", "P2", "P3"}
    assert frame.loc[frame["proposal"] == "P3", "note"].item() == "would need a survey"
    assert "P2" in card.summary() and "ADVANCED" in card.summary()
    assert card.to_dict()["proposals"][1]["evidence"][0]["verdict"] == sc.ADVANCED


def test_scorecard_missing_frame_is_not_measurable():
    small_agenda, frames = make_agenda(), make_frames()
    del frames["test_fall"]
    card = sc.scorecard(frames, small_agenda, "CHN", "RUS")
    p2 = card.proposals[1]
    assert p2.verdict == sc.NOT_MEASURABLE and "no data loaded" in p2.reason()


def test_scorecard_through_registry_splits_directed_flows(store, tmp_path):
    from agenda_helpers import write

    from dyad import agenda as ag

    path = write(tmp_path, """
id: directed
countries: [CHN, RUS]
baseline: 2013-2017
evaluation: 2018-
directions: {D2: economy}
proposals:
  - id: P1
    statement: flows
    directions: [D2]
    indicators:
      - {id: test_directed, sign: "+", directed: both}
  - id: P2
    statement: one flow
    directions: [D2]
    indicators:
      - {id: test_directed, sign: "+", pair: [RUS, CHN]}
  - id: P3
    statement: pooled
    directions: [D2]
    indicators:
      - {id: test_directed, sign: "+", directed: pooled}
""")
    agenda = ag.load(path)
    card = sc.scorecard(store, agenda, "RUS", "CHN", on_error="raise")   # run order differs from the agenda's
    p1, p2, p3 = card.proposals
    got = {e.series: (e.change.verdict, e.weight) for e in p1.evidence}
    assert got == {"test_directed CHN>RUS": (sc.ADVANCED, 0.5), "test_directed RUS>CHN": (sc.REVERSED, 0.5)}
    assert p1.verdict == sc.STALLED
    assert [(e.series, e.change.verdict) for e in p2.evidence] == [("test_directed RUS>CHN", sc.REVERSED)]
    # pooled: one series, computed for the agenda's (CHN, RUS), full weight
    assert [(e.series, e.change.verdict, e.weight) for e in p3.evidence] == [("test_directed", sc.ADVANCED, 1.0)]


def test_monthly_rows_become_years():
    from dyad.analysis.inputs import to_yearly

    months = [f"{y}-{m:02d}" for y in (2016, 2017) for m in range(1, 13)] + ["2018-01", "2018-02"]
    values = np.arange(len(months), dtype=float)
    frame = pd.DataFrame({"period": months, "value": values, "n": 1})
    mean = to_yearly(frame, "mean")
    assert mean["value"].tolist() == pytest.approx([values[:12].mean(), values[12:24].mean(), values[24:].mean()])
    total = to_yearly(frame, "sum")
    assert total["value"].tolist()[:2] == pytest.approx([values[:12].sum(), values[12:24].sum()])
    assert total["value"].iloc[2] == pytest.approx(values[24:].mean() * 12)     # annualised partial year
    assert total["months"].tolist() == [12, 12, 2]


def test_missing_values_are_dropped_not_zero():
    from dyad.analysis.inputs import to_yearly

    frame = tidy("x", [2015, 2016, 2017], [1.0, np.nan, 3.0])
    frame = pd.concat([frame, pd.DataFrame([{"period": "2016", "value": 5.0, "n": 0}])])
    assert to_yearly(frame)["year"].tolist() == [2015, 2017]
    with pytest.raises(ValueError, match="neither a year"):
        to_yearly(pd.DataFrame({"period": ["2018Q1"], "value": [1.0], "n": [1]}), where="x")


def test_evidence_amounts_read_in_units():
    """Numbers in evidence sentences: USD by size, percentages with %, three significant digits."""
    from dyad.analysis.scorecard import amount

    assert amount(148.3e9, "USD") == "148 bn USD" and amount(88.04e9, "USD") == "88.0 bn USD"
    assert amount(-156e6, "USD", signed=True) == "-156 m USD" and amount(4.66e9, "USD", True) == "+4.66 bn USD"
    assert amount(470e3, "USD") == "470 thousand USD" and amount(12.0, "USD") == "12.0 USD"
    assert amount(0.303, "percent", True) == "+0.303%" and amount(70.01, "percent") == "70.0%"
    assert amount(667.2, "TIV millions") == "667 m TIV" and amount(0.7442, "share") == "0.7442"
    assert amount(float("nan"), "USD") == "-"
