"""Ideal points: recovery of simulated truth, agreement with an independent per-session PCA, stability."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dyad.measures import idealpoints as ip

from .simulate import simulate


@pytest.fixture(scope="module")
def simulated():
    votes, truth = simulate()
    return votes, truth, ip.fit(ip.votes_from_frame(votes))


def test_recovers_simulated_ideal_points(simulated):
    _, truth, fit = simulated
    m = fit.points.merge(truth, on=["country", "session"])
    assert len(m) == len(truth)
    assert fit.converged
    assert np.corrcoef(m["value"], m["x"])[0, 1] >= 0.98


def test_usa_on_the_positive_side(simulated):
    votes, truth, fit = simulated
    flipped = votes.assign(vote=votes["vote"].map({"yes": "no", "no": "yes", "abstain": "abstain"}))
    refit = ip.fit(ip.votes_from_frame(flipped))     # relabelled votes: the sign is fixed by the anchor, not luck
    for f in (fit, refit):
        assert f.points.loc[f.points["country"] == "USA", "value"].mean() > 0


def test_stable_with_a_tenth_of_roll_calls_left_out(simulated):
    votes, _, fit = simulated
    rng = np.random.default_rng(3)
    ids = votes["rcid"].unique()
    kept = votes[votes["rcid"].isin(rng.choice(ids, int(0.9 * len(ids)), replace=False))]
    m = fit.points.merge(ip.fit(ip.votes_from_frame(kept)).points, on=["country", "session"])
    assert np.corrcoef(m["value_x"], m["value_y"])[0, 1] >= 0.98


def test_intervals_and_counts(simulated):
    votes, _, fit = simulated
    f = fit.to_frame()
    assert (f["ci_low"] < f["value"]).all() and (f["value"] < f["ci_high"]).all()
    cast = votes.groupby(["country", "session"]).size().rename("cast").reset_index()
    m = fit.points.merge(cast, on=["country", "session"])
    assert (m["n"] == m["cast"]).all()


def test_parametric_bootstrap_spread_is_of_the_laplace_order(simulated):
    votes, _, fit = simulated
    b = ip.bootstrap(ip.votes_from_frame(votes), fit, reps=8)
    ratio = (b["boot_se"] / b["se"]).median()
    assert 0.5 < ratio < 2.0, ratio
    assert ((b["boot_low"] <= b["value"]) & (b["value"] <= b["boot_high"])).mean() > 0.8


def test_absences_and_unanimous_roll_calls_are_not_votes():
    frame = pd.DataFrame({"rcid": [1, 1, 1, 2, 2, 2], "session": 1, "country": ["USA", "CHN", "RUS"] * 2,
                          "vote": ["yes", "no", "absent", "yes", "yes", "yes"]})
    v = ip.votes_from_frame(frame)
    assert list(v.rcids) == [1] and len(v.y) == 2


def _pc1(group: pd.DataFrame) -> pd.Series:
    wide = group.assign(v=group["vote"].map({"yes": 1.0, "abstain": 0.5, "no": 0.0})).pivot(
        index="country", columns="rcid", values="v")
    wide = wide.fillna(wide.mean())
    u = np.linalg.svd((wide - wide.mean()).to_numpy(), full_matrices=False)[0][:, 0]
    return pd.Series(u, index=wide.index)


@pytest.mark.slow
def test_agrees_with_first_principal_component_of_each_session(unvotes_store):
    raw = unvotes_store.sql("SELECT v.rcid, r.session, v.country, v.vote FROM votes v JOIN rollcalls r "
                            "USING (rcid) WHERE r.session BETWEEN 60 AND 74 AND v.vote IN ('yes','abstain','no')")
    fit = ip.fit(ip.votes_from_frame(raw))
    for session, group in raw.groupby("session"):
        pc = _pc1(group)
        x = fit.points[fit.points["session"] == session].set_index("country")["value"]
        r = abs(np.corrcoef(pc[x.index], x)[0, 1])
        assert r >= 0.9, f"session {session}: |r| with PC1 = {r:.3f}"


@pytest.mark.slow
def test_distance_indicator_matches_points(unvotes_store):
    d = ip.distance(unvotes_store, "CHN", "RUS", by="session")
    y = ip.distance(unvotes_store, "CHN", "RUS", by="year")
    assert (y["period"].astype(int) == d["period"].astype(int) + 1945).all()
    p = ip.ideal_points(unvotes_store).points.set_index(["country", "session"])["value"]
    s = d["period"].astype(int)
    expected = (p.loc[list(zip(["CHN"] * len(s), s, strict=True))].to_numpy()
                - p.loc[list(zip(["RUS"] * len(s), s, strict=True))].to_numpy())
    assert np.allclose(d["value"], np.abs(expected))
    assert s.min() == 26                     # the PRC holds China's seat from session 26 (1971)
    assert (d["ci_low"] <= d["value"]).mean() > 0.9 and (d["ci_high"] >= d["value"]).all()
