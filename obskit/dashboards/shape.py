"""Dashboard shape: the fields obskit reads must have the types it reads them as (shape.schema.json).

The schema file is JSON Schema (type, properties, items and $ref only), checked by a small iterative walker.

A dashboard whose ``panels`` is ``[null, 3]`` or whose ``targets`` is a number is refused at load time
with the file, the line of the field and the JSON path (``panels[1]: 3 is not of type 'object'``),
instead of surprising a lint check or the emitter later.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("shape.schema.json")


_TYPES: dict[str, Any] = {
    "object": dict, "array": list, "string": str, "null": type(None),
    "integer": int, "number": (int, float),
}


@cache
def _schema() -> dict[str, Any]:
    return dict(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _is(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return kind == "boolean"
    return isinstance(value, _TYPES[kind])


def _first_problem(data: Any) -> tuple[list[Any], Any, Any] | None:
    """(path, value, expected types) of the first mismatch in document order; the subset of JSON Schema
    the shape file uses (type, properties, items, $ref), walked iteratively (a 20k-panel dashboard is
    one pass)."""
    root = _schema()
    defs = root.get("$defs", {})
    stack: list[tuple[list[Any], Any, dict[str, Any]]] = [([], data, root)]
    while stack:
        path, value, schema = stack.pop()
        while "$ref" in schema:
            schema = defs[schema["$ref"].rsplit("/", 1)[1]]
        kinds = schema.get("type")
        if kinds is not None:
            allowed = kinds if isinstance(kinds, list) else [kinds]
            if not any(_is(value, kind) for kind in allowed):
                return path, value, kinds
        children: list[tuple[list[Any], Any, dict[str, Any]]] = []
        if isinstance(value, dict):
            for key, sub in (schema.get("properties") or {}).items():
                if key in value:
                    children.append(([*path, key], value[key], sub))
        elif isinstance(value, list) and "items" in schema:
            children = [([*path, i], item, schema["items"]) for i, item in enumerate(value)]
        stack.extend(reversed(children))
    return None


def json_path(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "(the dashboard)"


def shape_problem(data: Any) -> tuple[list[Any], str] | None:
    """(path, message) of the first shape problem in document order, or None."""
    found = _first_problem(data)
    if found is None:
        return None
    path, value, expected = found
    shown = type(value).__name__ if isinstance(value, dict | list) else json.dumps(value)[:60]
    return path, f"{json_path(path)}: expected {_expected(expected)}, got {shown}"


def _expected(value: Any) -> str:
    names = {"object": "an object", "array": "a list", "string": "a string", "integer": "an integer",
             "number": "a number", "null": "null"}
    if isinstance(value, list):
        return " or ".join(names.get(v, v) for v in value if v != "null") or "null"
    return names.get(value, str(value))
