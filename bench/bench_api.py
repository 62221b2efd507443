"""Bounded loopback load test of the dashboard API (``dyad serve``).

Starts the app with uvicorn on 127.0.0.1 (a free port, in this process), then sends N requests from C
concurrent clients over a mix of API calls (indicator series with and without time ranges, the
catalogue, sources, calendar, scorecard, and invalid ids that must get 4xx). Reports p50 / p99 latency
and throughput, with a single sequential client as the baseline in the same run; and, per class of
call, the p99 of indicator series against the p99 of the static catalogue (/api/indicators) in the same
run (goal: series p99 <= 3x catalogue p99 and < 100 ms). Before serving, ``--fill-cache`` computes the
indicators of the bench's dyads into the store's results cache (what ``dyad report`` leaves behind), so the
explorer's first load on a fresh server is measured reading the store's cache (goal: < 1 s), then again warm.

    python bench/bench_api.py                       # builds a temporary store from ../shared/data/unvotes
    python bench/bench_api.py --store my.duckdb --clients 20 --requests 2000
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
warnings.filterwarnings("ignore")      # library deprecation notices from worker threads would drown the result


def build_store(folder: Path) -> Path:
    from dyad.store import open_store

    path = folder / "bench_api.duckdb"
    with open_store(path) as store:
        store.ingest("unvotes", ROOT.parent / "shared" / "data" / "unvotes")
    return path


def fill_cache(store_path: Path, pairs) -> float:
    """Compute every indicator of ``pairs`` (both orders of directed ones) into the store's results cache."""
    from dyad import cache
    from dyad.indicators import all_indicators
    from dyad.store import open_store

    started = time.perf_counter()
    with open_store(store_path) as store:
        for a, b in pairs:
            for ind in all_indicators():
                for x, y in ([(a, b), (b, a)] if ind.directed else [(a, b)]):
                    try:
                        cache.compute(store, ind.id, x, y, ind.frequencies[0])
                    except Exception:  # noqa: BLE001 - an indicator without data for the pair is not cached
                        pass
    cache.clear_memory()
    return time.perf_counter() - started


def classify(path: str) -> str:
    if path.startswith("/api/dyads/") and "/indicators/" in path and "%20" not in path:
        return "series"
    if path == "/api/indicators":
        return "catalogue"
    return "other"


PAIRS = [("CHN", "RUS"), ("USA", "RUS"), ("CHN", "USA"), ("FRA", "DEU"), ("IND", "CHN")]


class _Process:
    """The server in its own process (so the bench's client threads do not share its interpreter lock)."""

    def __init__(self, proc):
        self.proc = proc
        self.should_exit = False

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def start_server_process(store: Path):
    import subprocess

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = ("import sys, warnings; warnings.filterwarnings('ignore'); import uvicorn; "
            "from dyad.web import create_app; "
            f"uvicorn.run(create_app({str(store)!r}), host='127.0.0.1', port={port}, log_level='error')")
    proc = subprocess.Popen([sys.executable, "-c", code], env={**__import__("os").environ,
                            "PYTHONPATH": str(ROOT / "src")}, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/api/indicators", timeout=5)
            break
        except httpx.TransportError:
            time.sleep(0.2)
    return _Process(proc), None, base


def start_server(store: Path):
    import uvicorn

    from dyad.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def request_mix(n: int, seed: int = 7) -> list[tuple[str, int]]:
    """(path, expected status) pairs: mostly indicator series, some catalogue and error cases."""
    from dyad.indicators import all_indicators

    ids = [i.id for i in all_indicators()]
    pairs = PAIRS
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        r = rng.random()
        a, b = rng.choice(pairs)
        if r < 0.55:
            start = rng.randint(1950, 2010)
            out.append((f"/api/dyads/{a}/{b}/indicators/{rng.choice(ids)}?start={start}&end={start + 9}", 200))
        elif r < 0.70:
            out.append((f"/api/dyads/{a}/{b}/indicators/{rng.choice(ids)}", 200))
        elif r < 0.80:
            out.append(("/api/indicators", 200))
        elif r < 0.85:
            out.append(("/api/sources", 200))
        elif r < 0.90:
            out.append((f"/api/calendar/{a}", 200))
        elif r < 0.95:
            out.append((f"/api/scorecard/{a}/{b}", 200))
        else:
            out.append((f"/api/dyads/{a}/{b}/indicators/x'%20OR%201=1", 400))
    return out


def run(base: str, mix: list[tuple[str, int]], clients: int) -> tuple[list[float], float, int]:
    import httpx

    latencies: list[float] = []
    by_class: dict[str, list[float]] = {}
    wrong = 0
    lock = threading.Lock()
    chunks = [mix[i::clients] for i in range(clients)]

    def worker(chunk):
        nonlocal wrong
        local, classes, bad = [], [], 0
        with httpx.Client(base_url=base, timeout=600) as client:
            for path, status in chunk:
                t = time.perf_counter()
                r = client.get(path)
                local.append(time.perf_counter() - t)
                classes.append(classify(path))
                bad += r.status_code != status
        with lock:
            latencies.extend(local)
            for c, x in zip(classes, local, strict=True):
                by_class.setdefault(c, []).append(x)
            wrong += bad

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, chunks))
    run.by_class = by_class
    return latencies, time.perf_counter() - started, wrong


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--in-process", action="store_true",
                        help="run the server in this process (default: its own process, as dyad serve does)")
    parser.add_argument("--fill-cache", action="store_true",
                        help="compute the bench dyads into the store's results cache before serving")
    args = parser.parse_args()
    import httpx

    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or build_store(Path(tmp))
        if args.fill_cache:
            print(f"filled the store's results cache for {len(PAIRS)} dyads in {fill_cache(store, PAIRS):.1f} s")
        server, thread, base = start_server(store) if args.in_process else start_server_process(store)
        try:
            loads = []
            for _ in range(3):
                t = time.perf_counter()
                status = httpx.get(base + "/dyads/CHN/RUS", timeout=600).status_code
                loads.append((time.perf_counter() - t, status))
            print("explorer /dyads/CHN/RUS on a fresh server: first load "
                  f"{loads[0][0]:.2f} s (status {loads[0][1]}), then {loads[1][0]:.2f} s and {loads[2][0]:.2f} s warm")
            mix = request_mix(args.requests)
            # Cold: every distinct call once (computes and caches each series); both timed runs are then warm.
            cold_lat, cold_wall, cold_bad = run(base, list(dict.fromkeys(mix)), 4)
            seq_lat, seq_wall, seq_bad = run(base, mix[:400], 1)
            lat, wall, bad = run(base, mix, args.clients)
        finally:
            if thread is None:
                server.stop()
            else:
                server.should_exit = True
                thread.join(10)
    print(f"cold (first time each of {len(cold_lat)} distinct calls, 4 clients): p50 {pct(cold_lat, 50) * 1e3:.1f} ms, "
          f"p99 {pct(cold_lat, 99) * 1e3:.1f} ms, max {max(cold_lat):.1f} s, {cold_wall:.0f} s in all, wrong status {cold_bad}")
    print(f"sequential baseline: {len(seq_lat)} requests, p50 {pct(seq_lat, 50) * 1e3:.1f} ms, "
          f"p99 {pct(seq_lat, 99) * 1e3:.1f} ms, {len(seq_lat) / seq_wall:.0f} req/s, wrong status {seq_bad}")
    print(f"{args.clients} clients: {len(lat)} requests, p50 {pct(lat, 50) * 1e3:.1f} ms, p99 {pct(lat, 99) * 1e3:.1f} ms, "
          f"{len(lat) / wall:.0f} req/s, wrong status {bad}")
    print(f"throughput ratio (concurrent / sequential): {(len(lat) / wall) / (len(seq_lat) / seq_wall):.2f}")
    classes = run.by_class
    series, catalogue = pct(classes["series"], 99), pct(classes["catalogue"], 99)
    for name, values in sorted(classes.items()):
        print(f"  {name}: {len(values)} requests, p50 {pct(values, 50) * 1e3:.1f} ms, p99 {pct(values, 99) * 1e3:.1f} ms")
    ratio = series / catalogue
    print(f"series p99 / catalogue p99 = {ratio:.2f} (goal <= 3); series p99 {series * 1e3:.1f} ms (goal < 100 ms): "
          f"{'met' if ratio <= 3 and series < 0.1 else 'NOT met'}")


if __name__ == "__main__":
    main()
