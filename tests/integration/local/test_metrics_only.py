"""Metrics-only RED and service graph in the local store, from hand-written OTLP of every shape
(tests/metrics_only_data.py): Summary points, the Prometheus client's counter + summary, gauges with an
availability ratio through a user profile, servicegraph/Istio/Linkerd edges."""

from __future__ import annotations

from pathlib import Path

import pytest

from obskit.conventions import merged, metric_profiles
from obskit.local.importer import import_file
from obskit.local.store import Store
from obskit.sources.local import local_sources
from obskit.sources.window import Window
from tests import metrics_only_data as data

WINDOW = Window(data.START + 1800, data.END - 600, 60)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("metrics-only")
    source = folder / "metrics.jsonl"
    source.write_text("".join(data.otlp_lines()))
    db = folder / "store.duckdb"
    with Store(db) as s:
        result = import_file(s, source)
    assert result.rejected == 0 and result.stored > 0
    return db


def red(db: Path, service: str, batch: bool = False) -> dict[str, list[float]]:
    profiles = merged(metric_profiles(), [data.GAUGE_PROFILE])
    metrics = local_sources(db, profiles).metrics
    found = metrics.red_many([service], WINDOW)[service] if batch else metrics.red(service, WINDOW)
    return {s.name: [v for _, v in s.points] for s in found}


def steady(values: list[float], expected: float, rel: float = 0.01) -> bool:
    return len(values) >= 30 and all(v == pytest.approx(expected, rel=rel) for v in values)


@pytest.mark.parametrize("batch", [False, True])
def test_otlp_summary_periods_use_their_start_times(store: Path, batch: bool) -> None:
    # 600 requests per 5-minute point: 2 per second, not 600 / 60
    series = red(store, data.SUMMARY, batch)
    assert steady(series["request_rate"], data.RATE)
    assert steady(series["error_ratio"], data.RATIO)
    assert steady(series["latency_p50"], data.summary_quantile(0.5))  # not the failures' 1 s
    assert steady(series["latency_p99"], data.summary_quantile(0.99))
    assert steady(series["latency_mean"], data.MEAN)


def test_prometheus_client_counter_and_summary(store: Path) -> None:
    series = red(store, data.PROM_SUMMARY)
    assert steady(series["request_rate"], data.RATE)
    assert steady(series["error_ratio"], data.RATIO)
    assert steady(series["latency_p95"], data.QUANTILES[0.95])
    assert steady(series["latency_mean"], data.MEAN)


def test_gauges_and_availability_through_a_user_profile(store: Path) -> None:
    series = red(store, data.GAUGES)
    assert steady(series["request_rate"], data.RATE)
    assert steady(series["error_ratio"], data.RATIO)
    assert steady(series["latency_p99"], data.QUANTILES[0.99])
    assert steady(series["latency_mean"], data.MEAN)
    assert "latency_p95" not in series  # no gauge for it
    # without the profile the gauges mean nothing
    assert local_sources(store).metrics.red(data.GAUGES, WINDOW) == []


def test_error_ratio_carries_request_counts(store: Path) -> None:
    found = {s.name: s for s in local_sources(store).metrics.red(data.SUMMARY, WINDOW)}
    ratio = found["error_ratio"]
    assert len(ratio.counts) == len(ratio.points)
    assert all(n == round(data.RATE * WINDOW.step) for n in ratio.counts)
    assert found["error_ratio"].labels == {"profile": "otel-semconv"}


def test_istio_destination_workload_is_a_service(store: Path) -> None:
    rate, ratio = data.expected_istio_red()
    series = red(store, data.ISTIO_CALLEE)
    assert steady(series["request_rate"], rate)
    assert steady(series["error_ratio"], ratio)
    assert data.ISTIO_CALLEE in local_sources(store).metrics.service_names(WINDOW)


def test_dependencies_from_servicegraph_istio_and_linkerd(store: Path) -> None:
    edges = local_sources(store).metrics.dependencies(WINDOW)
    got = {(e.caller, e.callee): e for e in edges}
    assert sorted(got) == sorted((c, d) for c, d, *_ in data.EDGES)  # "unknown" callers are no edge
    for caller, callee, rate, failed, origin in data.EDGES:
        edge = got[(caller, callee)]
        assert edge.origin == origin
        assert edge.calls == pytest.approx(rate * WINDOW.seconds, rel=0.01)
        assert edge.errors == pytest.approx(rate * failed * WINDOW.seconds, rel=0.02)
    assert got[("frontend", "checkout")].latency == pytest.approx(data.EDGE_LATENCY)
    assert got[("checkout", data.ISTIO_CALLEE)].latency is None  # no duration series in the data


def test_no_graph_metrics_no_edges(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.duckdb"):
        pass
    assert local_sources(tmp_path / "empty.duckdb").metrics.dependencies(WINDOW) == []
