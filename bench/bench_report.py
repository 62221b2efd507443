"""End-to-end time of ``dyad report`` for a dyad, from the data folder to the HTML file.

Run 1 starts from an empty store (ingest of everything the layout finds, then the report); run 2 runs
again on the built store (ingest finds every file unchanged and skips it). The ratio run1 / run2 is
what the store saves; the breakdown says where the report's own time goes (indicators, the optional
analyses, rendering, chart export).

    python bench/bench_report.py                          # CHN RUS, ../shared/data
    python bench/bench_report.py --data ../shared/data --charts
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def one_run(store_path: Path, data: Path, out: Path, a: str, b: str, charts: Path | None) -> dict:
    from dyad.report import build_report
    from dyad.report.ingest import ingest_layout
    from dyad.store import open_store

    t0 = time.perf_counter()
    with open_store(store_path) as store:
        plan = ingest_layout(store, data, show_progress=False)
        t1 = time.perf_counter()
        report = build_report(store, a, b, out, ingest=plan, charts_dir=charts, progress_enabled=False)
    t2 = time.perf_counter()
    slow = sorted(((r.seconds, r.indicator.id) for r in report.indicators), reverse=True)[:5]
    counts = {s: len(plan.by_status(s)) for s in ("ingested", "unchanged", "failed", "not ingested", "absent")}
    return {"ingest": t1 - t0, "report": t2 - t1, "total": t2 - t0, **report.timings, "slowest": slow,
            "outcomes": counts, "n_indicators": len(report.indicators)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", nargs="?", default="CHN")
    parser.add_argument("b", nargs="?", default="RUS")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--charts", action="store_true", help="also export SVG + PNG per chart")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        charts = tmp / "charts" if args.charts else None
        runs = [one_run(tmp / "store.duckdb", args.data, tmp / f"report{i}.html", args.a, args.b, charts)
                for i in (1, 2)]
    for name, run in zip(("empty store (ingest + report)", "built store (report only)"), runs, strict=True):
        parts = ", ".join(f"{k} {run[k]:.1f} s" for k in ("ingest", "indicators", "analyses", "render", "charts")
                          if k in run)
        print(f"{name}: total {run['total']:.1f} s ({parts}); {run['n_indicators']} indicators; "
              f"ingest outcomes {run['outcomes']}")
        print("   slowest indicators: " + ", ".join(f"{i} {s:.1f} s" for s, i in run["slowest"]))
    print(f"ratio empty / built: {runs[0]['total'] / runs[1]['total']:.2f}")


if __name__ == "__main__":
    main()
