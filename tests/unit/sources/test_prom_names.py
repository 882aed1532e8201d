"""OTLP metric names -> the Prometheus names naming profiles are written in."""

from __future__ import annotations

import pytest

from obskit.sources.prom_names import family, label_name, series_names


@pytest.mark.parametrize(("name", "unit", "kind", "expected"), [
    ("http.server.request.duration", "s", "histogram", "http_server_request_duration_seconds"),
    ("http.server.duration", "ms", "summary", "http_server_duration_milliseconds"),
    ("http_request_duration_seconds", "s", "summary", "http_request_duration_seconds"),  # suffix not doubled
    ("shop.requests", "{request}", "sum", "shop_requests"),  # annotations carry no unit
    ("k8s.pod.cpu.utilization", "1", "gauge", "k8s_pod_cpu_utilization_ratio"),
    ("net.io", "By/s", "gauge", "net_io_bytes_per_second"),
    ("http_requests_total", "", "sum", "http_requests"),
])
def test_family(name: str, unit: str, kind: str, expected: str) -> None:
    assert family(name, unit, kind) == expected


def test_series_of_each_type() -> None:
    assert series_names("http.server.request.duration", "s", "summary") == {
        "http.server.request.duration_count": "count", "http.server.request.duration_sum": "sum",
        "http.server.request.duration": "quantiles", "http_server_request_duration_seconds_count": "count",
        "http_server_request_duration_seconds_sum": "sum", "http_server_request_duration_seconds": "quantiles"}
    assert series_names("http_requests_total", "", "sum") == {"http_requests_total": "value",
                                                              "http_requests": "value"}
    hist = series_names("traces_service_graph_request_server", "s", "histogram")
    assert hist["traces_service_graph_request_server_seconds_bucket"] == "buckets"
    assert series_names("shop_requests", "", "gauge") == {"shop_requests": "value"}


def test_label_names() -> None:
    assert label_name("http.response.status_code") == "http_response_status_code"
    assert label_name("source_workload") == "source_workload"
    assert label_name("3xx.count") == "key3xx_count"
