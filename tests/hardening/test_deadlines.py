"""Reproductions 1 and 7 of issue 13: per-source deadlines start with that source's work, and an overall
deadline never waits for a stuck thread (investigate and doctor)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from obskit.config import JaegerConfig, PrometheusConfig
from obskit.deadlines import Deadline
from obskit.investigate.pipeline import Options, investigate
from obskit.sources import Sources
from obskit.sources.jaeger import JaegerTraces
from obskit.sources.prometheus import PrometheusMetrics
from obskit.sources.window import Window
from tests.hardening.misbehaving import misbehaving_server
from tests.replay import Request, Response, replay

EMPTY_MATRIX = {"status": "success", "data": {"resultType": "matrix", "result": []}}
EMPTY_VECTOR = {"status": "success", "data": {"resultType": "vector", "result": []}}


def _prometheus_api(request: Request) -> Response:
    """Prometheus HTTP API answers (docs: prometheus.io/docs/prometheus/latest/querying/api/), no data."""
    if request.path.endswith("/query_range"):
        return Response(body=EMPTY_MATRIX)
    if request.path.endswith("/series") or request.path.endswith("/values"):
        return Response(body={"status": "success", "data": []})
    return Response(body=EMPTY_VECTOR)


def test_hung_jaeger_does_not_eat_the_metrics_budget() -> None:
    with replay(_prometheus_api) as (prom_url, seen), misbehaving_server("hang") as jaeger_url:
        sources = Sources(metrics=PrometheusMetrics(PrometheusConfig(url=prom_url), timeout=5),
                          traces=JaegerTraces(JaegerConfig(url=jaeger_url, api="v3"), 5))
        now = time.time()
        window, baseline = Window(now - 600, now, 60), Window(now - 1200, now - 600, 60)
        start = time.monotonic()
        report = investigate(sources, "checkout", window, baseline, Options(source_timeout=3.0, overall_timeout=10))
        elapsed = time.monotonic() - start
    status = {s.signal: s for s in report.sources}
    assert status["traces"].checked is False and "no answer within 3 s" in status["traces"].reason
    assert status["metrics"].checked is True, status["metrics"].reason
    assert seen, "the metrics stage queried Prometheus"
    assert elapsed < 15  # a hang guard (overall deadline 10 s), not a performance figure


def test_deadline_budget_starts_when_the_job_starts() -> None:
    with Deadline(overall=5, per_job=0.5) as deadline:
        slow = deadline.submit("slow", time.sleep, 2)
        time.sleep(0.6)  # the caller is busy elsewhere; a job started now still has its full budget
        quick = deadline.submit("quick", lambda: "answer")
        assert deadline.wait(quick) == "answer"
        assert deadline.left(slow) == 0 and not slow.done()
    assert deadline.abandoned == ["slow"]


def test_doctor_returns_within_its_timeout_against_a_dripping_server(tmp_path: Path, repo_root: Path) -> None:
    with misbehaving_server("drip", interval=0.5) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")}
        env.update(OBSKIT_PROMETHEUS_URL=url, PYTHONPATH=str(repo_root))
        start = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "obskit", "doctor", "--timeout", "2"], cwd=tmp_path,
                                env=env, capture_output=True, text=True, timeout=60)
        elapsed = time.monotonic() - start
    assert result.returncode == 3, result.stdout + result.stderr
    assert "no complete answer within 2 s" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 12, f"doctor took {elapsed:.1f} s"
