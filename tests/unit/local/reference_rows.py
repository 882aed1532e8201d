"""The row builders as they were before the columnar rewrite (obskit 'main' at a74078c), kept verbatim
as the oracle that tests/unit/local/test_rows_builder.py compares the current builders against."""

from __future__ import annotations

import json
from typing import Any

from google.protobuf.message import Message

from obskit.local.rows import KINDS, LOG_COLUMNS, SPAN_COLUMNS, Batch, level_of


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


_encode = json.JSONEncoder(separators=(",", ":"), default=str, ensure_ascii=False).encode


def _dump(attrs: dict[str, Any]) -> str:
    return _encode(attrs) if attrs else "{}"


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

