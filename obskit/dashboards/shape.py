"""Dashboard shape: the fields obskit reads must have the types it reads them as (shape.schema.json).

A dashboard whose ``panels`` is ``[null, 3]`` or whose ``targets`` is a number is refused at load time
with the file, the line of the field and the JSON path (``panels[1]: 3 is not of type 'object'``),
instead of surprising a lint check or the emitter later.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_FILE = Path(__file__).with_name("shape.schema.json")


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def json_path(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "(the dashboard)"


def line_of_path(text: str | None, path: list[Any]) -> tuple[int | None, int | None]:
    """Line and column of a key path in a JSON/Python source: each key searched after the previous one."""
    if not text:
        return None, None
    pos, found = 0, -1
    for part in path:
        if isinstance(part, int):
            continue
        for quoted in (json.dumps(str(part)), repr(str(part))):
            index = text.find(quoted, pos)
            if index >= 0:
                pos = found = index
                break
    if found < 0:
        return 1, 1
    line = text.count("\n", 0, found) + 1
    return line, found - (text.rfind("\n", 0, found) + 1) + 1


def shape_problem(data: Any) -> tuple[list[Any], str] | None:
    """(path, message) of the first shape problem in document order, or None."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return None
    error = errors[0]
    shown = json.dumps(error.instance)[:60] if not isinstance(error.instance, dict | list) else type(
        error.instance).__name__
    expected = error.validator_value if error.validator == "type" else error.message
    path = list(error.absolute_path)
    return path, f"{json_path(path)}: expected {_expected(expected)}, got {shown}"


def _expected(value: Any) -> str:
    names = {"object": "an object", "array": "a list", "string": "a string", "integer": "an integer",
             "number": "a number", "null": "null"}
    if isinstance(value, list):
        return " or ".join(names.get(v, v) for v in value if v != "null") or "null"
    return names.get(value, str(value))
