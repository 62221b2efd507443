"""A GDELT zip of many small 15-minute exports: members parsed in batches vs one by one.

Baseline: the same ingest with ``fast=false``, which parses every member on its own (what every member got
before batching). Both stores are checked to hold the same events and per-member counts before the ratio
is printed. Usage: ``python bench/bench_gdelt_zip.py [members]`` (default 1,000).
"""

from __future__ import annotations

import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "events"))
from helpers import gdelt2_row  # noqa: E402

from dyad.store import open_store  # noqa: E402


def main(members: int = 1000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "many.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for m in range(members):
                rows = [gdelt2_row(10_000 + m * 3 + i, "20150101", "CHN", "RUS", "042", 1.9) for i in range(3)]
                z.writestr(f"{m:05d}.export.CSV", "".join("\t".join(r) + "\n" for r in rows))
        seconds, results = {}, {}
        for name, fast in (("batched", "true"), ("one by one", "false")):
            with open_store(Path(tmp) / f"{fast}.duckdb") as s:
                started = time.perf_counter()
                s.ingest("gdelt", path, fast=fast)
                seconds[name] = time.perf_counter() - started
                results[name] = (s.sql("SELECT count(*), sum(CAST(event_id AS BIGINT)) FROM events").values.tolist(),
                                 s.sql("SELECT file, rows_read, rows_loaded FROM provenance_files ORDER BY file")
                                 .values.tolist())
        assert results["batched"] == results["one by one"], "the two ingests differ"
        print(f"{members} members: batched {seconds['batched']:.1f} s, one by one {seconds['one by one']:.1f} s, "
              f"ratio {seconds['one by one'] / seconds['batched']:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
