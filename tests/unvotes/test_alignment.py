"""Alignment measures against hand-computed cases, an independent implementation, and the raw files."""

import numpy as np
import pandas as pd
import pytest

from conftest import need_data
from dyad.measures import alignment as al

CODE = {"yes": 0, "abstain": 1, "no": 2}


def table(a, b):
    t = np.zeros((3, 3))
    for x, y in zip(a, b, strict=True):
        t[CODE[x], CODE[y]] += 1
    return t


def reference(a, b):
    """Textbook definitions written out with plain loops (independent of the matrix code)."""
    n = len(a)
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pos = {"yes": 1.0, "abstain": 0.5, "no": 0.0}
    dist = sum(abs(pos[x] - pos[y]) for x, y in zip(a, b, strict=True)) / n
    cats = ["yes", "abstain", "no"]
    pa = {c: a.count(c) / n for c in cats}
    pb = {c: b.count(c) / n for c in cats}
    pe_k = sum(pa[c] * pb[c] for c in cats)
    pe_pi = sum(((pa[c] + pb[c]) / 2) ** 2 for c in cats)
    return {"agreement": po, "voeten": 1 - dist, "sscore": 1 - 2 * dist / 1.0,
            "kappa": (po - pe_k) / (1 - pe_k), "pi": (po - pe_pi) / (1 - pe_pi)}


def test_hand_computed_case():
    a = ["yes", "yes", "no", "abstain", "yes"]
    b = ["yes", "no", "no", "abstain", "abstain"]
    t = table(a, b)
    assert al.agreement(t) == pytest.approx(0.6)
    assert al.voeten(t) == pytest.approx(0.7)
    assert al.s_score(t) == pytest.approx(0.4)
    assert al.kappa(t) == pytest.approx((0.6 - 0.28) / 0.72)
    assert al.scott_pi(t) == pytest.approx((0.6 - 0.34) / 0.66)


def test_perfect_and_opposite_voting():
    same = table(["yes", "no", "abstain"], ["yes", "no", "abstain"])
    assert al.kappa(same) == pytest.approx(1.0) and al.s_score(same) == pytest.approx(1.0)
    opposite = table(["yes", "no"], ["no", "yes"])
    assert al.s_score(opposite) == pytest.approx(-1.0) and al.voeten(opposite) == 0.0
    assert al.kappa(opposite) == pytest.approx(-1.0)
    # Everyone votes yes: chance agreement is 1, kappa is undefined (NaN), never 0.
    assert np.isnan(al.kappa(table(["yes"] * 4, ["yes"] * 4)))


@pytest.mark.parametrize("seed", range(5))
def test_random_cases_match_the_reference(seed):
    rng = np.random.default_rng(seed)
    cats = ["yes", "abstain", "no"]
    a = list(rng.choice(cats, size=60, p=[0.6, 0.25, 0.15]))
    b = list(rng.choice(cats, size=60, p=[0.5, 0.2, 0.3]))
    t = table(a, b)
    ref = reference(a, b)
    for name, fn in al.MEASURES.items():
        assert fn(t) == pytest.approx(ref[name]), name


def test_bootstrap_interval_covers_the_estimate():
    t = table(["yes"] * 30 + ["no"] * 10, ["yes"] * 25 + ["no"] * 15)
    low, high = al.bootstrap_ci(t, "agreement")
    assert low < al.agreement(t) < high and 0 <= low and high <= 1


@pytest.fixture(scope="module")
def raw_pairs():
    votes = pd.read_csv(need_data("unvotes", "un_votes.csv.gz"), dtype={"country_code": str})
    calls = pd.read_csv(need_data("unvotes", "un_roll_calls.csv.gz"), usecols=["rcid", "date"])
    cn = votes[votes.country_code == "CN"][["rcid", "vote"]]
    ru = votes[votes.country_code == "RU"][["rcid", "vote"]]
    pairs = cn.merge(ru, on="rcid", suffixes=("_cn", "_ru")).merge(calls, on="rcid")
    pairs["year"] = pairs["date"].str[:4].astype(int)
    return pairs


def test_china_russia_agreement_every_year_equals_raw_computation(unvotes_store, raw_pairs):
    expected = raw_pairs.assign(same=raw_pairs.vote_cn == raw_pairs.vote_ru).groupby("year")["same"].agg(["mean", "size"])
    got = al.alignment(unvotes_store, "CHN", "RUS", by="year").to_frame(ci=False)
    got = got.assign(year=got["period"].astype(int)).set_index("year")
    years = range(1971, 2020)
    assert list(got.loc[list(years)].index) == list(years)
    np.testing.assert_allclose(got.loc[list(years), "value"], expected.loc[list(years), "mean"], rtol=0, atol=1e-12)
    assert (got.loc[list(years), "n"] == expected.loc[list(years), "size"]).all()


def test_published_figure_4489_roll_calls_72_7_percent(unvotes_store):
    # the figure is for Voeten's release (to 14 Jan 2020); the UN's records add roll calls after it
    whole = al.alignment(unvotes_store, "CHN", "RUS", by="all", end="2020-01-14").to_frame()
    assert whole["n"].item() == 4489
    assert round(whole["value"].item() * 100, 1) == 72.7
    assert whole["ci_low"].item() < whole["value"].item() < whole["ci_high"].item()


def test_kappa_per_year_equals_independent_implementation(unvotes_store, raw_pairs):
    got = al.alignment(unvotes_store, "CHN", "RUS", by="year", measure="kappa").to_frame(ci=False)
    for year in (1975, 1990, 2005, 2018):
        sub = raw_pairs[raw_pairs.year == year]
        ref = reference(sub.vote_cn.tolist(), sub.vote_ru.tolist())["kappa"]
        assert got.loc[got.period == str(year), "value"].item() == pytest.approx(ref)


def test_all_dyad_matrix_equals_pairwise_expression(unvotes_store):
    long = al.alignment_matrix(unvotes_store, 2018, "kappa")
    pair = al.alignment(unvotes_store, "CHN", "RUS", measure="kappa", start="2018-01-01", end="2018-12-31",
                        by="all").to_frame(ci=False)
    row = long[(long.a == "CHN") & (long.b == "RUS")]
    assert row["value"].item() == pytest.approx(pair["value"].item())
    assert row["n"].item() == pair["n"].item()
    # symmetric, and every pair appears in both orders
    swapped = long.rename(columns={"a": "b", "b": "a"}).set_index(["a", "b"])["value"]
    np.testing.assert_allclose(long.set_index(["a", "b"])["value"].sort_index(), swapped.sort_index())


def test_issue_and_important_filters_against_raw(unvotes_store, raw_pairs):
    issues = pd.read_csv(need_data("unvotes", "un_roll_call_issues.csv"))
    hr = set(issues[issues.short_name == "hr"].rcid)
    sub = raw_pairs[raw_pairs.rcid.isin(hr)]
    got = al.alignment(unvotes_store, "CHN", "RUS", by="all", issue="hr", end="2020-01-14").to_frame(ci=False)
    assert got["n"].item() == len(sub)
    assert got["value"].item() == pytest.approx((sub.vote_cn == sub.vote_ru).mean())


def test_absences_as_abstentions_change_n(unvotes_store):
    missing = al.alignment(unvotes_store, "CHN", "RUS", by="all", absent="missing").to_frame(ci=False)
    as_abs = al.alignment(unvotes_store, "CHN", "RUS", by="all", absent="abstain").to_frame(ci=False)
    assert as_abs["n"].item() >= missing["n"].item()


def test_all_years_matrix_equals_dyad_series(unvotes_store):
    every = al.all_years_matrix(unvotes_store, ("agreement", "kappa"))
    for measure in ("agreement", "kappa"):
        sub = every[(every.a == "CHN") & (every.b == "RUS") & (every.indicator == f"un_{measure}")]
        series = al.alignment(unvotes_store, "CHN", "RUS", measure=measure).to_frame(ci=False)
        merged = series.merge(sub.astype({"period": str}), on="period", suffixes=("", "_m"))
        assert len(merged) == len(series) == len(sub)
        np.testing.assert_allclose(merged["value"], merged["value_m"], equal_nan=True)
        assert (merged["n"] == merged["n_m"]).all()
