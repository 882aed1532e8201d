"""The metrics-only shapes against a real Prometheus holding the same traffic as the local-store test
(tests/metrics_only_data.py, backfilled with promtool): summaries, the Prometheus client's counter + summary,
gauges + availability through a user profile, and the servicegraph/Istio/Linkerd edges."""

from __future__ import annotations

import promql_parser
import pytest

from obskit.config import PrometheusConfig, ServiceConfig
from obskit.conventions import merged, metric_profiles
from obskit.sources.prometheus import PrometheusMetrics
from obskit.sources.promql_shapes import graph_queries, shape_queries
from obskit.sources.window import Window
from tests import metrics_only_data as data

WINDOW = Window(data.START + 1800, data.END - 600, 60)


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory):
    from tests import servers

    with servers.prometheus(tmp_path_factory.mktemp("prom-metrics-only"), openmetrics=data.openmetrics()) as server:
        yield server.url


def source(url: str, services: list[ServiceConfig] | None = None) -> PrometheusMetrics:
    return PrometheusMetrics(PrometheusConfig(url=url), services,
                             profiles=merged(metric_profiles(), [data.GAUGE_PROFILE]))


def values(found: list) -> dict[str, list[float]]:
    return {s.name: [v for _, v in s.points] for s in found}


def steady(points: list[float], expected: float, rel: float = 0.02) -> bool:
    return len(points) >= 30 and all(v == pytest.approx(expected, rel=rel) for v in points)


@pytest.mark.parametrize("batch", [False, True])
def test_summary_of_the_otel_profile(prometheus: str, batch: bool) -> None:
    metrics = source(prometheus)
    found = metrics.red_many([data.SUMMARY], WINDOW)[data.SUMMARY] if batch else metrics.red(data.SUMMARY, WINDOW)
    series = values(found)
    assert steady(series["request_rate"], data.RATE)
    assert steady(series["error_ratio"], data.RATIO)
    assert steady(series["latency_p50"], data.summary_quantile(0.5))  # not the failures' 1 s
    assert steady(series["latency_p99"], data.summary_quantile(0.99))
    assert steady(series["latency_mean"], data.MEAN)
    assert {s.labels["profile"] for s in found} == {"otel-semconv"}


def test_batch_and_single_agree(prometheus: str) -> None:
    metrics = source(prometheus)
    many = metrics.red_many([data.SUMMARY, data.PROM_SUMMARY, data.GAUGES], WINDOW)
    for service in (data.SUMMARY, data.PROM_SUMMARY, data.GAUGES):
        single = source(prometheus).red(service, WINDOW)
        assert [(s.name, s.points, s.query) for s in many[service]] == [(s.name, s.points, s.query) for s in single]


def test_prometheus_client_counter_and_summary(prometheus: str) -> None:
    series = values(source(prometheus).red(data.PROM_SUMMARY, WINDOW))
    assert steady(series["request_rate"], data.RATE)
    assert steady(series["error_ratio"], data.RATIO)
    assert steady(series["latency_p95"], data.QUANTILES[0.95])
    assert steady(series["latency_mean"], data.MEAN)


def test_gauges_and_availability_through_a_user_profile(prometheus: str) -> None:
    found = source(prometheus).red(data.GAUGES, WINDOW)
    series = values(found)
    assert steady(series["request_rate"], data.RATE)
    assert steady(series["error_ratio"], data.RATIO)
    assert steady(series["latency_p99"], data.QUANTILES[0.99])
    assert steady(series["latency_mean"], data.MEAN)
    ratio = next(s for s in found if s.name == "error_ratio")
    assert ratio.counts == [round(data.RATE * WINDOW.step)] * len(ratio.points)
    # a service pinned to the profile in the services config finds it too; without it nothing is known
    pinned = PrometheusMetrics(PrometheusConfig(url=prometheus), [ServiceConfig(name=data.GAUGES,
                                                                                profile="shop-gauges")],
                               profiles=merged(metric_profiles(), [data.GAUGE_PROFILE]))
    assert values(pinned.red(data.GAUGES, WINDOW)) == series
    assert PrometheusMetrics(PrometheusConfig(url=prometheus)).red(data.GAUGES, WINDOW) == []


def test_istio_destination_workload_is_a_service(prometheus: str) -> None:
    rate, ratio = data.expected_istio_red()
    series = values(source(prometheus).red(data.ISTIO_CALLEE, WINDOW))
    assert steady(series["request_rate"], rate)
    assert steady(series["error_ratio"], ratio)


def test_dependencies_from_servicegraph_istio_and_linkerd(prometheus: str) -> None:
    edges = source(prometheus).dependencies(WINDOW)
    got = {(e.caller, e.callee): e for e in edges}
    assert sorted(got) == sorted((c, d) for c, d, *_ in data.EDGES)
    for caller, callee, rate, failed, origin in data.EDGES:
        edge = got[(caller, callee)]
        assert edge.origin == origin
        # increase() extrapolates to the range's edges: within a few percent of rate x window
        assert edge.calls == pytest.approx(rate * WINDOW.seconds, rel=0.03)
        assert edge.errors == pytest.approx(rate * failed * WINDOW.seconds, rel=0.05)
    assert got[("frontend", "checkout")].latency == pytest.approx(data.EDGE_LATENCY, rel=0.01)


ODD = 'we"ird\\name|.*'


def test_shape_and_graph_queries_are_escaped() -> None:
    """A service name or label value with quotes, backslashes and regex metacharacters stays a value."""
    profile = data.GAUGE_PROFILE
    for query in shape_queries(profile, {"service": ODD}, {}, "service", 60, ODD).values():
        promql_parser.parse(query)
        assert '"we\\"ird\\\\name|.*"' in query
    from obskit.conventions import graph_profiles

    for graph in graph_profiles().values():
        for query in graph_queries(graph, 3600).values():
            promql_parser.parse(query)
