"""OTLP/JSON -> rows without building protobuf messages first (the import fast path for spans and logs).

protobuf's JSON parser is pure Python and dominates import time; this reads the OTLP/JSON shape
directly and produces exactly the rows `rows.py` produces from the decoded message (the tests compare
both paths). Anything unexpected raises PayloadError naming the field.
"""

from __future__ import annotations

from typing import Any

from obskit.local.attribute_json import dump as _dump
from obskit.local.otlp_codec import PayloadError
from obskit.local.rows import KINDS, LOG_COLUMNS, SPAN_COLUMNS, Batch, level_of

KIND_NAMES = {f"SPAN_KIND_{k.upper()}": i for i, k in enumerate(KINDS)}
SEVERITY_NAMES = {"SEVERITY_NUMBER_UNSPECIFIED": 0, "SEVERITY_NUMBER_TRACE": 1, "SEVERITY_NUMBER_DEBUG": 5,
                  "SEVERITY_NUMBER_INFO": 9, "SEVERITY_NUMBER_WARN": 13, "SEVERITY_NUMBER_ERROR": 17,
                  "SEVERITY_NUMBER_FATAL": 21}
STATUS_ERROR = (2, "STATUS_CODE_ERROR")


def json_any(value: Any) -> Any:
    if not isinstance(value, dict) or not value:
        return None
    key, v = next(iter(value.items()))
    if key == "stringValue":
        return str(v)
    if key == "intValue":
        return int(v)
    if key == "doubleValue":
        return float(v)
    if key == "boolValue":
        return bool(v)
    if key == "arrayValue":
        return [json_any(x) for x in (v or {}).get("values", [])]
    if key == "kvlistValue":
        return json_attributes((v or {}).get("values", []))
    if key == "bytesValue":
        import base64

        return base64.b64decode(v).hex()
    raise PayloadError(f"unknown AnyValue field {key!r}")


def json_attributes(kvs: Any) -> dict[str, Any]:
    if not kvs:
        return {}
    return {kv["key"]: json_any(kv.get("value")) for kv in kvs}


def _id(value: Any, size: int, field: str) -> str | None:
    if not value:
        return None
    if not isinstance(value, str):
        raise PayloadError(f"{field}: expected a hex string")
    text = value.lower()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise PayloadError(f"{field}: {value[:40]!r} is not a hex id") from None
    return text if len(raw) == size else None


def _enum(value: Any, names: dict[str, int]) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return names[value] if value in names else int(value)
    return 0


def _resource(node: dict[str, Any]) -> tuple[str, str]:
    attrs = json_attributes((node.get("resource") or {}).get("attributes"))
    return str(attrs.get("service.name") or "unknown_service"), _dump(attrs)


def json_span_rows(value: dict[str, Any]) -> Batch:
    cols: dict[str, list[Any]] = {c: [] for c in SPAN_COLUMNS}
    batch = Batch("spans", cols)
    try:
        for rs in value.get("resourceSpans") or []:
            service, resource = _resource(rs)
            for ss in rs.get("scopeSpans") or []:
                for span in ss.get("spans") or []:
                    trace_id = _id(span.get("traceId"), 16, "traceId")
                    span_id = _id(span.get("spanId"), 8, "spanId")
                    if trace_id is None or span_id is None or set(trace_id) == {"0"} or set(span_id) == {"0"}:
                        batch.reject("span: trace_id must be 16 bytes and span_id 8 bytes, not zero",
                                     example=f"span {span.get('name')!r}: trace_id must be 16 bytes and "
                                             "span_id 8 bytes")
                        continue
                    start, end = int(span.get("startTimeUnixNano") or 0), int(span.get("endTimeUnixNano") or 0)
                    kind = _enum(span.get("kind"), KIND_NAMES)
                    status = span.get("status") or {}
                    cols["trace_id"].append(trace_id)
                    cols["span_id"].append(span_id)
                    cols["parent_span_id"].append(_id(span.get("parentSpanId"), 8, "parentSpanId"))
                    cols["service"].append(service)
                    cols["name"].append(str(span.get("name", "")))
                    cols["kind"].append(KINDS[kind] if 0 <= kind < len(KINDS) else "unspecified")
                    cols["start_ns"].append(start)
                    cols["end_ns"].append(max(start, end))
                    cols["error"].append(status.get("code") in STATUS_ERROR)
                    cols["status_message"].append(str(status.get("message", "")))
                    cols["attributes"].append(_dump(json_attributes(span.get("attributes"))))
                    cols["resource"].append(resource)
    except PayloadError:
        raise
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise PayloadError(f"invalid OTLP/JSON traces record: {type(exc).__name__}: {exc}") from None
    return batch


def json_log_rows(value: dict[str, Any]) -> Batch:
    cols: dict[str, list[Any]] = {c: [] for c in LOG_COLUMNS}
    batch = Batch("logs", cols)
    try:
        for rl in value.get("resourceLogs") or []:
            service, resource = _resource(rl)
            for sl in rl.get("scopeLogs") or []:
                for rec in sl.get("logRecords") or []:
                    number = _enum(rec.get("severityNumber"), SEVERITY_NAMES)
                    body = json_any(rec.get("body"))
                    cols["ts_ns"].append(int(rec.get("timeUnixNano") or rec.get("observedTimeUnixNano") or 0))
                    cols["service"].append(service)
                    cols["severity_number"].append(number)
                    cols["level"].append(level_of(number, str(rec.get("severityText", ""))))
                    cols["body"].append(body if isinstance(body, str) else ("" if body is None else _dump(
                        body if isinstance(body, dict) else {"value": body})))
                    cols["trace_id"].append(_id(rec.get("traceId"), 16, "traceId"))
                    cols["span_id"].append(_id(rec.get("spanId"), 8, "spanId"))
                    cols["attributes"].append(_dump(json_attributes(rec.get("attributes"))))
                    cols["resource"].append(resource)
    except PayloadError:
        raise
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise PayloadError(f"invalid OTLP/JSON logs record: {type(exc).__name__}: {exc}") from None
    return batch


JSON_ROWS = {"traces": json_span_rows, "logs": json_log_rows}
