"""OTLP payload decoding: protobuf or JSON bytes (optionally gzip) -> the OTLP request message.

The JSON form follows the OTLP/JSON rules: lowerCamelCase keys, trace and span ids as hex strings
(not base64), enums as integers, 64-bit integers as strings, unknown fields ignored.
"""

from __future__ import annotations

import zlib
from base64 import b64encode
from typing import Any, Literal

from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from obskit import safejson

Signal = Literal["traces", "logs", "metrics"]

REQUESTS: dict[str, type[Message]] = {
    "traces": ExportTraceServiceRequest,
    "logs": ExportLogsServiceRequest,
    "metrics": ExportMetricsServiceRequest,
}
# the top-level JSON key of each signal (as the Collector's file exporter writes them)
JSON_KEYS = {"resourceSpans": "traces", "resourceLogs": "logs", "resourceMetrics": "metrics"}
_ID_KEYS = frozenset({"traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"})


class PayloadError(ValueError):
    """The payload is not a valid OTLP request; the message says why (sent back with HTTP 400)."""


def gunzip(body: bytes, limit: int) -> bytes:
    """Inflate a gzip body, refusing to grow past `limit` bytes (a zip bomb gets PayloadTooLarge)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise PayloadError(f"invalid gzip body: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise PayloadTooLarge(f"decompressed body exceeds {limit} bytes")
    if not inflater.eof:
        raise PayloadError("invalid gzip body: truncated")
    return out


class PayloadTooLarge(ValueError):
    """The (decompressed) body is over the size limit (HTTP 413)."""


def _hex_ids_to_base64(node: Any) -> Any:
    """OTLP/JSON carries ids as hex; protobuf's JSON mapping expects base64 for bytes fields."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in _ID_KEYS and isinstance(value, str):
                try:
                    raw = bytes.fromhex(value)
                except ValueError:
                    raise PayloadError(f"{key}: {value[:40]!r} is not a hex id") from None
                out[key] = b64encode(raw).decode("ascii")
            else:
                out[key] = _hex_ids_to_base64(value)
        return out
    if isinstance(node, list):
        return [_hex_ids_to_base64(item) for item in node]
    return node


def from_json_value(signal: Signal, value: Any) -> Message:
    message = REQUESTS[signal]()
    if not isinstance(value, dict):
        raise PayloadError(f"expected a JSON object, got {type(value).__name__}")
    try:
        json_format.ParseDict(_hex_ids_to_base64(value), message, ignore_unknown_fields=True)
    except json_format.ParseError as exc:
        raise PayloadError(f"invalid OTLP/JSON {signal} request: {exc}") from None
    return message


def decode(signal: Signal, body: bytes, content_type: str) -> Message:
    """Decode an uncompressed body; content_type is application/x-protobuf or application/json."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            value = safejson.loads(body)
        except ValueError as exc:
            raise PayloadError(str(exc)) from None
        return from_json_value(signal, value)
    if kind in ("application/x-protobuf", "application/protobuf"):
        message = REQUESTS[signal]()
        try:
            message.ParseFromString(body)
        except (DecodeError, RuntimeError, ValueError) as exc:
            raise PayloadError(f"invalid protobuf {signal} request: {exc}") from None
        return message
    raise PayloadError(f"unsupported Content-Type {content_type!r}; use application/x-protobuf or application/json")


def sniff_json_line(value: Any) -> Signal:
    """Which signal one Collector file-exporter JSON line carries."""
    if isinstance(value, dict):
        for key, signal in JSON_KEYS.items():
            if key in value:
                return signal  # type: ignore[return-value]
    raise PayloadError("not an OTLP JSON record: expected a resourceSpans, resourceLogs or resourceMetrics key")
