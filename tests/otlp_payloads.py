"""OTLP requests for tests, built with the real OpenTelemetry SDK and its OTLP encoders."""

from __future__ import annotations

from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.metrics.v1.metrics_pb2 import Histogram, HistogramDataPoint, Metric, ResourceMetrics
from opentelemetry.proto.resource.v1.resource_pb2 import Resource as PbResource
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, set_span_in_context


def spans_request(service: str = "checkout", traces: int = 1, start_ns: int = 1_700_000_000_000_000_000):
    """`traces` traces of a server span with one client child, encoded as ExportTraceServiceRequest."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    for i in range(traces):
        t0 = start_ns + i * 1_000_000
        root = tracer.start_span("POST /checkout", kind=SpanKind.SERVER, start_time=t0,
                                 attributes={"http.route": "/checkout", "http.response.status_code": 200})
        child = tracer.start_span("POST /charge", context=set_span_in_context(root), kind=SpanKind.CLIENT,
                                  start_time=t0 + 1000, attributes={"peer.service": "payments"})
        child.end(end_time=t0 + 500_000)
        root.end(end_time=t0 + 900_000)
    return encode_spans(exporter.get_finished_spans())


def logs_request(service: str = "checkout", records: int = 3, start_ns: int = 1_700_000_000_000_000_000):
    exporter = InMemoryLogRecordExporter()
    provider = LoggerProvider(resource=Resource.create({"service.name": service}))
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = provider.get_logger("test")
    from opentelemetry._logs import SeverityNumber

    for i in range(records):
        logger.emit(timestamp=start_ns + i, severity_number=SeverityNumber.ERROR, severity_text="ERROR",
                    body=f"payment failed #{i}", attributes={"n": i})
    return encode_logs(exporter.get_finished_logs())


def histogram_request(service: str, points: list[tuple[int, int, dict[str, int], list[int]]],
                      bounds: list[float], temporality: int = 1, name: str = "http.server.request.duration"):
    """Histogram points (ts_ns, start_ns, attributes, bucket_counts) for one service, hand-built."""
    data = []
    for ts, start, attrs, counts in points:
        data.append(HistogramDataPoint(
            time_unix_nano=ts, start_time_unix_nano=start, count=sum(counts), explicit_bounds=bounds,
            bucket_counts=counts,
            attributes=[KeyValue(key=k, value=AnyValue(int_value=v)) for k, v in attrs.items()]))
    metric = Metric(name=name, unit="s", histogram=Histogram(data_points=data, aggregation_temporality=temporality))
    resource = PbResource(attributes=[KeyValue(key="service.name", value=AnyValue(string_value=service))])
    request = ExportMetricsServiceRequest()
    rm = ResourceMetrics(resource=resource)
    rm.scope_metrics.add().metrics.append(metric)
    request.resource_metrics.append(rm)
    return request


def otlp_json(message) -> str:
    """OTLP/JSON text of a request: protobuf's JSON mapping with ids as hex, as the spec requires."""
    import base64
    import json

    from google.protobuf import json_format

    def fix(node):
        if isinstance(node, dict):
            return {k: (base64.b64decode(v).hex() if k in ("traceId", "spanId", "parentSpanId") else fix(v))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [fix(v) for v in node]
        return node

    return json.dumps(fix(json_format.MessageToDict(message)), separators=(",", ":"))
