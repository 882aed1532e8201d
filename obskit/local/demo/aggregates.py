"""Metrics-only telemetry of the demo (scenario shape "metrics-only"): no spans, no logs, no histograms.

Every PERIOD simulated seconds each service reports an OTLP Summary `http.server.request.duration` per
status code (count, sum and the 0.5/0.95/0.99 quantiles of the period, start time = the period's start),
and a collector reports the servicegraph connector's series per caller -> callee edge: delta sums
`traces_service_graph_request_total` / `_failed_total` (labels client, server, connection_type) and a delta
histogram `traces_service_graph_request_server` (seconds). Encoded as OTLP protobuf and stored through the
same ingest path as the receiver.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.metrics.v1.metrics_pb2 import AggregationTemporality

from obskit.local.rows import Batch, metric_rows

PERIOD = 300.0  # seconds each point covers
QUANTILES = (0.5, 0.95, 0.99)
EDGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
COLLECTOR = "otel-collector"


@dataclass
class _Period:
    durations: dict[tuple[str, int], list[float]] = field(default_factory=lambda: defaultdict(list))
    edges: dict[tuple[str, str, str], list[tuple[float, bool]]] = field(default_factory=lambda: defaultdict(list))


def _kv(key: str, value: str | int) -> KeyValue:
    any_value = AnyValue(int_value=value) if isinstance(value, int) else AnyValue(string_value=value)
    return KeyValue(key=key, value=any_value)


def _quantile(ordered: list[float], q: float) -> float:
    """The q-quantile of sorted values (nearest rank, as summaries of client libraries report)."""
    index = min(len(ordered) - 1, max(0, int(round(q * len(ordered) + 0.5)) - 1))
    return ordered[index]


class Aggregates:
    """Collects requests and calls of the current period; `flush()` encodes them as OTLP metrics."""

    def __init__(self, service_version: dict[str, str], namespace: str) -> None:
        self.versions = service_version
        self.namespace = namespace
        self.current = _Period()

    def request(self, service: str, status: int, duration: float) -> None:
        self.current.durations[(service, status)].append(duration)

    def call(self, caller: str, callee: str, duration: float, failed: bool, database: bool = False) -> None:
        kind = "database" if database else ""
        self.current.edges[(caller, callee, kind)].append((duration, failed))

    def flush(self, start_ns: int, end_ns: int) -> list[Batch]:
        """The period's points, stamped (start, end], and a fresh period."""
        period, self.current = self.current, _Period()
        request = ExportMetricsServiceRequest()
        by_service: dict[str, list[tuple[int, list[float]]]] = defaultdict(list)
        for (service, status), values in sorted(period.durations.items()):
            by_service[service].append((status, sorted(values)))
        for service, statuses in sorted(by_service.items()):
            rm = request.resource_metrics.add()
            rm.resource.attributes.extend([_kv("service.name", service), _kv("service.namespace", self.namespace),
                                           _kv("service.version", self.versions.get(service, ""))])
            metric = rm.scope_metrics.add().metrics.add()
            metric.name, metric.unit = "http.server.request.duration", "s"
            for status, values in statuses:
                point = metric.summary.data_points.add()
                point.start_time_unix_nano, point.time_unix_nano = start_ns, end_ns
                point.attributes.append(_kv("http.response.status_code", status))
                point.count, point.sum = len(values), sum(values)
                for q in QUANTILES:
                    point.quantile_values.add(quantile=q, value=_quantile(values, q))
        if period.edges:
            rm = request.resource_metrics.add()
            rm.resource.attributes.append(_kv("service.name", COLLECTOR))
            scope = rm.scope_metrics.add()
            total, failed, latency = scope.metrics.add(), scope.metrics.add(), scope.metrics.add()
            total.name, failed.name = "traces_service_graph_request_total", "traces_service_graph_request_failed_total"
            latency.name, latency.unit = "traces_service_graph_request_server", "s"
            for metric in (total, failed):
                metric.sum.aggregation_temporality = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                metric.sum.is_monotonic = True
            latency.histogram.aggregation_temporality = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
            for (caller, callee, kind), calls in sorted(period.edges.items()):
                labels = [_kv("client", caller), _kv("server", callee), _kv("connection_type", kind)]
                for metric, value in ((total, len(calls)), (failed, sum(1 for _, bad in calls if bad))):
                    point = metric.sum.data_points.add()
                    point.start_time_unix_nano, point.time_unix_nano = start_ns, end_ns
                    point.attributes.extend(labels)
                    point.as_double = float(value)
                point = latency.histogram.data_points.add()
                point.start_time_unix_nano, point.time_unix_nano = start_ns, end_ns
                point.attributes.extend(labels)
                durations = [d for d, _ in calls]
                point.count, point.sum = len(durations), sum(durations)
                point.explicit_bounds.extend(EDGE_BUCKETS)
                counts = [0] * (len(EDGE_BUCKETS) + 1)
                for d in durations:
                    counts[next((i for i, b in enumerate(EDGE_BUCKETS) if d <= b), len(EDGE_BUCKETS))] += 1
                point.bucket_counts.extend(counts)
        return [metric_rows(request)] if request.resource_metrics else []
