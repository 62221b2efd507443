"""BACI parsing: dyad's DuckDB reader vs a straightforward pandas reader, on a synthetic full-size year.

Run:  python bench/bench_baci.py [--rows 3000000]
Writes a BACI-format CSV (t,i,j,k,v,q; leading zeros dropped, some NA quantities) to a temporary folder,
reads it with both methods, checks they give the same rows, and prints seconds and the ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from dyad import countries, engine
from dyad.sources import baci


def make_file(path: Path, rows: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    codes = np.array(sorted(countries.code_map("m49"))[:200])
    k = rng.integers(10110, 970600, size=rows)
    frame = pd.DataFrame({"t": 2022, "i": rng.choice(codes, rows), "j": rng.choice(codes, rows), "k": k,
                          "v": rng.gamma(0.5, 300.0, rows).round(3), "q": rng.gamma(0.5, 50.0, rows).round(3)})
    frame["q"] = frame["q"].astype(object).where(rng.random(rows) > 0.05, "NA")
    frame.to_csv(path, index=False)


def pandas_baseline(path: Path) -> pd.DataFrame:
    """What one would write first: read_csv, map codes with a dict, pad products, validate in pandas."""
    f = pd.read_csv(path, dtype={"k": str}, na_values=["NA"])
    m49 = {**countries.code_map("m49"), **baci.BACI_CODES}
    f["exporter"] = f["i"].map(m49)
    f["importer"] = f["j"].map(m49)
    f["product"] = f["k"].str.zfill(6)
    ok = f["exporter"].notna() & f["importer"].notna() & f["v"].ge(0) & f["product"].str.fullmatch(r"\d{6}")
    f = f[ok]
    return pd.DataFrame({"year": f["t"], "exporter": f["exporter"], "importer": f["importer"],
                         "product": f["product"], "value_usd": f["v"] * 1000.0, "quantity": f["q"]})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "BACI_HS17_Y2022_V202401.csv"
        make_file(path, args.rows)
        t0 = time.perf_counter()
        base = pandas_baseline(path)
        t1 = time.perf_counter()
        con = engine.scratch()
        baci.read(path).tables["trade"](con, "staged")   # what the store runs: CSV -> Parquet -> table
        ours = con.sql("SELECT * FROM staged").to_arrow_table()
        t2 = time.perf_counter()
    assert len(base) == len(ours), (len(base), len(ours))
    assert np.isclose(base["value_usd"].sum(), pc.sum(ours["value_usd"]).as_py())
    print(f"| {args.rows:,} rows | {t1 - t0:.2f} | {t2 - t1:.2f} | {(t1 - t0) / (t2 - t1):.2f}x |")


if __name__ == "__main__":
    main()
