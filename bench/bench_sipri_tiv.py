"""SIPRI: how far the register's yearly TIV series stays from SIPRI's own TIV table, per supplier-recipient.

Run:  python bench/bench_sipri_tiv.py [--data ../shared/data/arms] [--supplier RUS --recipient CHN]
Ingests the register, the deliveries export and the TIV table into a temporary store, then compares, for
every year the table covers, three yearly series against the table: the register split equally over each
deal's delivery years (the baseline, computed here from the stored deals), dyad's register series (units
per year from the deliveries export where it names the deal), and the deliveries export itself. Prints the
mean absolute error, the correlation and the worst years; the ratio baseline error / dyad error (above 1:
dyad closer to SIPRI's table).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from dyad.measures import arms
from dyad.store import open_store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/arms")
    ap.add_argument("--supplier", default="RUS")
    ap.add_argument("--recipient", default="CHN")
    args = ap.parse_args()
    a, b = args.supplier, args.recipient
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "s.duckdb")
        store.ingest("sipri", Path(args.data))
        table = arms.tiv_delivered(store, a, b, source="sipri-tiv").set_index("period")["value"]
        years = [str(y) for y in range(int(table.index.min()), int(table.index.max()) + 1)]
        want = table.reindex(years).fillna(0.0)
        deals = store.sql("SELECT delivery_years, tiv_delivered FROM arms WHERE source = 'sipri-register' AND "
                          "supplier = ? AND recipient = ? AND tiv_delivered IS NOT NULL", [a, b])
        equal: dict[str, float] = {}
        for ys, tiv in zip(deals["delivery_years"], deals["tiv_delivered"], strict=True):
            ys = [y for y in str(ys or "").split("; ") if y]
            for y in ys:
                equal[y] = equal.get(y, 0.0) + tiv / len(ys)
        series = {
            "equal split (baseline)": pd.Series(equal).reindex(years).fillna(0.0),
            "dyad register": arms.tiv_delivered(store, a, b).set_index("period")["value"].reindex(years).fillna(0.0),
            "deliveries export": arms.tiv_delivered(store, a, b, source="sipri-deliveries")
            .set_index("period")["value"].reindex(years)}
        store.close()
    print(f"{a}->{b}, SIPRI TIV table years {years[0]}-{years[-1]}")
    errors = {}
    for name, s in series.items():
        have = s.notna()
        gap = (s[have] - want[have]).abs()
        errors[name] = gap.mean()
        r = np.corrcoef(s[have], want[have])[0, 1]
        worst = ", ".join(f"{y}: {s[y]:,.0f} vs {want[y]:,.0f}" for y in gap.sort_values().index[-3:][::-1])
        print(f"  {name:24s} years {int(have.sum()):2d}  MAE {gap.mean():7.1f}  r {r:.3f}  worst {worst}")
    print(f"  ratio MAE equal split / dyad register: {errors['equal split (baseline)'] / errors['dyad register']:.2f}")


if __name__ == "__main__":
    main()
