"""How the events pipeline's cost grows with rows, on DuckDB and on Spark (local), from one input.

Input: a GDELT 2.0 15-minute export (61 tab-separated columns, no header) of N rows, made by resampling
the real rows of ../shared/data/events/gdelt/gdelt2_20191024143000.export.CSV with a fixed seed and giving
each row a new GLOBALEVENTID. Each size is then measured in its own process:

* ``scan``:   the events measure pipeline as one Ibis expression over the raw file, on DuckDB and on Spark:
              monthly QuadClass counts and Goldstein mean for China-Russia (both directions), and the same
              for every ordered pair of countries. Both engines must return the same totals.
* ``ingest``: ``store.ingest("gdelt", file)`` (when a gdelt adapter is registered), then the same pipeline
              over the store's canonical ``events`` table, on DuckDB and on Spark (Parquet snapshot).

Reported: wall seconds and peak resident memory (the process for DuckDB; the Spark JVM's high-water
mark for Spark, whose driver runs the local executors), and Spark / DuckDB as a ratio. Spark's session
start (JVM launch) is timed apart from the pipeline.

Environment:
  DYAD_BENCH_SIZES          rows, comma separated (default 1000000,5000000,20000000)
  DYAD_BENCH_ENGINES        default duckdb,spark
  DYAD_BENCH_SPARK_MAX      largest size run on Spark (default: all)
  DYAD_BENCH_INGEST_MAX     largest size ingested through the gdelt adapter (default 20000000)
  DYAD_BENCH_DIR            where the generated files go (default: a temporary folder, removed after)

Run: ``PYTHONPATH=src python bench/bench_scaling.py`` (prints a Markdown table).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DYAD_SHARED_DATA", ROOT.parent / "shared" / "data"))
REAL = SHARED / "events" / "gdelt" / "gdelt2_20191024143000.export.CSV"
HEADER = SHARED / "events" / "reference" / "GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv"
TYPED = {"SQLDATE": "INTEGER", "QuadClass": "INTEGER", "GoldsteinScale": "DOUBLE"}


def column_names() -> list[str]:
    import csv

    with open(HEADER, newline="", encoding="utf-8") as fh:
        names = [row[0] for row in csv.reader(fh)][1:]
    if len(names) != 61:
        raise SystemExit(f"{HEADER}: expected 61 GDELT 2.0 column names, found {len(names)}")
    return names


def generate(rows: int, target: Path) -> Path:
    """Resample the real export to ``rows`` lines with DuckDB (fast, and no row held in Python)."""
    from dyad.engine import scratch

    names = column_names()
    con = scratch()
    cols = ", ".join(f"'{n}': 'VARCHAR'" for n in names)
    con.execute(f"CREATE TABLE real AS SELECT row_number() OVER () - 1 AS k, * FROM read_csv('{REAL}', "
                f"delim='\t', header=false, quote='', escape='', columns={{{cols}}})")
    n_real = con.execute("SELECT count(*) FROM real").fetchone()[0]
    rest = ", ".join(f'r."{n}"' for n in names[1:])
    # Row i copies real row hash(i) mod n: a fixed pseudo-random draw with replacement.
    con.execute(
        f"COPY (SELECT CAST(1000000000 + i AS VARCHAR) AS id, {rest} FROM "
        f"(SELECT i, CAST(hash(i) % {n_real} AS BIGINT) AS k FROM range({rows}) t(i)) d "
        f"JOIN real r USING (k)) "
        f"TO '{target}' (DELIMITER '\t', HEADER false, QUOTE '')")
    con.close()
    return target


# ------------------------------------------------------------------------------ the pipeline


def pipeline(events, a: str = "CHN", b: str = "RUS"):
    """Two Ibis expressions over columns src, tgt, month, quad, goldstein: one dyad and all dyads."""
    dyad = events.filter(((events.src == a) & (events.tgt == b)) | ((events.src == b) & (events.tgt == a)))
    one = dyad.group_by(["month", "quad"]).aggregate(n=dyad.count(), goldstein=dyad.goldstein.mean())
    pairs = events.filter(events.src.notnull() & events.tgt.notnull() & (events.src != events.tgt))
    every = pairs.group_by(["src", "tgt", "month", "quad"]).aggregate(
        n=pairs.count(), goldstein=pairs.goldstein.mean())
    return one, every


def raw_events(con, path: Path, engine: str):
    names = column_names()
    if engine == "duckdb":
        cols = {n: TYPED.get(n, "VARCHAR") for n in names}
        t = con.read_csv(str(path), delim="\t", header=False, quote="", columns=cols)
    else:
        spark_types = {"INTEGER": "INT", "DOUBLE": "DOUBLE", "VARCHAR": "STRING"}
        schema = ", ".join(f"`{n}` {spark_types[TYPED.get(n, 'VARCHAR')]}" for n in names)
        t = con.read_csv(str(path), sep="\t", header=False, inferSchema=False, schema=schema, quote="")
    return t.select(src=t.Actor1CountryCode.nullif(""), tgt=t.Actor2CountryCode.nullif(""),
                    month=t.SQLDATE // 100, quad=t.QuadClass, goldstein=t.GoldsteinScale)


def store_events(store):
    t = store.table("events")
    return t.select(src=t.source_country, tgt=t.target_country, month=t.date.year() * 100 + t.date.month(),
                    quad=t.quad, goldstein=t.goldstein)


def run_pipeline(events) -> dict:
    one, every = pipeline(events)
    a = one.execute()
    b = every.execute()
    return {"dyad_rows": len(a), "dyad_events": int(a["n"].sum()), "pairs_rows": len(b),
            "pairs_events": int(b["n"].sum()), "goldstein_sum": round(float((b["n"] * b["goldstein"]).sum()), 3)}


# ------------------------------------------------------------------------ one measurement (child)


def jvm_peak_mb() -> float | None:
    from dyad import engine

    session = engine.spark_session()
    proc = getattr(session.sparkContext._gateway, "proc", None)
    if proc is None:
        return None
    for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def child(task: str, engine_name: str, path: Path, store_path: Path) -> dict:
    from dyad import engine
    from dyad.store import open_store

    out: dict = {"task": task, "engine": engine_name}
    if engine_name == "spark":
        t0 = time.perf_counter()
        engine.spark_backend()
        out["startup_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if task == "scan":
        con = engine.spark_backend() if engine_name == "spark" else __import__("ibis").duckdb.connect()
        out.update(run_pipeline(raw_events(con, path, engine_name)))
    elif task == "ingest":
        with open_store(store_path) as s:
            result = s.ingest("gdelt", path)
        out.update(rows_loaded=result.rows_loaded, rows_rejected=result.rows_rejected)
    elif task == "store":
        with open_store(store_path, read_only=True, engine_name=engine_name) as s:
            if engine_name == "spark":
                t1 = time.perf_counter()
                engine.export_parquet(s, "events")
                out["export_s"] = time.perf_counter() - t1
            out.update(run_pipeline(store_events(s)))
    out["seconds"] = time.perf_counter() - t0
    out["peak_mb"] = jvm_peak_mb() if engine_name == "spark" else \
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def measure(task: str, engine_name: str, path: Path, store_path: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), DYAD_ENGINE_CACHE=str(path.parent / "cache"))
    done = subprocess.run([sys.executable, __file__, "--child", task, engine_name, str(path), str(store_path)],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        return {"task": task, "engine": engine_name, "error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------- driver


def _sizes(name: str, default: str) -> list[int]:
    return [int(float(x)) for x in os.environ.get(name, default).split(",") if x.strip()]


def gdelt_registered() -> bool:
    from dyad import sources

    return any(a.name == "gdelt" for a in sources.all_adapters())


def main() -> None:
    sizes = _sizes("DYAD_BENCH_SIZES", "1000000,5000000,20000000")
    engines = os.environ.get("DYAD_BENCH_ENGINES", "duckdb,spark").split(",")
    spark_max = int(float(os.environ.get("DYAD_BENCH_SPARK_MAX", max(sizes))))
    ingest_max = int(float(os.environ.get("DYAD_BENCH_INGEST_MAX", 20_000_000)))
    ingest = gdelt_registered()
    if not ingest:
        print("no gdelt adapter registered: the ingest step is skipped (scan only)", file=sys.stderr)
    keep = os.environ.get("DYAD_BENCH_DIR")
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="dyad-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for rows in sizes:
            t0 = time.perf_counter()
            path = generate(rows, folder / f"gdelt_{rows}.export.CSV")
            print(f"{rows:,} rows: {path.stat().st_size / 1e9:.2f} GB in {time.perf_counter() - t0:.0f} s",
                  file=sys.stderr)
            store_path = folder / f"store_{rows}.duckdb"
            plan = [("scan", e) for e in engines if e == "duckdb" or rows <= spark_max]
            if ingest and rows <= ingest_max:
                plan += [("ingest", "duckdb")] + [("store", e) for e in engines if e == "duckdb" or rows <= spark_max]
            for task, eng in plan:
                r = measure(task, eng, path, store_path) | {"rows": rows}
                print(json.dumps(r), file=sys.stderr)
                results.append(r)
            path.unlink()
            for f in folder.glob(f"store_{rows}.duckdb*"):
                f.unlink()
            shutil.rmtree(folder / "cache", ignore_errors=True)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(table(results))


def _fmt(r: dict, k: str) -> str:
    return f"{r[k]:.1f}" if r.get(k) is not None else ""


def table(results: list[dict]) -> str:
    """Markdown: per size and task, DuckDB time and memory, Spark time and memory, Spark / DuckDB."""
    lines = ["| rows | step | DuckDB s | DuckDB peak MB | Spark s | Spark JVM peak MB | Spark / DuckDB |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    by = {(r["rows"], r["task"], r["engine"]): r for r in results}
    for rows, task in dict.fromkeys((r["rows"], r["task"]) for r in results):
        d, s = by.get((rows, task, "duckdb"), {}), by.get((rows, task, "spark"), {})
        if d.get("error") or s.get("error"):
            lines.append(f"| {rows:,} | {task} | error: {d.get('error') or s.get('error')} | | | | |")
            continue
        if s and d and task != "ingest":
            for k in ("dyad_events", "pairs_events", "pairs_rows"):
                if s[k] != d[k]:
                    raise SystemExit(f"{rows} {task}: engines disagree on {k}: {d[k]} vs {s[k]}")
        ratio = f"{s['seconds'] / d['seconds']:.1f}×" if s and d else ""
        lines.append(f"| {rows:,} | {task} | {_fmt(d, 'seconds')} | {_fmt(d, 'peak_mb')} | {_fmt(s, 'seconds')} | "
                     f"{_fmt(s, 'peak_mb')} | {ratio} |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3], Path(sys.argv[4]), Path(sys.argv[5]))))
    else:
        main()
