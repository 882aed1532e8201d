"""OTLP request messages -> columnar rows for the DuckDB tables (one Batch per request).

Records that cannot be stored (bad ids, unsupported metric types) are counted as rejected with a
reason: the receiver answers them with OTLP partial success, and stores the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from google.protobuf.message import Message

KINDS = ("unspecified", "internal", "server", "client", "producer", "consumer")
TEMPORALITY = {0: "", 1: "delta", 2: "cumulative"}

SPAN_COLUMNS = ("trace_id", "span_id", "parent_span_id", "service", "name", "kind", "start_ns", "end_ns",
                "error", "status_message", "attributes", "resource")
LOG_COLUMNS = ("ts_ns", "service", "severity_number", "level", "body", "trace_id", "span_id", "attributes",
               "resource")
METRIC_COLUMNS = ("ts_ns", "start_ns", "service", "pod", "name", "unit", "type", "temporality", "attributes",
                  "value", "count", "sum", "bounds", "buckets")


@dataclass
class Batch:
    """Rows for one table, column-wise, plus what was rejected and why."""

    table: str
    columns: dict[str, list[Any]]
    rejected: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        first = next(iter(self.columns.values()))
        return len(first)

    def arrow(self) -> pa.Table:
        return pa.table(self.columns, schema=SCHEMAS[self.table])


SCHEMAS = {
    "spans": pa.schema([
        ("trace_id", pa.string()), ("span_id", pa.string()), ("parent_span_id", pa.string()),
        ("service", pa.string()), ("name", pa.string()), ("kind", pa.string()), ("start_ns", pa.int64()),
        ("end_ns", pa.int64()), ("error", pa.bool_()), ("status_message", pa.string()),
        ("attributes", pa.string()), ("resource", pa.string()),
    ]),
    "logs": pa.schema([
        ("ts_ns", pa.int64()), ("service", pa.string()), ("severity_number", pa.int32()), ("level", pa.string()),
        ("body", pa.string()), ("trace_id", pa.string()), ("span_id", pa.string()), ("attributes", pa.string()),
        ("resource", pa.string()),
    ]),
    "metric_points": pa.schema([
        ("ts_ns", pa.int64()), ("start_ns", pa.int64()), ("service", pa.string()), ("pod", pa.string()),
        ("name", pa.string()), ("unit", pa.string()), ("type", pa.string()), ("temporality", pa.string()),
        ("attributes", pa.string()), ("value", pa.float64()), ("count", pa.int64()), ("sum", pa.float64()),
        ("bounds", pa.list_(pa.float64())), ("buckets", pa.list_(pa.int64())),
    ]),
}


def any_value(value: Message) -> Any:
    which = value.WhichOneof("value")
    if which == "string_value":
        return value.string_value
    if which is None:
        return None
    if which == "array_value":
        return [any_value(v) for v in value.array_value.values]
    if which == "kvlist_value":
        return {kv.key: any_value(kv.value) for kv in value.kvlist_value.values}
    if which == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, which)


def attributes(kvs: Any) -> dict[str, Any]:
    return {kv.key: any_value(kv.value) for kv in kvs}


def _dump(attrs: dict[str, Any]) -> str:
    return _encode(attrs) if attrs else "{}"


_encode = json.JSONEncoder(separators=(",", ":"), default=str, ensure_ascii=False).encode


def level_of(severity_number: int, severity_text: str) -> str:
    """Normalised level: OTLP severity ranges 1-8 debug, 9-12 info, 13-16 warn, 17-24 error."""
    if severity_number >= 17:
        return "error"
    if severity_number >= 13:
        return "warn"
    if severity_number >= 9:
        return "info"
    if severity_number >= 1:
        return "debug"
    text = severity_text.strip().lower()
    if text in ("error", "fatal", "critical", "crit", "emerg", "alert", "err"):
        return "error"
    if text in ("warn", "warning"):
        return "warn"
    if text in ("debug", "trace"):
        return "debug"
    return "info"


def _resource(resource: Message) -> tuple[str, str, dict[str, Any]]:
    attrs = attributes(resource.attributes)
    return str(attrs.get("service.name") or "unknown_service"), _dump(attrs), attrs


def span_rows(request: Message) -> Batch:
    cols: dict[str, list[Any]] = {c: [] for c in SPAN_COLUMNS}
    batch = Batch("spans", cols)
    a_trace, a_span, a_parent = cols["trace_id"].append, cols["span_id"].append, cols["parent_span_id"].append
    a_service, a_name, a_kind = cols["service"].append, cols["name"].append, cols["kind"].append
    a_start, a_end, a_error = cols["start_ns"].append, cols["end_ns"].append, cols["error"].append
    a_msg, a_attrs, a_res = cols["status_message"].append, cols["attributes"].append, cols["resource"].append
    for rs in request.resource_spans:
        service, resource, _ = _resource(rs.resource)
        for ss in rs.scope_spans:
            for span in ss.spans:
                trace_id, span_id, parent = span.trace_id, span.span_id, span.parent_span_id
                if len(trace_id) != 16 or len(span_id) != 8 or trace_id == bytes(16) or span_id == bytes(8):
                    batch.rejected += 1
                    if len(batch.errors) < 3:
                        batch.errors.append(f"span {span.name!r}: trace_id must be 16 bytes and span_id 8 bytes")
                    continue
                a_trace(trace_id.hex())
                a_span(span_id.hex())
                a_parent(parent.hex() if len(parent) == 8 else None)
                a_service(service)
                a_name(span.name)
                a_kind(KINDS[span.kind] if 0 <= span.kind < len(KINDS) else "unspecified")
                a_start(span.start_time_unix_nano)
                a_end(max(span.end_time_unix_nano, span.start_time_unix_nano))
                a_error(span.status.code == 2)
                a_msg(span.status.message)
                a_attrs(_dump({kv.key: any_value(kv.value) for kv in span.attributes}))
                a_res(resource)
    return batch


def log_rows(request: Message) -> Batch:
    cols: dict[str, list[Any]] = {c: [] for c in LOG_COLUMNS}
    batch = Batch("logs", cols)
    for rl in request.resource_logs:
        service, resource, _ = _resource(rl.resource)
        for sl in rl.scope_logs:
            for rec in sl.log_records:
                body = any_value(rec.body)
                cols["ts_ns"].append(rec.time_unix_nano or rec.observed_time_unix_nano)
                cols["service"].append(service)
                cols["severity_number"].append(rec.severity_number)
                cols["level"].append(level_of(rec.severity_number, rec.severity_text))
                cols["body"].append(body if isinstance(body, str) else ("" if body is None else json.dumps(body)))
                cols["trace_id"].append(rec.trace_id.hex() if len(rec.trace_id) == 16 else None)
                cols["span_id"].append(rec.span_id.hex() if len(rec.span_id) == 8 else None)
                cols["attributes"].append(_dump(attributes(rec.attributes)))
                cols["resource"].append(resource)
    return batch


def metric_rows(request: Message) -> Batch:
    cols: dict[str, list[Any]] = {c: [] for c in METRIC_COLUMNS}
    batch = Batch("metric_points", cols)

    def add(point: Message, service: str, pod: str | None, metric: Message, kind: str, temporality: str) -> None:
        attrs = attributes(point.attributes)
        cols["ts_ns"].append(point.time_unix_nano)
        cols["start_ns"].append(point.start_time_unix_nano)
        cols["service"].append(service)
        cols["pod"].append(str(attrs.get("k8s.pod.name") or pod or "") or None)
        cols["name"].append(metric.name)
        cols["unit"].append(metric.unit)
        cols["type"].append(kind)
        cols["temporality"].append(temporality)
        cols["attributes"].append(_dump(attrs))
        if kind == "histogram":
            cols["value"].append(None)
            cols["count"].append(point.count)
            cols["sum"].append(point.sum if point.HasField("sum") else None)
            cols["bounds"].append(list(point.explicit_bounds))
            cols["buckets"].append(list(point.bucket_counts))
        else:
            which = point.WhichOneof("value")
            cols["value"].append(float(getattr(point, which)) if which else None)
            cols["count"].append(None)
            cols["sum"].append(None)
            cols["bounds"].append(None)
            cols["buckets"].append(None)

    for rm in request.resource_metrics:
        service, _, res_attrs = _resource(rm.resource)
        pod = res_attrs.get("k8s.pod.name")
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                which = metric.WhichOneof("data")
                if which == "gauge":
                    for p in metric.gauge.data_points:
                        add(p, service, pod, metric, "gauge", "")
                elif which == "sum":
                    temporality = TEMPORALITY.get(metric.sum.aggregation_temporality, "")
                    for p in metric.sum.data_points:
                        add(p, service, pod, metric, "sum", temporality)
                elif which == "histogram":
                    temporality = TEMPORALITY.get(metric.histogram.aggregation_temporality, "")
                    for p in metric.histogram.data_points:
                        if len(p.bucket_counts) and len(p.bucket_counts) != len(p.explicit_bounds) + 1:
                            batch.rejected += 1
                            batch.errors.append(f"{metric.name}: bucket_counts must be explicit_bounds + 1 long")
                            continue
                        add(p, service, pod, metric, "histogram", temporality)
                else:
                    points = getattr(metric, which).data_points if which else []
                    batch.rejected += len(points)
                    if len(batch.errors) < 3:
                        batch.errors.append(f"{metric.name}: {which or 'empty'} metrics are not stored")
    return batch


ROWS = {"traces": span_rows, "logs": log_rows, "metrics": metric_rows}
