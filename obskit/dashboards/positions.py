"""Where each value of a JSON document is in its text: a parse that keeps positions.

``json.loads`` gives values without positions, so a finding used to be placed by searching the text for a
title or a value, which lands on the first line that merely contains it (a panel titled ``"Memory"`` on the
line of ``"Memory Basic"``). This pass walks the same text token by token (iteratively: depth is bounded by
``safejson``'s limits before it runs) and records, for every JSON path, the offset of its key (object
members) and of its value, so a finding about ``panels[3].id`` is placed on that very key.

Python dashboard sources have no JSON text: :func:`string_constants` lists their string literals from the
parsed syntax tree, so a needle is matched against whole literal values, never against raw text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from json.decoder import scanstring
from typing import Any

JsonPath = tuple[str | int, ...]
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")
_SPACE = re.compile(r"[ \t\n\r]*")


@dataclass(frozen=True)
class Spot:
    key: int | None  # offset of the member's key (its opening quote); None for list items and the root
    value: int  # offset of the value's first character


def json_positions(text: str) -> dict[JsonPath, Spot]:
    """Every JSON path of a valid JSON text -> where its key and value start (a later duplicate key wins,
    as it does in ``json.loads``)."""
    spots: dict[JsonPath, Spot] = {}
    # stack entries: [path of the container, is_object, next list index, pending key, key offset]
    stack: list[list[Any]] = []
    i = _SPACE.match(text, 1 if text.startswith("\ufeff") else 0).end()  # type: ignore[union-attr]
    expecting_key = False
    while i < len(text):
        ch = text[i]
        if ch in ",:" or ch in " \t\n\r":
            i = _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
            continue
        if ch in "]}":
            stack.pop()
            expecting_key = bool(stack) and stack[-1][1]
            i += 1
            continue
        if stack and stack[-1][1] and expecting_key:  # an object member's key
            key, end = scanstring(text, i + 1)
            stack[-1][3], stack[-1][4] = key, i
            expecting_key = False
            i = end
            continue
        # a value: where does it go?
        if not stack:
            path: JsonPath = ()
            spots[path] = Spot(None, i)
        elif stack[-1][1]:
            path = (*stack[-1][0], stack[-1][3])
            spots[path] = Spot(stack[-1][4], i)
        else:
            path = (*stack[-1][0], stack[-1][2])
            stack[-1][2] += 1
            spots[path] = Spot(None, i)
        if ch in "{[":
            stack.append([path, ch == "{", 0, None, None])
            expecting_key = ch == "{"
            i += 1
        elif ch == '"':
            i = scanstring(text, i + 1)[1]
        else:
            match = _SCALAR.match(text, i)
            i = match.end() if match else i + 1
        if stack and stack[-1][1]:
            expecting_key = True  # after a member's value comes the next key (or the closing brace)
    return spots


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def walk(value: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, Any]]:
    """(path, value) of a parsed document and everything in it, in document order."""
    stack: list[tuple[JsonPath, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        yield where, item
        if isinstance(item, dict):
            stack.extend(reversed([((*where, k), v) for k, v in item.items()]))
        elif isinstance(item, list):
            stack.extend(reversed([((*where, i), v) for i, v in enumerate(item)]))


@dataclass(frozen=True)
class Literal:
    line: int
    column: int
    value: str


def string_constants(source: str) -> list[Literal]:
    """The string literals of a Python source, in source order (empty if it does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    lines = source.splitlines()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and 0 < node.lineno <= len(lines):
            line = lines[node.lineno - 1]
            column = len(line.encode("utf-8")[: node.col_offset].decode("utf-8", "replace"))  # ast counts bytes
            if line[column:column + 1] in ("'", '"'):
                column += 1  # the text, after a plain quote
            found.append(Literal(node.lineno, column + 1, node.value))
    return sorted(found, key=lambda lit: (lit.line, lit.column))
