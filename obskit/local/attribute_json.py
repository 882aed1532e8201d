"""OTLP attributes (repeated KeyValue) -> the compact JSON text stored in the `attributes` columns.

The stored text is what ``json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)`` makes of the
attributes as a dict (insertion order, a repeated key keeps its first position and its last value).
:func:`attributes_json` writes that same text directly for the common case (unique keys whose values
are strings, integers, booleans or doubles) without building a dict and without a JSONEncoder call
per record, which made up most of the per-span cost; anything else takes the dict path.
"""

from __future__ import annotations

import json
from typing import Any

from google.protobuf.message import Message

_encode = json.JSONEncoder(separators=(",", ":"), default=str, ensure_ascii=False).encode
# the string escaper the encoder above uses (C implementation when available)
_quote = json.encoder.encode_basestring  # type: ignore[attr-defined]
_INFINITY = float("inf")

# '"key":' for keys seen so far; bounded so that a client sending ever new keys cannot grow it
_PREFIXES: dict[str, str] = {}
_PREFIXES_MAX = 4096


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


def dump(attrs: dict[str, Any]) -> str:
    """Compact JSON of an attribute dict ("{}" when empty)."""
    return _encode(attrs) if attrs else "{}"


def _double(number: float) -> str:
    if number != number:
        return "NaN"
    if number == _INFINITY:
        return "Infinity"
    if number == -_INFINITY:
        return "-Infinity"
    return float.__repr__(number)


def _prefix(key: str) -> str:
    prefix = _quote(key) + ":"
    if len(_PREFIXES) < _PREFIXES_MAX:
        _PREFIXES[key] = prefix
    return prefix


def attributes_json(kvs: Any) -> str:
    """The same text as ``dump(attributes(kvs))``, written without the intermediate dict."""
    if not kvs:
        return "{}"
    parts = []
    keys = []
    prefixes = _PREFIXES
    for kv in kvs:
        key = kv.key
        keys.append(key)
        prefix = prefixes.get(key) or _prefix(key)
        value = kv.value
        which = value.WhichOneof("value")
        if which == "string_value":
            parts.append(prefix + _quote(value.string_value))
        elif which == "int_value":
            parts.append(prefix + int.__repr__(value.int_value))
        elif which == "bool_value":
            parts.append(prefix + ("true" if value.bool_value else "false"))
        elif which == "double_value":
            parts.append(prefix + _double(value.double_value))
        else:  # arrays, key-value lists, bytes and empty values
            return dump(attributes(kvs))
    if len(keys) == 1:
        return "{" + parts[0] + "}"
    if len(set(keys)) != len(keys):
        return dump(attributes(kvs))  # a repeated key: the dict keeps its first position, last value
    return "{" + ",".join(parts) + "}"
