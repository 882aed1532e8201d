"""Wall time and peak memory of `obskit investigate` on a large local store.

    python benchmarks/investigate_local.py [--db /tmp/obskit-bench.duckdb] [--runs 5] [--rebuild] [--scale 10]

Builds (once) a store with one hour of data from 20 services: 1,000,000 log records, ~200,000 spans (both
times --scale, same shape: more traffic, not more services),
delta request histograms every 15 s and CPU gauges, written through the store's own ingest path
(obskit.local.store.Store, Arrow batches). From minute 40, svc-09 (a leaf three hops below svc-00) gets
slow. The investigation covers the second half hour against the first (baseline auto), so every row is in
range. Each run opens the store afresh in a child process; prints p50/max wall and the child's peak RSS,
and whether svc-09 came out as suspect #1.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

SERVICES = [f"svc-{i:02d}" for i in range(20)]
HOUR = 3600.0
START = 1_763_712_000.0
FAULT = START + 2400.0
SLOW = "svc-09"
BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]
LOGS = 1_000_000


def children(i: int) -> list[int]:
    return [c for c in (2 * i + 1, 2 * i + 2) if c < len(SERVICES)]


def _latency(service: str, t: float, rng: random.Random) -> float:
    base = rng.uniform(0.004, 0.012)
    return base + (0.35 if service == SLOW and t >= FAULT else 0.0)


def build(db: Path, scale: int = 1) -> None:
    from obskit.local.rows import Batch
    from obskit.local.store import Store

    rng = random.Random(7)
    spans: dict[str, list] = {k: [] for k in ("trace_id", "span_id", "parent_span_id", "service", "name", "kind",
                                              "start_ns", "end_ns", "error", "status_message", "attributes",
                                              "resource")}
    trace_ids: list[str] = []
    n_spans = 0

    def span(tid: str, parent: str | None, service: str, name: str, kind: str, start: float, dur: float) -> str:
        nonlocal n_spans
        sid = f"{rng.getrandbits(64):016x}"
        for key, value in (("trace_id", tid), ("span_id", sid), ("parent_span_id", parent), ("service", service),
                           ("name", name), ("kind", kind), ("start_ns", int(start * 1e9)),
                           ("end_ns", int((start + dur) * 1e9)), ("error", False), ("status_message", ""),
                           ("attributes", "{}"), ("resource", json.dumps({"service.name": service}))):
            spans[key].append(value)
        n_spans += 1
        return sid

    def visit(tid: str, parent: str | None, i: int, start: float) -> float:
        service = SERVICES[i]
        own = _latency(service, start, rng)
        server = span(tid, parent, service, f"GET /{service}", "server", start, 0.0)
        index = len(spans["end_ns"]) - 1
        t = start + own / 2
        kids = children(i)
        if kids:
            c = rng.choice(kids)
            client = span(tid, server, service, f"call {SERVICES[c]}", "client", t, 0.0)
            cindex = len(spans["end_ns"]) - 1
            d = visit(tid, client, c, t + 0.0005) + 0.001
            spans["end_ns"][cindex] = int((t + d) * 1e9)
            t += d
        total = t - start + own / 2
        spans["end_ns"][index] = int((start + total) * 1e9)
        return total

    def flush_spans(store: object) -> None:
        store.ingest_batches([Batch("spans", dict(spans))])  # type: ignore[attr-defined]
        for values in spans.values():
            values.clear()

    with Store(db) as store:
        store.clear()
        for _ in range(scale):  # in chunks of ~200k spans: memory stays flat whatever the scale
            target = n_spans + 200_000
            while n_spans < target:
                tid = f"{rng.getrandbits(128):032x}"
                if len(trace_ids) < 50_000:
                    trace_ids.append(tid)
                visit(tid, None, 0, START + rng.uniform(0, HOUR))
            flush_spans(store)
            print(f"  spans {n_spans:,}", file=sys.stderr)

    metrics: dict[str, list] = {k: [] for k in ("ts_ns", "start_ns", "service", "pod", "name", "unit", "type",
                                                "temporality", "attributes", "value", "count", "sum", "bounds",
                                                "buckets", "quantiles")}

    def point(ts: float, service: str, name: str, typ: str, attrs: dict, value=None, count=None, total=None,
              buckets=None) -> None:
        for key, v in (("ts_ns", int(ts * 1e9)), ("start_ns", int((ts - 15) * 1e9)), ("service", service),
                       ("pod", f"{service}-0"), ("name", name), ("unit", "s"), ("type", typ),
                       ("temporality", "delta" if typ == "histogram" else ""), ("attributes", json.dumps(attrs)),
                       ("value", value), ("count", count), ("sum", total),
                       ("bounds", BOUNDS if typ == "histogram" else None), ("buckets", buckets), ("quantiles", None)):
            metrics[key].append(v)

    for service in SERVICES:
        t = START + 15
        while t <= START + HOUR:
            counts = [0] * (len(BOUNDS) + 1)
            for _ in range(60):
                v = _latency(service, t, rng)
                counts[next((k for k, b in enumerate(BOUNDS) if v <= b), len(BOUNDS))] += 1
            point(t, service, "http.server.request.duration", "histogram", {"http.response.status_code": 200},
                  count=sum(counts), total=0.0, buckets=counts)
            point(t, service, "k8s.container.cpu.throttling_ratio", "gauge", {}, value=rng.uniform(0, 0.02))
            t += 15

    templates = ["request {} handled in {} ms", "cache miss for key user:{} shard {}", "retrying call to {} attempt {}",
                 "slow query took {} ms rows={}", "connection reset by peer {} after {} bytes"]
    with Store(db) as store:
        store.ingest_batches([Batch("metric_points", metrics)])
        per_chunk = 100_000
        for chunk in range(LOGS * scale // per_chunk):
            logs: dict[str, list] = {k: [] for k in ("ts_ns", "service", "severity_number", "level", "body",
                                                     "trace_id", "span_id", "attributes", "resource")}
            for _ in range(per_chunk):
                r = rng.random()
                level, sev = ("error", 17) if r < 0.03 else ("warn", 13) if r < 0.10 else ("info", 9)
                service = rng.choice(SERVICES)
                for key, v in (("ts_ns", int((START + rng.uniform(0, HOUR)) * 1e9)), ("service", service),
                               ("severity_number", sev), ("level", level),
                               ("body", rng.choice(templates).format(rng.randrange(10**6), rng.randrange(1000))),
                               ("trace_id", rng.choice(trace_ids)), ("span_id", None), ("attributes", "{}"),
                               ("resource", "{}")):
                    logs[key].append(v)
            store.ingest_batches([Batch("logs", logs)])
            print(f"  logs {(chunk + 1) * per_chunk:,}", file=sys.stderr)
        store.checkpoint()
    print(f"built {db}: {n_spans:,} spans, {LOGS * scale:,} logs, {len(metrics['ts_ns']):,} metric points",
          file=sys.stderr)


def child(db: Path, runs: int) -> None:
    from obskit.investigate.pipeline import investigate
    from obskit.sources.local import local_sources
    from obskit.sources.window import Window

    window = Window(START + HOUR / 2, START + HOUR, 60)
    baseline = Window(START, START + HOUR / 2, 60)
    walls, top = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        report = investigate(local_sources(db), "svc-00", window, baseline)
        walls.append(time.perf_counter() - t0)
        top = (report.suspects[0].service, report.suspects[0].kind) if report.suspects else None
    print(json.dumps({"walls": walls, "top": top}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=None, help="store (default /tmp/obskit-bench-investigate[-xN].duckdb)")
    ap.add_argument("--scale", type=int, default=1, help="times the spans and logs (same services and shape)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.db is None:
        suffix = f"-x{args.scale}" if args.scale != 1 else ""
        args.db = Path(f"/tmp/obskit-bench-investigate{suffix}.duckdb")
    if args.child:
        child(args.db, args.runs)
        return
    if args.rebuild or not args.db.exists():
        t0 = time.perf_counter()
        build(args.db, args.scale)
        print(f"build: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    proc = subprocess.run([sys.executable, __file__, "--child", "--db", str(args.db), "--runs", str(args.runs)],
                          capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    walls = result["walls"]
    print(f"investigate svc-00 (20 services, 1h, {LOGS * args.scale:,} logs, ~{200 * args.scale}k spans), "
          f"{len(walls)} runs")
    print(f"wall p50 {statistics.median(walls):.2f} s, max {max(walls):.2f} s, first {walls[0]:.2f} s")
    print(f"peak RSS {rss_mb:.0f} MB")
    print(f"suspect #1: {result['top']} (injected: {SLOW}, latency)")


if __name__ == "__main__":
    main()
