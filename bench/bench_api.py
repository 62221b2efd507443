"""Bounded loopback load test of the dashboard API (``dyad serve``).

Starts the app with uvicorn on 127.0.0.1 (a free port, in this process), then sends N requests from C
concurrent clients over a mix of API calls (indicator series with and without time ranges, the
catalogue, sources, calendar, scorecard, and invalid ids that must get 4xx). Reports p50 / p99 latency
and throughput, with a single sequential client as the baseline in the same run.

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
    pairs = [("CHN", "RUS"), ("USA", "RUS"), ("CHN", "USA"), ("FRA", "DEU"), ("IND", "CHN")]
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
    wrong = 0
    lock = threading.Lock()
    chunks = [mix[i::clients] for i in range(clients)]

    def worker(chunk):
        nonlocal wrong
        local, bad = [], 0
        with httpx.Client(base_url=base, timeout=600) as client:
            for path, status in chunk:
                t = time.perf_counter()
                r = client.get(path)
                local.append(time.perf_counter() - t)
                bad += r.status_code != status
        with lock:
            latencies.extend(local)
            wrong += bad

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, chunks))
    return latencies, time.perf_counter() - started, wrong


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or build_store(Path(tmp))
        server, thread, base = start_server(store)
        try:
            mix = request_mix(args.requests)
            # Cold: every distinct call once (computes and caches each series); both timed runs are then warm.
            cold_lat, cold_wall, cold_bad = run(base, list(dict.fromkeys(mix)), 4)
            seq_lat, seq_wall, seq_bad = run(base, mix[:400], 1)
            lat, wall, bad = run(base, mix, args.clients)
        finally:
            server.should_exit = True
            thread.join(10)
    print(f"cold (first time each of {len(cold_lat)} distinct calls, 4 clients): p50 {pct(cold_lat, 50) * 1e3:.1f} ms, "
          f"p99 {pct(cold_lat, 99) * 1e3:.1f} ms, max {max(cold_lat):.1f} s, {cold_wall:.0f} s in all, wrong status {cold_bad}")
    print(f"sequential baseline: {len(seq_lat)} requests, p50 {pct(seq_lat, 50) * 1e3:.1f} ms, "
          f"p99 {pct(seq_lat, 99) * 1e3:.1f} ms, {len(seq_lat) / seq_wall:.0f} req/s, wrong status {seq_bad}")
    print(f"{args.clients} clients: {len(lat)} requests, p50 {pct(lat, 50) * 1e3:.1f} ms, p99 {pct(lat, 99) * 1e3:.1f} ms, "
          f"{len(lat) / wall:.0f} req/s, wrong status {bad}")
    print(f"throughput ratio (concurrent / sequential): {(len(lat) / wall) / (len(seq_lat) / seq_wall):.2f}")


if __name__ == "__main__":
    main()
