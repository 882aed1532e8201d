"""The one JSON loader for input obskit did not write: dashboards, OTLP/JSON bodies and lines.

Python's decoder recurses once per nesting level (a document nested a few thousand levels deep raises
RecursionError) and converts integers of any length (quadratic in the digits). Both are checked on the
raw text first, cheaply, with limits from ``limits.yaml``; problems raise :class:`JsonInputError` (a
ValueError) whose message says where (``line N column M``) and what was expected.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from obskit.limits import limit

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')  # unrolled: no per-character alternation
_BRACKETS = re.compile(r"[\[\]{}]")
_LONG_INT = r"(?<![\w.])-?\d{%d,}"

_DELTA = {"[": 1, "{": 1, "]": -1, "}": -1}


class JsonInputError(ValueError):
    """A JSON text that is malformed or over a limit; ``str()`` is the message for people."""

    def __init__(self, message: str, lineno: int | None = None, colno: int | None = None) -> None:
        where = f" at line {lineno} column {colno}" if lineno is not None else ""
        super().__init__(message + where)
        self.msg = message  # without the position (callers that report file:line:column use this)
        self.lineno = lineno
        self.colno = colno


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def check_limits(text: str, max_depth: int | None = None, max_int_digits: int | None = None) -> None:
    """Depth and integer-length limits on a JSON text, before it is decoded."""
    max_depth = limit("json", "max_depth") if max_depth is None else max_depth
    max_int_digits = limit("json", "max_int_digits") if max_int_digits is None else max_int_digits
    if "[" not in text and "{" not in text and len(text) <= max_int_digits:
        return
    # fast pass, C-speed string operations only: drop escaped backslashes and quotes, then every other
    # piece between quotes is outside a string (brackets and digits inside strings do not count)
    outside = "".join(text.replace("\\\\", "").replace('\\"', "").split('"')[::2]) if '"' in text else text
    brackets = _BRACKETS.findall(outside)
    too_deep = bool(brackets) and max(accumulate(map(_DELTA.__getitem__, brackets))) > max_depth
    run = max_int_digits + 1
    long_int = re.search(rf"\d{{{run},}}", outside) is not None and re.search(
        _LONG_INT % run, _STRING.sub('""', text)) is not None
    if not too_deep and not long_int:
        return
    # a problem: redo with same-length blanks so that offsets point into the original text
    bare = _STRING.sub(lambda m: '"' + " " * (len(m.group(0)) - 2) + '"', text)
    if too_deep:
        depth = 0
        for match in _BRACKETS.finditer(bare):
            depth += _DELTA[match.group(0)]
            if depth > max_depth:
                line, col = _position(text, match.start())
                raise JsonInputError(f"nested more than {max_depth} levels deep; expected a flatter document",
                                     line, col)
    long_int = re.search(_LONG_INT % (max_int_digits + 1), bare)
    if long_int:
        line, col = _position(text, long_int.start())
        raise JsonInputError(f"a number of more than {max_int_digits} digits", line, col)


def loads(text: str | bytes) -> Any:
    """Decode JSON with the limits applied; JsonInputError (a ValueError) on any problem."""
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonInputError(f"not UTF-8 text (byte {exc.start})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    check_limits(text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonInputError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except (ValueError, RecursionError) as exc:  # int digit limit, or recursion despite the depth check
        raise JsonInputError(f"invalid JSON: {exc}") from None
