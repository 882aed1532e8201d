"""Integer limits of the store's columns, checked before a batch is written.

OTLP carries timestamps as fixed64 (up to 2^64-1) and counts as uint64; the store keeps them as signed
64-bit integers (DuckDB BIGINT, Arrow int64), so a ``startTimeUnixNano`` of 2^63 or more cannot be
stored. Such a payload is refused as a whole with a message naming the OTLP field (HTTP 400 from the
receiver, ``file:line`` from ``local import``), instead of failing deep inside Arrow.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from obskit.local.otlp_codec import PayloadError

# store column -> the OTLP field it comes from, for messages
OTLP_FIELDS = {
    "start_ns": "startTimeUnixNano", "end_ns": "endTimeUnixNano", "ts_ns": "timeUnixNano",
    "severity_number": "severityNumber", "count": "count", "buckets": "bucketCounts",
}


def _bounds(kind: pa.DataType) -> tuple[int, int]:
    bits = kind.bit_width
    if pa.types.is_signed_integer(kind):
        return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    return 0, 2**bits - 1


def _values(column: list[Any], nested: bool) -> list[Any]:
    if nested:
        return [v for items in column if items for v in items if v is not None]
    return [v for v in column if v is not None]


def check_integer_ranges(table: str, columns: dict[str, list[Any]], schema: pa.Schema) -> None:
    """Raise PayloadError when a value does not fit its integer column."""
    for field in schema:
        kind = field.type
        nested = pa.types.is_list(kind)
        if nested:
            kind = kind.value_type
        if not pa.types.is_integer(kind) or field.name not in columns:
            continue
        values = _values(columns[field.name], nested)
        if not values:
            continue
        name = OTLP_FIELDS.get(field.name, field.name)
        wrong = next((v for v in values if type(v) is not int), None)  # a bool is not a number here
        if wrong is not None:
            raise PayloadError(f"{name}: expected an integer, got {type(wrong).__name__} {wrong!r}"[:200])
        low, high = _bounds(kind)
        smallest, largest = min(values), max(values)
        bad = largest if largest > high else smallest if smallest < low else None
        if bad is not None:
            raise PayloadError(f"{name}: {bad} is out of range for {table} (the store keeps {kind} values, "
                               f"{low} to {high})")
