"""All dyads x all years of UN votes: agreement and kappa, dyad's matrix code vs a naive pandas self-join.

Run:  python bench/bench_alignment.py [--store PATH]   (ingests ../shared/data/unvotes into a temp store if needed)
Prints one table row per method and the speed-up ratio, measured in this one process.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from dyad.measures import alignment as al
from dyad.store import open_store

ROOT = Path(__file__).resolve().parents[1]


def naive(votes: pd.DataFrame) -> pd.DataFrame:
    """The textbook way: join the votes to themselves on roll call, count vote pairs per dyad-year."""
    out = []
    for year, v in votes.groupby("year"):
        pairs = v.merge(v, on="rcid", suffixes=("_a", "_b"))
        pairs = pairs[pairs.country_a != pairs.country_b]
        counts = pairs.groupby(["country_a", "country_b", "vote_a", "vote_b"]).size().rename("k").reset_index()
        n = counts.groupby(["country_a", "country_b"])["k"].transform("sum")
        counts["p"] = counts["k"] / n
        po = counts[counts.vote_a == counts.vote_b].groupby(["country_a", "country_b"])["p"].sum()
        ma = counts.groupby(["country_a", "country_b", "vote_a"])["p"].sum().rename("pa")
        mb = counts.groupby(["country_a", "country_b", "vote_b"])["p"].sum().rename("pb")
        ma.index.names = mb.index.names = ["country_a", "country_b", "vote"]
        pe = (ma * mb).fillna(0).groupby(["country_a", "country_b"]).sum()
        frame = pd.DataFrame({"agreement": po, "pe": pe}).fillna({"agreement": 0.0})
        frame["kappa"] = (frame.agreement - frame.pe) / (1 - frame.pe)
        frame["year"] = year
        out.append(frame.reset_index())
    return pd.concat(out, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    store = open_store(args.store or Path(tmp.name) / "bench.duckdb")
    if store.count("votes") == 0:
        t = time.perf_counter()
        store.ingest("unvotes", ROOT.parent / "shared" / "data" / "unvotes")
        print(f"ingest: {time.perf_counter() - t:.1f} s")

    t0 = time.perf_counter()
    both = al.all_years_matrix(store, ("agreement", "kappa"))
    ours = time.perf_counter() - t0
    agree = both[both.indicator == "un_agreement"]
    kappa = both[both.indicator == "un_kappa"]

    votes = al.vote_matrix_frame(store)            # the baseline gets its input for free
    t1 = time.perf_counter()
    base = naive(votes)
    baseline = time.perf_counter() - t1

    merged = agree.merge(kappa, on=["a", "b", "period"], suffixes=("_agree", "_kappa"))
    merged["year"] = merged["period"].astype(int)
    check = merged.merge(base, left_on=["a", "b", "year"], right_on=["country_a", "country_b", "year"])
    assert len(check) == len(merged) == len(base), (len(check), len(merged), len(base))
    assert np.allclose(check.value_agree, check.agreement)
    assert np.allclose(check.value_kappa, check.kappa, equal_nan=True)

    print(f"dyad-years: {len(merged):,} (both measures checked equal between methods)")
    print("| method | seconds | ratio |")
    print("|---|---|---|")
    print(f"| naive pandas self-join (agreement + kappa) | {baseline:.2f} | 1.0 |")
    print(f"| dyad one-hot matrix products (agreement + kappa, incl. reading the store) | {ours:.2f} | "
          f"{baseline / ours:.1f}x faster |")


if __name__ == "__main__":
    main()
