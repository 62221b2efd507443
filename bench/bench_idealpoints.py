"""UN ideal points for every country and session: dyad's EM fit vs a naive per-session scipy.optimize ML fit.

Run:  python bench/bench_idealpoints.py [--store PATH] [--sessions N]
(ingests ../shared/data/unvotes into a temp store when the store has no votes). Prints the times, the peak
memory of the process, the ratio baseline / dyad, and the per-session correlation of the two estimates.

Baseline: for each session separately, the static ordered-probit likelihood of that session's votes (ideal
points with a N(0, 1) prior, roll-call intercepts, slopes and log abstention widths) minimised by
scipy.optimize.minimize (L-BFGS-B) with its analytic gradient: what one writes without EM and without bridging.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize

from dyad.measures import idealpoints as ip
from dyad.store import open_store

ROOT = Path(__file__).resolve().parents[1]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def naive_session(votes: ip.Votes) -> np.ndarray:
    """ML (with a N(0,1) prior on x) of one session's static ordered probit by L-BFGS-B."""
    J, S = votes.n_items, votes.n_states
    item, state = votes.item, votes.state

    def objective(theta):
        x, a, b, k = theta[:S], theta[S:S + J], theta[S + J:S + 2 * J], theta[S + 2 * J:]
        tau = np.exp(k)
        eta = a[item] + b[item] * x[state]
        ll = ip.loglik(eta, tau[item], votes.cuts)
        ystar, _, dtau, _ = ip._latent(eta, tau[item], votes.cuts)
        g = ystar - eta                              # d log P / d eta
        grad = np.concatenate([np.bincount(state, g * b[item], S) - x, np.bincount(item, g, J) - a / 25,
                               np.bincount(item, g * x[state], J) - b / 25, np.bincount(item, dtau, J) * tau])
        value = ll - 0.5 * (x @ x) - (a @ a + b @ b) / 50
        return -value, -grad

    start = np.concatenate([ip.session_pc1(votes), np.zeros(2 * J), np.full(J, np.log(0.5))])
    res = optimize.minimize(objective, start, jac=True, method="L-BFGS-B",
                            bounds=[(None, None)] * (S + 2 * J) + [(np.log(1e-3), np.log(8.0))] * J,
                            options={"maxiter": 5000})
    return res.x[:S]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store")
    parser.add_argument("--sessions", type=int, help="Baseline on the first N sessions only (extrapolated).")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    store = open_store(args.store or Path(tmp.name) / "bench.duckdb", read_only=bool(args.store))
    if store.count("votes") == 0:
        store.ingest("unvotes", ROOT.parent / "shared" / "data" / "unvotes")
    t0 = time.perf_counter()
    raw = store.sql("SELECT v.rcid, r.session, v.country, v.vote FROM votes v JOIN rollcalls r USING (rcid) "
                    "WHERE v.vote IN ('yes', 'abstain', 'no') AND r.session IS NOT NULL")
    votes = ip.votes_from_frame(raw)
    t_load = time.perf_counter() - t0
    mem_load = peak_mb()
    t0 = time.perf_counter()
    fit = ip.fit(votes)
    t_em = time.perf_counter() - t0
    mem_em = peak_mb()
    sessions = sorted(raw["session"].unique())
    chosen = sessions[: args.sessions] if args.sessions else sessions
    t0 = time.perf_counter()
    cors = []
    for s in chosen:
        v = ip.votes_from_frame(raw[raw["session"] == s])
        x = naive_session(v)
        mine = fit.points[fit.points["session"] == s].set_index("country")["value"]
        with np.errstate(invalid="ignore", divide="ignore"):
            cors.append(abs(np.corrcoef(pd.Series(x, index=v.countries)[mine.index], mine)[0, 1]))
    t_naive = (time.perf_counter() - t0) * len(sessions) / len(chosen)
    print(f"votes cast: {len(raw):,}; fitted: {len(votes.y):,} on {votes.n_items:,} roll calls; "
          f"{votes.n_states:,} country-sessions in {len(sessions)} sessions ({min(sessions)}-{max(sessions)})")
    print(f"load (SQL + index arrays): {t_load:.1f} s; peak RSS after load {mem_load:.0f} MB")
    print(f"dyad EM (dynamic, all sessions): {t_em:.1f} s, {fit.iterations} iterations, converged={fit.converged}; "
          f"peak RSS {mem_em:.0f} MB")
    print(f"naive per-session L-BFGS ({len(chosen)} of {len(sessions)} sessions run"
          f"{', extrapolated' if len(chosen) < len(sessions) else ''}): {t_naive:.1f} s")
    cors = np.asarray(cors)
    print(f"ratio naive / dyad: {t_naive / t_em:.1f}x; |r| per session between the two: median "
          f"{np.nanmedian(cors):.3f}, min {np.nanmin(cors):.3f}; undefined (a constant estimate) in "
          f"{int(np.isnan(cors).sum())} session(s)")


if __name__ == "__main__":
    main()
