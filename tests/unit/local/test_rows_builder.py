"""The columnar row builders store exactly the rows the previous builders stored (reference_rows.py)."""

from __future__ import annotations

import math

import pytest
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, KeyValue, KeyValueList
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode, set_span_in_context

from obskit.local.attribute_json import attributes_json
from obskit.local.rows import LOG_COLUMNS, SPAN_COLUMNS, log_rows, span_rows
from tests.otlp_payloads import logs_request
from tests.unit.local import reference_rows

ODD_STRINGS = ["", "plain", 'quote " and \\ backslash', "line\nbreak\ttab\x01ctl", "ünïcødé ✓ 日本", "\u2028sep"]


def kv(key: str, **value: object) -> KeyValue:
    return KeyValue(key=key, value=AnyValue(**value))


# attribute lists that exercise every AnyValue kind and the dict semantics of the stored JSON
ODD_ATTRIBUTES = [
    [],
    [kv(f"k{i}", string_value=s) for i, s in enumerate(ODD_STRINGS)],
    [kv("i", int_value=-(2**63)), kv("j", int_value=2**63 - 1), kv("z", int_value=0)],
    [kv("b", bool_value=True), kv("f", bool_value=False)],
    [kv("d", double_value=x) for x in (0.1, -0.0, 1e-7, 1e300, math.inf)] + [kv("n", double_value=-math.inf)],
    [kv("nan", double_value=math.nan), kv("whole", double_value=3.0)],
    [kv("dup", string_value="first"), kv("x", int_value=1), kv("dup", int_value=2)],
    [kv("dup", int_value=1), kv("dup", int_value=1)],
    [kv("empty")],
    [kv("raw", bytes_value=b"\x00\xff")],
    [kv("arr", array_value=ArrayValue(values=[AnyValue(int_value=1), AnyValue(string_value="a")]))],
    [kv("map", kvlist_value=KeyValueList(values=[kv("inner", double_value=0.5), kv("u", string_value="é")]))],
    [kv("ünï \"key\"", string_value="v"), kv("\n", bool_value=True)],
]


def sdk_spans() -> ExportTraceServiceRequest:
    """Spans as the OpenTelemetry SDK exports them: two services, nested spans, typical attributes."""
    exporter = InMemorySpanExporter()
    for service in ("checkout", "payments"):
        provider = TracerProvider(resource=Resource.create({"service.name": service, "k8s.pod.name": "p-1",
                                                            "deployment.environment": "prod"}))
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        tracer = provider.get_tracer("realistic")
        for i in range(40):
            t0 = 1_700_000_000_000_000_000 + i * 1_000_000
            root = tracer.start_span(f"GET /cart/{i % 3}", kind=SpanKind.SERVER, start_time=t0, attributes={
                "http.request.method": "GET", "http.route": "/cart/{id}", "url.path": f"/cart/{i}?q=ä\"",
                "http.response.status_code": 500 if i % 7 == 0 else 200, "server.port": 8080,
                "net.sock.peer.addr": "10.0.0.7", "retry": i % 2 == 0, "load": i / 3,
                "tags": ["a", "b"], "codes": [1, 2, 3]})
            child = tracer.start_span("SELECT orders", context=set_span_in_context(root), kind=SpanKind.CLIENT,
                                      start_time=t0 + 10, attributes={"db.system": "postgresql",
                                                                      "db.statement": "SELECT * FROM t WHERE x='1'"})
            child.add_event("retry", {"attempt": 1})
            if i % 7 == 0:
                child.set_status(Status(StatusCode.ERROR, "timeout after 5s"))
            child.end(end_time=t0 + 5_000 + i)
            root.end(end_time=t0 + 9_000)
    return encode_spans(exporter.get_finished_spans())


def odd_spans(request: ExportTraceServiceRequest) -> ExportTraceServiceRequest:
    """Hand-made spans: every attribute shape, bad and odd ids, kinds out of range, end before start."""
    rs = request.resource_spans.add()
    rs.resource.attributes.extend([kv("service.name", string_value="odd"), kv("n", double_value=math.nan)])
    spans = rs.scope_spans.add().spans
    ids = [(bytes(range(1, 17)), bytes(range(1, 9)), b""), (b"\x01" * 16, b"\x02" * 8, b"\x03" * 7),
           (bytes(16), b"\x02" * 8, b""), (b"\x01" * 16, bytes(8), b""), (b"\x01" * 15, b"\x02" * 8, b""),
           (b"\x01" * 16, b"\x02" * 9, b"\x04" * 8)]
    for n, attrs in enumerate(ODD_ATTRIBUTES):
        trace_id, span_id, parent = ids[n % len(ids)]
        span = spans.add(trace_id=trace_id, span_id=span_id, parent_span_id=parent, name=ODD_STRINGS[n % 6],
                         kind=n - 2, start_time_unix_nano=1000 + n, end_time_unix_nano=1000 + 2 * n - 5)
        span.status.code = n % 3
        span.status.message = ODD_STRINGS[(n + 1) % 6]
        span.attributes.extend(attrs)
    request.resource_spans.add()  # a resource without service.name or spans
    return request


def odd_logs(request: ExportLogsServiceRequest) -> ExportLogsServiceRequest:
    rl = request.resource_logs.add()
    records = rl.scope_logs.add().log_records
    bodies = [AnyValue(string_value="ü"), AnyValue(), AnyValue(int_value=7),
              AnyValue(kvlist_value=KeyValueList(values=[kv("msg", string_value="x")])), AnyValue(double_value=0.5)]
    texts = ["", "WARNING", "crit", "debug", "whatever"]
    for n, attrs in enumerate(ODD_ATTRIBUTES):
        records.add(time_unix_nano=0 if n % 2 else 5 + n, observed_time_unix_nano=99, severity_number=(n * 5) % 30,
                    severity_text=texts[n % 5], body=bodies[n % 5], trace_id=b"\x07" * (16 if n % 3 else 15),
                    span_id=b"\x08" * (8 if n % 4 else 0), attributes=attrs)
    return request


def same(new: object, old: object, columns: tuple[str, ...]) -> None:
    assert list(new.columns) == list(old.columns) == list(columns)
    for name in columns:  # repr: also types (True vs 1) and float spellings must match
        assert repr(new.columns[name]) == repr(old.columns[name]), name
    assert (new.rejected, new.errors) == (old.rejected, old.errors)


def test_spans_match_the_previous_builder_on_a_realistic_payload() -> None:
    request = odd_spans(sdk_spans())
    new, old = span_rows(request), reference_rows.span_rows(request)
    assert new.size == 160 + 5 and new.rejected == 8
    same(new, old, SPAN_COLUMNS)


def test_logs_match_the_previous_builder() -> None:
    request = odd_logs(logs_request(records=50))
    new, old = log_rows(request), reference_rows.log_rows(request)
    assert new.size == 50 + len(ODD_ATTRIBUTES)
    same(new, old, LOG_COLUMNS)


def test_empty_requests_have_every_column() -> None:
    same(span_rows(ExportTraceServiceRequest()), reference_rows.span_rows(ExportTraceServiceRequest()), SPAN_COLUMNS)
    same(log_rows(ExportLogsServiceRequest()), reference_rows.log_rows(ExportLogsServiceRequest()), LOG_COLUMNS)


@pytest.mark.parametrize("attrs", ODD_ATTRIBUTES)
def test_attribute_json_is_the_dict_encoding(attrs: list[KeyValue]) -> None:
    assert attributes_json(attrs) == reference_rows._dump(reference_rows.attributes(attrs))
