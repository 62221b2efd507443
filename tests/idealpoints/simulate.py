"""Simulated roll calls from the dynamic ordinal model, with known ideal points (shared by tests and bench)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def simulate(n_countries=120, n_sessions=15, items_per_session=60, evolution=0.05, missing=0.1, seed=7):
    """Votes frame ``rcid, session, country, vote`` and the true ideal points ``country, session, x``.

    Country 0 is 'USA' (drawn on the positive side, as the model's identification assumes).
    """
    rng = np.random.default_rng(seed)
    countries = ["USA"] + [f"C{i:03d}" for i in range(1, n_countries)]
    x = np.empty((n_countries, n_sessions))
    x[:, 0] = rng.standard_normal(n_countries)
    x[0, 0] = 1.5
    for t in range(1, n_sessions):
        x[:, t] = x[:, t - 1] + rng.normal(0, np.sqrt(evolution), n_countries)
    rows = []
    rcid = 0
    for t in range(n_sessions):
        for _ in range(items_per_session):
            rcid += 1
            alpha, beta, tau = rng.normal(0.5, 1.0), rng.normal(0, 1.5), rng.uniform(0.2, 1.2)
            ystar = alpha + beta * x[:, t] + rng.standard_normal(n_countries)
            vote = np.where(ystar < 0, "no", np.where(ystar < tau, "abstain", "yes"))
            present = rng.random(n_countries) >= missing
            rows.append(pd.DataFrame({"rcid": rcid, "session": t + 1, "country": np.array(countries)[present],
                                      "vote": vote[present]}))
    truth = pd.DataFrame({"country": np.repeat(countries, n_sessions),
                          "session": np.tile(np.arange(1, n_sessions + 1), n_countries), "x": x.ravel()})
    return pd.concat(rows, ignore_index=True), truth
