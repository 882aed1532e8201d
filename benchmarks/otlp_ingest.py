"""OTLP ingest throughput of the local store: spans and log records per second, on one core.

Measures (1) the in-process ingest path (protobuf decode -> rows -> DuckDB transaction) and (2) the
same through the OTLP/HTTP receiver with one client, and reports peak RSS. Besides wall-clock rates it
prints records per CPU-second of this process (all its threads; over HTTP the client runs in another
process, so that is the receiver's CPU),
which a busy shared machine disturbs less, and the load average before and after. Run:

    .venv/bin/python benchmarks/otlp_ingest.py [--requests 200] [--per-request 1000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from obskit.local.otlp_codec import decode  # noqa: E402
from obskit.local.otlp_receiver import Receiver  # noqa: E402
from obskit.local.store import Store  # noqa: E402
from tests.otlp_payloads import logs_request, spans_request  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def payloads(kind: str, count: int, per_request: int) -> list[bytes]:
    out = []
    for i in range(count):
        start = 1_700_000_000_000_000_000 + i * 10**9
        if kind == "traces":
            out.append(spans_request(traces=per_request // 2, start_ns=start).SerializeToString())
        else:
            out.append(logs_request(records=per_request, start_ns=start).SerializeToString())
    return out


def in_process(kind: str, bodies: list[bytes], per_request: int) -> tuple[float, float]:
    """(records per wall second, records per CPU second)."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as store:
        t0, c0 = time.perf_counter(), time.process_time()
        for body in bodies:
            store.ingest(kind, decode(kind, body, "application/x-protobuf"))  # type: ignore[arg-type]
        records = len(bodies) * per_request
        return records / (time.perf_counter() - t0), records / (time.process_time() - c0)


_CLIENT_BODIES: list[bytes] = []


def _load_client(bodies: list[bytes]) -> None:
    _CLIENT_BODIES[:] = bodies


def _post_all(url: str) -> float:
    """In the client process: POST every body in turn; returns the wall time taken."""
    with httpx.Client() as client:
        t0 = time.perf_counter()
        for body in _CLIENT_BODIES:
            answer = client.post(url, content=body, headers={"Content-Type": "application/x-protobuf"})
            assert answer.status_code == 200, answer.text
        return time.perf_counter() - t0


def over_http(kind: str, bodies: list[bytes], per_request: int) -> tuple[float, float]:
    """The receiver in this process, one client in another: (records per wall second, records per CPU
    second of the receiver process)."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as store, \
            ProcessPoolExecutor(1) as client:
        client.submit(_load_client, bodies).result()
        server = Receiver(store, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            c0 = time.process_time()
            elapsed = client.submit(_post_all, f"{server.url}/v1/{kind}").result()
            cpu = time.process_time() - c0
        finally:
            server.shutdown()
            server.server_close()
        return len(bodies) * per_request / elapsed, len(bodies) * per_request / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--per-request", type=int, default=1000)
    args = parser.parse_args()
    print(f"cpu: {os.cpu_count()} cores visible; one ingest thread; {args.requests} requests x "
          f"{args.per_request} records; load average {load()}")
    for kind, unit in (("traces", "spans"), ("logs", "log records")):
        # built in a child process: the SDK objects behind them would otherwise dominate this process's RSS
        with ProcessPoolExecutor(1) as pool:
            bodies = pool.submit(payloads, kind, args.requests, args.per_request).result()
        if kind == "traces":
            print(f"RSS before ingest: {current_rss_mb():.0f} MiB")
        for label, run in (("in-process", in_process), ("OTLP/HTTP ", over_http)):
            wall, cpu = run(kind, bodies, args.per_request)
            print(f"{kind}: {label}  {wall:>10,.0f} {unit}/s  ({cpu:,.0f} per CPU-second)")
    print(f"peak RSS: {rss_mb():.0f} MiB; load average {load()}")


if __name__ == "__main__":
    main()
