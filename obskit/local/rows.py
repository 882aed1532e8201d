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

from obskit.conventions.log_lines import continues, ids_in_text, text_ids
from obskit.local.attribute_json import any_value, attributes, attributes_json, dump
from obskit.local.int_ranges import check_integer_ranges

KINDS = ("unspecified", "internal", "server", "client", "producer", "consumer")
TEMPORALITY = {0: "", 1: "delta", 2: "cumulative"}
_KIND_OF = dict(enumerate(KINDS))
_ZERO_TRACE, _ZERO_SPAN = bytes(16), bytes(8)

SPAN_COLUMNS = ("trace_id", "span_id", "parent_span_id", "service", "name", "kind", "start_ns", "end_ns",
                "error", "status_message", "attributes", "resource")
LOG_COLUMNS = ("ts_ns", "service", "severity_number", "level", "body", "trace_id", "span_id", "attributes",
               "resource")
METRIC_COLUMNS = ("ts_ns", "start_ns", "service", "pod", "name", "unit", "type", "temporality", "attributes",
                  "value", "count", "sum", "bounds", "buckets", "quantiles")
MAX_ERRORS = 3  # example messages kept per batch (every rejection is counted by reason)


@dataclass
class Batch:
    """Rows for one table, column-wise, plus what was rejected and why."""

    table: str
    columns: dict[str, list[Any]]
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)  # why records were rejected -> how many

    def reject(self, reason: str, count: int = 1, example: str | None = None) -> None:
        """Count `count` records rejected for `reason` (a short, stable text; `example` names the record)."""
        if count <= 0:
            return
        self.rejected += count
        self.reasons[reason] = self.reasons.get(reason, 0) + count
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(example or reason)

    @property
    def size(self) -> int:
        first = next(iter(self.columns.values()))
        return len(first)

    def arrow(self) -> pa.Table:
        return pa.table(self.columns, schema=SCHEMAS[self.table])

    def check_ranges(self) -> None:
        """PayloadError naming the OTLP field when an integer does not fit the store's column."""
        check_integer_ranges(self.table, self.columns, SCHEMAS[self.table])


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
        ("bounds", pa.list_(pa.float64())), ("buckets", pa.list_(pa.int64())), ("quantiles", pa.list_(pa.float64())),
    ]),
}


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


_LEVEL_BY_NUMBER = {n: level_of(n, "") for n in range(1, 25)}


def _resource(resource: Message) -> tuple[str, str, dict[str, Any]]:
    attrs = attributes(resource.attributes)
    return str(attrs.get("service.name") or "unknown_service"), dump(attrs), attrs


def span_rows(request: Message) -> Batch:
    """Rows for the spans table, built column by column straight from the protobuf objects.

    The loop only collects raw fields; ids are hex-encoded per column afterwards, the resource's
    service and JSON are computed once per ResourceSpans, attributes are written as JSON directly.
    """
    batch = Batch("spans", {})
    trace_ids: list[bytes] = []
    span_ids: list[bytes] = []
    parents: list[bytes] = []
    services: list[str] = []
    names: list[str] = []
    kinds: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    errors: list[bool] = []
    messages: list[str] = []
    attrs: list[str] = []
    resources: list[str] = []
    kind_of = _KIND_OF.get
    for rs in request.resource_spans:
        service, resource, _ = _resource(rs.resource)
        before = len(names)
        for ss in rs.scope_spans:
            for span in ss.spans:
                trace_id, span_id = span.trace_id, span.span_id
                if len(trace_id) != 16 or len(span_id) != 8 or trace_id == _ZERO_TRACE or span_id == _ZERO_SPAN:
                    batch.reject("span: trace_id must be 16 bytes and span_id 8 bytes, not zero",
                                 example=f"span {span.name!r}: trace_id must be 16 bytes and span_id 8 bytes")
                    continue
                trace_ids.append(trace_id)
                span_ids.append(span_id)
                parents.append(span.parent_span_id)
                names.append(span.name)
                kinds.append(kind_of(span.kind, "unspecified"))
                start, end = span.start_time_unix_nano, span.end_time_unix_nano
                starts.append(start)
                ends.append(end if end > start else start)
                status = span.status
                errors.append(status.code == 2)
                messages.append(status.message)
                attrs.append(attributes_json(span.attributes))
        added = len(names) - before
        services.extend([service] * added)
        resources.extend([resource] * added)
    batch.columns = {
        "trace_id": list(map(bytes.hex, trace_ids)), "span_id": list(map(bytes.hex, span_ids)),
        "parent_span_id": [p.hex() if len(p) == 8 else None for p in parents], "service": services,
        "name": names, "kind": kinds, "start_ns": starts, "end_ns": ends, "error": errors,
        "status_message": messages, "attributes": attrs, "resource": resources,
    }
    return batch


def log_rows(request: Message) -> Batch:
    """Rows for the logs table, column by column (the same approach as :func:`span_rows`)."""
    batch = Batch("logs", {})
    stamps: list[int] = []
    services: list[str] = []
    numbers: list[int] = []
    levels: list[str] = []
    bodies: list[str] = []
    trace_ids: list[bytes] = []
    span_ids: list[bytes] = []
    attrs: list[str] = []
    resources: list[str] = []
    level_by_number = _LEVEL_BY_NUMBER
    window_ns = int(text_ids().continuation_seconds * 1e9)
    for rl in request.resource_logs:
        service, resource, _ = _resource(rl.resource)
        before = len(stamps)
        for sl in rl.scope_logs:
            for rec in sl.log_records:
                body = rec.body
                if body.WhichOneof("value") == "string_value":
                    text = body.string_value
                else:
                    value = any_value(body)
                    text = value if isinstance(value, str) else ("" if value is None else json.dumps(value))
                ts = rec.time_unix_nano or rec.observed_time_unix_nano
                # a stack frame or wrapped line shipped as a record of its own belongs to the record before it
                if len(stamps) > before and continues(text) and abs(ts - stamps[-1]) <= window_ns:
                    bodies[-1] += "\n" + text
                    continue
                stamps.append(ts)
                number = rec.severity_number
                numbers.append(number)
                levels.append(level_by_number[number] if 0 < number < 25 else level_of(number, rec.severity_text))
                bodies.append(text)
                trace, span = rec.trace_id, rec.span_id
                if len(trace) != 16:
                    printed, printed_span = ids_in_text(text)  # ids a logging pattern printed in the line
                    if printed:
                        trace = bytes.fromhex(printed)
                        span = bytes.fromhex(printed_span) if printed_span else span
                trace_ids.append(trace)
                span_ids.append(span)
                attrs.append(attributes_json(rec.attributes))
        added = len(stamps) - before
        services.extend([service] * added)
        resources.extend([resource] * added)
    batch.columns = {
        "ts_ns": stamps, "service": services, "severity_number": numbers, "level": levels, "body": bodies,
        "trace_id": [t.hex() if len(t) == 16 else None for t in trace_ids],
        "span_id": [s.hex() if len(s) == 8 else None for s in span_ids],
        "attributes": attrs, "resource": resources,
    }
    return batch


def metric_rows(request: Message) -> Batch:
    """Rows for metric_points: gauges and sums (`value`), histograms (`count`, `sum`, `bounds`, `buckets`) and
    summaries (`count`, `sum`, quantile levels in `bounds`, their values in `quantiles`). Exponential
    histograms and malformed points are rejected with a reason."""
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
        cols["attributes"].append(dump(attrs))
        if kind == "histogram":
            cols["value"].append(None)
            cols["count"].append(point.count)
            cols["sum"].append(point.sum if point.HasField("sum") else None)
            cols["bounds"].append(list(point.explicit_bounds))
            cols["buckets"].append(list(point.bucket_counts))
            cols["quantiles"].append(None)
        elif kind == "summary":
            ordered = sorted((q.quantile, q.value) for q in point.quantile_values)
            cols["value"].append(None)
            cols["count"].append(point.count)
            cols["sum"].append(point.sum)
            cols["bounds"].append([q for q, _ in ordered])
            cols["buckets"].append(None)
            cols["quantiles"].append([v for _, v in ordered])
        else:
            which = point.WhichOneof("value")
            cols["value"].append(float(getattr(point, which)) if which else None)
            cols["count"].append(None)
            cols["sum"].append(None)
            cols["bounds"].append(None)
            cols["buckets"].append(None)
            cols["quantiles"].append(None)

    for rm in request.resource_metrics:
        service, _, res_attrs = _resource(rm.resource)
        pod = res_attrs.get("k8s.pod.name")
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                which = metric.WhichOneof("data")
                if which in ("gauge", "sum"):
                    temporality = TEMPORALITY.get(metric.sum.aggregation_temporality, "") if which == "sum" else ""
                    for p in getattr(metric, which).data_points:
                        if p.WhichOneof("value") is None:
                            batch.reject(f"{which}: point without a value", example=f"{metric.name}: no value")
                            continue
                        add(p, service, pod, metric, which, temporality)
                elif which == "histogram":
                    temporality = TEMPORALITY.get(metric.histogram.aggregation_temporality, "")
                    for p in metric.histogram.data_points:
                        if len(p.bucket_counts) and len(p.bucket_counts) != len(p.explicit_bounds) + 1:
                            batch.reject("histogram: bucket_counts must be explicit_bounds + 1 long",
                                         example=f"{metric.name}: bucket_counts must be explicit_bounds + 1 long")
                            continue
                        add(p, service, pod, metric, "histogram", temporality)
                elif which == "summary":
                    for p in metric.summary.data_points:
                        if any(not 0.0 <= q.quantile <= 1.0 for q in p.quantile_values):
                            batch.reject("summary: quantile outside 0..1",
                                         example=f"{metric.name}: quantile outside 0..1")
                            continue
                        add(p, service, pod, metric, "summary", "")
                else:
                    points = getattr(metric, which).data_points if which else []
                    kind = {"exponential_histogram": "exponential histogram"}.get(which or "", which or "empty")
                    batch.reject(f"{kind} metrics are not stored", len(points),
                                 example=f"{metric.name}: {kind} metrics are not stored")
    return batch


ROWS = {"traces": span_rows, "logs": log_rows, "metrics": metric_rows}
