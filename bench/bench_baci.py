"""BACI parsing: dyad's reader vs a straightforward pandas reader, on synthetic full-size data.

Run:  python bench/bench_baci.py [--rows 3000000]
Writes BACI-format CSVs (t,i,j,k,v,q; leading zeros dropped, some NA quantities): one year of ``rows`` rows,
and a two-year folder of ``rows / 2`` each (read through dyad's Parquet staging, as a release is). Both
methods end with the rows in a DuckDB table, as an ingest needs them; row counts and value sums are checked
equal; prints seconds and the ratio baseline / dyad (above 1: dyad faster).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from dyad import countries, engine
from dyad.sources import baci


def make_file(path: Path, rows: int, year: int = 2022, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    codes = np.array(sorted(countries.code_map("m49"))[:200])
    k = rng.integers(10110, 970600, size=rows)
    frame = pd.DataFrame({"t": year, "i": rng.choice(codes, rows), "j": rng.choice(codes, rows), "k": k,
                          "v": rng.gamma(0.5, 300.0, rows).round(3), "q": rng.gamma(0.5, 50.0, rows).round(3)})
    frame["q"] = frame["q"].astype(object).where(rng.random(rows) > 0.05, "NA")
    frame.to_csv(path, index=False)


def pandas_baseline(files: list[Path]) -> pd.DataFrame:
    """What one would write first: read_csv, map codes with a dict, pad products, validate in pandas."""
    f = pd.concat([pd.read_csv(p, dtype={"k": str}, na_values=["NA"]) for p in files], ignore_index=True)
    m49 = {**countries.code_map("m49"), **baci.BACI_CODES}
    f["exporter"] = f["i"].map(m49)
    f["importer"] = f["j"].map(m49)
    f["product"] = f["k"].str.zfill(6)
    ok = f["exporter"].notna() & f["importer"].notna() & f["v"].ge(0) & f["product"].str.fullmatch(r"\d{6}")
    f = f[ok]
    return pd.DataFrame({"year": f["t"], "exporter": f["exporter"], "importer": f["importer"],
                         "product": f["product"], "value_usd": f["v"] * 1000.0, "quantity": f["q"]})


def into_duckdb(rows, con, name: str) -> None:
    """As the store does: a callable builds its staging table itself, a frame or Arrow table is copied in."""
    if callable(rows):
        rows(con, name)
    else:
        con.register("_incoming", rows)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _incoming").fetchall()


def run(label: str, files: list[Path], target: Path) -> None:
    t0 = time.perf_counter()
    con0 = engine.scratch()
    into_duckdb(pandas_baseline(files), con0, "base")
    t1 = time.perf_counter()
    con = engine.scratch()
    into_duckdb(baci.read(target).tables["trade"], con, "ours")
    t2 = time.perf_counter()
    n0, s0 = con0.execute("SELECT count(*), sum(value_usd) FROM base").fetchall()[0]
    n1, s1 = con.execute("SELECT count(*), sum(value_usd) FROM ours").fetchall()[0]
    assert n0 == n1 and np.isclose(s0, s1), (n0, n1, s0, s1)
    print(f"| {label} | {t1 - t0:.2f} | {t2 - t1:.2f} | {(t1 - t0) / (t2 - t1):.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one" / "BACI_HS17_Y2022_V202401.csv"
        one.parent.mkdir()
        make_file(one, args.rows)
        run(f"one year, {args.rows:,} rows (Arrow in memory)", [one], one)
        two = Path(tmp) / "two"
        two.mkdir()
        files = [two / f"BACI_HS17_Y{y}_V202401.csv" for y in (2021, 2022)]
        for n, f in enumerate(files):
            make_file(f, args.rows // 2, year=2021 + n, seed=n)
        run(f"two years, {args.rows:,} rows (Parquet staging)", files, two)


if __name__ == "__main__":
    main()
