"""Property tests (hypothesis) for the decoders of untrusted input: the OTLP decode path, the safe JSON
loader and the safe YAML loader. Whatever the bytes, the outcome is a value or the module's own input
error -- never another exception. Example counts are kept modest (the machine is shared)."""

from __future__ import annotations

import json
import math
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obskit import safejson, safeyaml
from obskit.errors import InputError
from obskit.local.json_rows import JSON_ROWS
from obskit.local.otlp_codec import PayloadError, decode, from_json_value, sniff_json_line
from obskit.local.rows import ROWS

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=25)

# OTLP-shaped JSON: the right keys with arbitrary values underneath, so the decoders go deep
otlp_keys = st.sampled_from(["resourceSpans", "scopeSpans", "spans", "resource", "attributes", "key", "value",
                             "stringValue", "intValue", "arrayValue", "kvlistValue", "values", "traceId", "spanId",
                             "parentSpanId", "startTimeUnixNano", "endTimeUnixNano", "kind", "status", "code",
                             "name", "resourceLogs", "scopeLogs", "logRecords", "body", "timeUnixNano",
                             "severityNumber", "resourceMetrics", "scopeMetrics", "metrics", "gauge", "sum",
                             "dataPoints", "asDouble", "asInt", "histogram", "bucketCounts", "explicitBounds"])
otlp_values = st.recursive(
    scalars | st.sampled_from(["0102030405060708090a0b0c0d0e0f10", "0102030405060708", str(2**63), str(2**64)]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(otlp_keys, inner, max_size=5), max_leaves=30)


def _rows(signal: str, value: Any) -> None:
    """The import path for one JSON line: fast JSON rows when there are, else protobuf then rows."""
    if signal in JSON_ROWS:
        JSON_ROWS[signal](value).check_ranges()
    else:
        ROWS[signal](from_json_value(signal, value)).check_ranges()


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from(["traces", "logs", "metrics"]),
       st.sampled_from(["application/x-protobuf", "application/json"]))
def test_decode_arbitrary_bytes_is_a_message_or_a_payload_error(body: bytes, signal: str, content_type: str) -> None:
    try:
        message = decode(signal, body, content_type)  # type: ignore[arg-type]
    except PayloadError:
        return
    try:
        ROWS[signal](message).check_ranges()
    except PayloadError:
        pass


@SETTINGS
@given(st.sampled_from(["resourceSpans", "resourceLogs", "resourceMetrics"]), otlp_values)
def test_otlp_json_lines_decode_or_raise_payload_error(top: str, inner: Any) -> None:
    value = {top: inner}
    try:
        signal = sniff_json_line(value)
        _rows(signal, value)
    except PayloadError:
        pass


@SETTINGS
@given(st.text(max_size=200))
def test_safe_json_arbitrary_text(text: str) -> None:
    try:
        safejson.loads(text)
    except safejson.JsonInputError as exc:
        assert str(exc)


@SETTINGS
@given(json_values)
def test_safe_json_round_trips_documents_within_limits(value: Any) -> None:
    assert safejson.loads(json.dumps(value)) == value


@SETTINGS
@given(st.integers(min_value=1, max_value=400))
def test_safe_json_depth_limit_is_exact(depth: int) -> None:
    text = "[" * depth + "]" * depth
    try:
        safejson.loads(text)
        assert depth <= 128
    except safejson.JsonInputError as exc:
        assert depth > 128 and exc.lineno == 1 and exc.colno == 129


@SETTINGS
@given(st.text(max_size=200))
def test_safe_yaml_arbitrary_text(text: str) -> None:
    try:
        safeyaml.loads(text, "t.yaml")
    except InputError as exc:
        assert exc.message.startswith("t.yaml")


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=15), lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4), max_leaves=25)


@SETTINGS
@given(yaml_values)
def test_safe_yaml_round_trips_what_pyyaml_writes(value: Any) -> None:
    loaded = safeyaml.loads(yaml.safe_dump(value), "t.yaml")
    assert loaded == value or (isinstance(value, float) and math.isclose(loaded, value))


@SETTINGS
@given(st.integers(min_value=2, max_value=12), st.integers(min_value=2, max_value=12))
def test_safe_yaml_alias_expansion_is_bounded(width: int, levels: int) -> None:
    lines = ["a0: &a0 [" + ",".join(["x"] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    expanded = sum(width**i for i in range(1, levels + 1))
    try:
        safeyaml.loads("\n".join(lines) + "\n", "b.yaml")
        assert expanded <= safeyaml.default_limits().max_nodes
    except safeyaml.YamlLimitError:
        assert expanded > safeyaml.default_limits().max_nodes // 2
