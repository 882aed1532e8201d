from __future__ import annotations

import gzip
import json

import pytest
from google.protobuf import json_format

from obskit.local.otlp_codec import PayloadError, PayloadTooLarge, decode, gunzip, sniff_json_line
from obskit.local.rows import level_of, metric_rows, span_rows
from tests.otlp_payloads import spans_request

TRACE = "5b8efff798038103d269b633813fc60c"
SPAN = "eee19b7ec3c1b174"


def otlp_json_spans(trace_id: str = TRACE, span_id: str = SPAN) -> dict:
    return {"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "cart"}}]},
        "scopeSpans": [{"scope": {"name": "x"}, "spans": [{
            "traceId": trace_id, "spanId": span_id, "name": "GET /cart", "kind": 2,
            "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000500000000",
            "attributes": [{"key": "http.response.status_code", "value": {"intValue": "503"}}],
            "status": {"code": 2, "message": "boom"}, "unknownField": 1}]}]}]}


def test_json_ids_are_hex_and_unknown_fields_ignored() -> None:
    request = decode("traces", json.dumps(otlp_json_spans()).encode(), "application/json")
    batch = span_rows(request)
    assert batch.columns["trace_id"] == [TRACE]
    assert batch.columns["span_id"] == [SPAN]
    assert batch.columns["error"] == [True]
    assert batch.columns["kind"] == ["server"]
    assert json.loads(batch.columns["attributes"][0]) == {"http.response.status_code": 503}


def test_protobuf_roundtrip_keeps_parent_links() -> None:
    request = spans_request(traces=1)
    batch = span_rows(decode("traces", request.SerializeToString(), "application/x-protobuf"))
    parents = dict(zip(batch.columns["name"], batch.columns["parent_span_id"], strict=True))
    ids = dict(zip(batch.columns["name"], batch.columns["span_id"], strict=True))
    assert parents["POST /checkout"] is None
    assert parents["POST /charge"] == ids["POST /checkout"]


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    (b"{not json", "application/json", "invalid JSON"),
    (b"[1, 2]", "application/json", "expected a JSON object"),
    (json.dumps(otlp_json_spans(trace_id="zz")).encode(), "application/json", "not a hex id"),
    (b"\xff\xff\xff\xff garbage", "application/x-protobuf", "invalid protobuf"),
    (b"{}", "text/plain", "unsupported Content-Type"),
])
def test_malformed_payloads_are_rejected_with_a_reason(body: bytes, content_type: str, expected: str) -> None:
    with pytest.raises(PayloadError, match=expected):
        decode("traces", body, content_type)


def test_bad_ids_are_rejected_per_span_not_per_request() -> None:
    good = otlp_json_spans()
    bad_span = dict(good["resourceSpans"][0]["scopeSpans"][0]["spans"][0], spanId="00ff")
    good["resourceSpans"][0]["scopeSpans"][0]["spans"].append(bad_span)
    batch = span_rows(decode("traces", json.dumps(good).encode(), "application/json"))
    assert batch.size == 1 and batch.rejected == 1
    assert "span_id 8 bytes" in batch.errors[0]


def test_gzip_bomb_is_too_large_and_garbage_gzip_is_malformed() -> None:
    bomb = gzip.compress(b"\0" * 2_000_000)
    with pytest.raises(PayloadTooLarge):
        gunzip(bomb, limit=1_000_000)
    assert gunzip(gzip.compress(b"abc"), limit=10) == b"abc"
    with pytest.raises(PayloadError):
        gunzip(b"\x1f\x8bnot really", limit=10)


def test_unsupported_metric_types_are_counted_as_rejected() -> None:
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest

    request = json_format.ParseDict({"resourceMetrics": [{"scopeMetrics": [{"metrics": [
        {"name": "e", "exponentialHistogram": {"dataPoints": [{"count": "1"}, {"count": "2"}]}},
        {"name": "q", "summary": {"dataPoints": [{"count": "2", "sum": 0.5, "timeUnixNano": "1",
                                                  "quantileValues": [{"quantile": 0.99, "value": 0.4}]}]}},
        {"name": "g", "gauge": {"dataPoints": [{"asDouble": 0.5, "timeUnixNano": "1"}, {"timeUnixNano": "2"}]}},
    ]}]}]}, ExportMetricsServiceRequest())
    batch = metric_rows(request)
    assert batch.size == 2 and batch.rejected == 3  # the summary and one gauge point are stored
    assert batch.reasons == {"exponential histogram metrics are not stored": 2, "gauge: point without a value": 1}
    assert "exponential histogram" in batch.errors[0]
    assert batch.columns["quantiles"] == [[0.4], None] and batch.columns["bounds"][0] == [0.99]


@pytest.mark.parametrize(("number", "text", "level"), [
    (17, "", "error"), (21, "", "error"), (13, "", "warn"), (9, "", "info"), (5, "", "debug"),
    (0, "WARNING", "warn"), (0, "fatal", "error"), (0, "", "info"),
])
def test_severity_maps_to_levels(number: int, text: str, level: str) -> None:
    assert level_of(number, text) == level


def test_sniff_json_line() -> None:
    assert sniff_json_line({"resourceLogs": []}) == "logs"
    with pytest.raises(PayloadError):
        sniff_json_line({"foo": 1})


def test_json_fast_path_gives_the_same_rows_as_the_protobuf_path() -> None:
    from obskit.local.json_rows import json_log_rows, json_span_rows
    from obskit.local.otlp_codec import from_json_value
    from obskit.local.rows import log_rows
    from tests.otlp_payloads import logs_request, otlp_json

    for request, fast, slow, signal in ((spans_request(traces=3), json_span_rows, span_rows, "traces"),
                                        (logs_request(records=4), json_log_rows, log_rows, "logs")):
        value = json.loads(otlp_json(request))
        direct = fast(value)
        via_protobuf = slow(from_json_value(signal, value))
        assert direct.size > 0
        assert direct.columns == via_protobuf.columns
    from obskit.local.json_rows import json_span_rows as fast_spans

    bad = otlp_json_spans()
    bad["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"] = [{"key": "k", "value": {"oops": 1}}]
    with pytest.raises(PayloadError, match="unknown AnyValue field 'oops'"):
        fast_spans(bad)
