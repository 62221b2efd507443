"""The all-dyads panel 1946-2024: dyad.panel.build (DuckDB) vs a plain pandas merge build, in the same run.

Run:  python bench/bench_panel.py --store PATH   (a store with peacesciencer and UN votes loaded, e.g. the one
`dyad report --data ../shared/data` builds). Each method runs in its own child process, so each peak RSS is
its own; wall and CPU seconds are both printed (CPU time is less sensitive to a loaded machine). Both panels
are checked equal (rows, keys and every column) before the ratio is printed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

from dyad import panel
from dyad.measures import covariates as cv
from dyad.store import open_store


def pandas_build(store, start: int, end: int) -> pd.DataFrame:
    """The textbook way: members self-merged per year, then one left merge per series."""
    m = panel._members(store, start, end)
    m["cow"] = panel._cow_codes(m)
    sk = m.merge(m, on="year", suffixes=("_x", "_y"))
    sk = sk[sk["country_x"] < sk["country_y"]]
    sk = pd.DataFrame({"a": sk["country_x"], "b": sk["country_y"], "cow_a": sk["cow_x"], "cow_b": sk["cow_y"],
                       "year": sk["year"], "membership": np.where((sk["membership_x"] == "nmc")
                                                                 & (sk["membership_y"] == "nmc"), "nmc", "carried")})
    cov = store.sql("SELECT a, b, year, variable, value FROM covariates WHERE year BETWEEN ? AND ?", [start, end])
    out = sk
    for v in list(cv.SPARSE_DYADIC) + list(cv.COMPLETE_DYADIC) + ["dyadigos"]:
        part = cov[(cov["variable"] == v) & (cov["b"] != "")].groupby(["a", "b", "year"], as_index=False)["value"].max()
        out = out.merge(part.rename(columns={"value": v}), on=["a", "b", "year"], how="left")
        if v in cv.SPARSE_DYADIC:
            lo, hi = cv.coverage(store, v)
            inside = out["year"].between(lo, hi)
            out[v] = out[v].where(~inside, out[v].fillna(0.0))
    for v in cv.MONADIC:
        part = cov[(cov["variable"] == v) & (cov["b"] == "")].groupby(["a", "year"], as_index=False)["value"].max()
        out = out.merge(part.rename(columns={"value": f"{v}_a"}), on=["a", "year"], how="left")
        out = out.merge(part.rename(columns={"a": "b", "value": f"{v}_b"}), on=["b", "year"], how="left")
    out = out.rename(columns={"dyadigos": "igo_joint_memberships"})
    for col in panel.UN_COLUMNS:
        out = out.merge(panel._un_column(store, col, start, end), on=["a", "b", "year"], how="left")
    out["cinc_ratio"] = (out["cinc_a"] / out["cinc_b"]).where(out["cinc_b"] > 0)
    return out.sort_values(["year", "a", "b"]).reset_index(drop=True)


def child(method: str, store_path: str, start: int, end: int, out: str) -> None:
    store = open_store(store_path, read_only=True)
    wall, cpu = time.perf_counter(), time.process_time()
    frame = panel.build(store, start, end) if method == "dyad" else pandas_build(store, start, end)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    frame.to_parquet(out, index=False)
    print(json.dumps({"method": method, "wall": wall, "cpu": cpu, "rows": len(frame), "cols": frame.shape[1],
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", required=True)
    parser.add_argument("--start", type=int, default=1946)
    parser.add_argument("--end", type=int, default=2024)
    parser.add_argument("--child", choices=["dyad", "pandas"])
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.store, args.start, args.end, args.out)
        return
    results, frames = {}, {}
    for method in ("dyad", "pandas"):
        out = f"/tmp/bench_panel_{method}.parquet"
        proc = subprocess.run([sys.executable, __file__, "--store", args.store, "--start", str(args.start),
                               "--end", str(args.end), "--child", method, "--out", out],
                              capture_output=True, text=True, check=True)
        results[method] = json.loads(proc.stdout.strip().splitlines()[-1])
        frames[method] = pd.read_parquet(out)
    d, p = frames["dyad"], frames["pandas"][frames["dyad"].columns]
    pd.testing.assert_frame_equal(d, p, check_dtype=False, check_categorical=False)
    for method, r in results.items():
        print(f"{method:7s} wall {r['wall']:6.1f} s  cpu {r['cpu']:6.1f} s  peak RSS {r['peak_mb']:6.0f} MB  "
              f"{r['rows']:,} rows x {r['cols']} columns")
    print(f"ratio pandas / dyad: wall {results['pandas']['wall'] / results['dyad']['wall']:.2f}x, "
          f"cpu {results['pandas']['cpu'] / results['dyad']['cpu']:.2f}x; panels equal")


if __name__ == "__main__":
    main()
