"""Opt-in checks against real backends: `pytest -m live` with OBSKIT_LIVE_ES_URL, OBSKIT_LIVE_JAEGER_URL,
OBSKIT_LIVE_KUBE_CONTEXT (and optionally OBSKIT_LIVE_SERVICE, OBSKIT_LIVE_ES_INDEX, OBSKIT_LIVE_NAMESPACE)."""

from __future__ import annotations

import os
import time

import pytest

from obskit.config import ElasticsearchConfig, JaegerConfig, KubernetesConfig
from obskit.sources.window import Window

pytestmark = pytest.mark.live
SERVICE = os.environ.get("OBSKIT_LIVE_SERVICE", "frontend")
WINDOW = Window(time.time() - 3600, time.time(), 60)


def need(var: str) -> str:
    value = os.environ.get(var)
    if not value:
        pytest.skip(f"{var} is not set")
    return value


def test_live_elasticsearch() -> None:
    from obskit.sources.elasticsearch import ElasticsearchLogs

    logs = ElasticsearchLogs(ElasticsearchConfig(urls=[need("OBSKIT_LIVE_ES_URL")],
                                                 index=os.environ.get("OBSKIT_LIVE_ES_INDEX", "logs-*")))
    product, major = logs.server()
    assert (product, major >= 8) in (("elasticsearch", True), ("opensearch", False), ("opensearch", True))
    counts = logs.counts(SERVICE, WINDOW)
    sample = logs.sample(SERVICE, WINDOW, limit=50)
    assert len(sample) <= 50 and all(c.count > 0 for c in counts)
    traced = [r.trace_id for r in sample if r.trace_id and r.level == "error"]
    lines = logs.error_lines(traced, WINDOW)  # lines of the traces asked for only, inside the window
    assert set(lines) <= set(traced) and all(svc and WINDOW.start <= ts < WINDOW.end
                                             for found in lines.values() for svc, ts in found)


def test_live_jaeger() -> None:
    from obskit.sources.jaeger import JaegerTraces

    traces = JaegerTraces(JaegerConfig(url=need("OBSKIT_LIVE_JAEGER_URL")))
    found = traces.find_traces(SERVICE, WINDOW, limit=5)
    assert traces.api() in ("v3", "legacy") and len(found) <= 5
    for trace in found:
        assert traces.get_trace(trace.trace_id) is not None


def test_live_kubernetes() -> None:
    from obskit.sources.kubernetes import KubernetesCluster

    cluster = KubernetesCluster(KubernetesConfig(context=need("OBSKIT_LIVE_KUBE_CONTEXT"),
                                                 namespace=os.environ.get("OBSKIT_LIVE_NAMESPACE", "default")))
    for pod in cluster.pods(SERVICE, None):
        assert pod.restarts >= 0
    cluster.events(SERVICE, None, WINDOW)
    cluster.rollouts(SERVICE, None, WINDOW)
