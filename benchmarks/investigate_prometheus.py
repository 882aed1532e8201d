"""Metrics stage of `obskit investigate` against a real Prometheus holding ~10,000 series.

    python benchmarks/investigate_prometheus.py [--runs 5]

Backfills (promtool, OpenMetrics) one hour at a 30 s step for 20 services in the prometheus-client
convention: http_requests_total and http_request_duration_seconds_bucket by instance (4), route (5) and
code (200/500), 12 buckets, plus cAdvisor/kube-state-metrics saturation series: ~10.6 k series. Starts
Prometheus on a free port, then times `obskit.investigate.metrics.analyze` over the 20 services (RED +
saturation, profile detection included on the first run) and prints p50/max wall and the HTTP calls one
run makes to Prometheus.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from obskit.config import PrometheusConfig  # noqa: E402
from obskit.conventions import saturation_profile  # noqa: E402
from obskit.investigate import metrics as metrics_stage  # noqa: E402
from obskit.sources.prometheus import PrometheusMetrics  # noqa: E402
from obskit.sources.window import Window  # noqa: E402
from tests import servers  # noqa: E402

STEP, POINTS = 30, 120
END = (int(time.time()) - 3 * 3600) // 60 * 60
START = END - POINTS * STEP
SERVICES = [f"svc-{i:02d}" for i in range(20)]
BOUNDS = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]


def counter(name: str, labels: dict[str, str], rate: float, out: list[str]) -> None:
    text = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    out += [f"{name}{{{text}}} {rate * i * STEP:g} {START + i * STEP}" for i in range(POINTS + 1)]


def openmetrics() -> tuple[str, int]:
    lines: list[str] = []
    series = 0
    req, bucket = ["# TYPE http_requests_total unknown"], ["# TYPE http_request_duration_seconds_bucket unknown"]
    for service in SERVICES:
        for inst in range(4):
            for route in range(5):
                for code, rate in (("200", 5.0), ("500", 0.05)):
                    base = {"job": service, "instance": f"{service}-{inst}:8080", "handler": f"/r{route}",
                            "code": code}
                    counter("http_requests_total", base, rate, req)
                    series += 1
                    for k, le in enumerate(BOUNDS):
                        counter("http_request_duration_seconds_bucket", {**base, "le": le},
                                rate * min(1.0, (k + 1) / 6), bucket)
                        series += 1
    lines += req + bucket
    p = saturation_profile()
    for name, kind in ((p.cpu_throttled_periods, "unknown"), (p.cpu_periods, "unknown"), (p.restarts, "unknown"),
                       (p.memory_working_set, "gauge"), (p.memory_limit, "gauge")):
        lines.append(f"# TYPE {name} {kind}")
        for service in SERVICES:
            for pod in range(4):
                labels = {p.pod_selector_label: service, "pod": f"{service}-{pod}", "namespace": "shop"}
                if name == p.memory_limit:
                    labels.update(p.memory_limit_matchers)
                value = {p.cpu_throttled_periods: 0.1, p.cpu_periods: 10.0, p.restarts: 0.0}.get(name)
                if value is None:
                    text = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
                    v = 5e8 if name == p.memory_working_set else 1e9
                    lines += [f"{name}{{{text}}} {v:g} {START + i * STEP}" for i in range(POINTS + 1)]
                else:
                    counter(name, labels, value, lines)
                series += 1
    return "\n".join(lines) + "\n# EOF\n", series


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    text, series = openmetrics()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, servers.prometheus(Path(tmp), openmetrics=text) as server:
        print(f"backfilled {series:,} series x {POINTS + 1} samples in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)
        window = Window(START + 1800, END, 60)
        baseline = Window(START, START + 1800, 60)
        walls = []
        calls: Counter[str] = Counter()
        lock = threading.Lock()

        def count(request: object) -> None:  # httpx request hook; the batch methods call from threads
            with lock:
                calls.update([request.url.path])  # type: ignore[attr-defined]
        for _ in range(args.runs):
            source = PrometheusMetrics(PrometheusConfig(url=server.url), [], timeout=10)
            calls.clear()
            source.client.event_hooks["request"].append(count)
            t1 = time.perf_counter()
            findings, charts = metrics_stage.analyze(source, SERVICES, window, baseline)
            walls.append(time.perf_counter() - t1)
        print(f"metrics stage, {len(SERVICES)} services, {series:,} series in Prometheus: "
              f"p50 {statistics.median(walls):.2f} s, max {max(walls):.2f} s ({args.runs} runs, fresh client each); "
              f"{len(charts)} chart series, {len(findings)} findings")
        print("HTTP calls per run: " + ", ".join(f"{path} {n}" for path, n in sorted(calls.items())))
        warm = []
        for _ in range(args.runs):  # profiles already detected: only the RED and saturation range queries
            t1 = time.perf_counter()
            metrics_stage.analyze(source, SERVICES, window, baseline)
            warm.append(time.perf_counter() - t1)
        print(f"same client (profiles cached): p50 {statistics.median(warm):.2f} s, max {max(warm):.2f} s")


if __name__ == "__main__":
    main()
