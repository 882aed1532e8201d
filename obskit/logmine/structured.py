"""The message of a structured log line: JSON objects and logfmt are mined by their message field.

`{"level":"error","msg":"payment declined","order":42}` is mined as `payment declined`; the level and the
other fields never enter the template. Which keys hold the message is conventions data
(`obskit/conventions/logs/message_fields.yaml`), overridable per run. A line without a message field is
mined as its other fields (`key=value`, metadata such as level and timestamps left out). Plain text lines
are mined as they are; a line that starts like JSON but does not parse is mined as text and reported.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from obskit.conventions.log_lines import MessageFields

_LOGFMT_PAIR = re.compile(r'\s*([^\s="]+)=("(?:[^"\\]|\\.)*"|[^\s"]*)')


@dataclass(frozen=True)
class LogLine:
    message: str
    structure: Literal["json", "logfmt", "text"]
    error: str | None = None  # why a line that looked structured was read as text


def extract(line: str, fields: MessageFields, nested: bool = True) -> LogLine:
    """The message of one log line (JSON object, logfmt or text).

    A message that is itself a JSON object (an application's JSON line wrapped by a container runtime's
    `{"log": "..."}`) is read once more.
    """
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            parsed = json.loads(stripped)
        except ValueError as exc:  # JSONDecodeError: mine the line as text, say why
            return LogLine(line, "text", f"invalid JSON ({exc.msg} at column {exc.colno})")
        if isinstance(parsed, dict):
            message = _message(parsed, fields)
            if nested and message.lstrip().startswith("{"):
                inner = extract(message, fields, nested=False)
                if inner.structure == "json":
                    return inner
            return LogLine(message, "json")
        return LogLine(line, "text")
    if "=" in stripped:
        pairs = _logfmt(stripped)
        if pairs is not None:
            return LogLine(_message(pairs, fields), "logfmt")
    return LogLine(line, "text")


def _logfmt(line: str) -> dict[str, Any] | None:
    """key=value pairs when the whole line is logfmt with at least two pairs, else None."""
    pairs: dict[str, Any] = {}
    pos = 0
    while pos < len(line):
        match = _LOGFMT_PAIR.match(line, pos)
        if match is None or match.end() == pos:
            return None
        key, value = match.group(1), match.group(2)
        if value.startswith('"'):
            try:
                value = json.loads(value)
            except ValueError:
                value = value[1:-1]
        pairs[key] = value
        pos = match.end()
        if pos < len(line) and not line[pos].isspace():
            return None
    return pairs if len(pairs) >= 2 else None


def _lookup(obj: dict[str, Any], key: str) -> Any:
    if key in obj:
        return obj[key]
    node: Any = obj
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return None  # null, objects and arrays are not a message


def _message(obj: dict[str, Any], fields: MessageFields) -> str:
    for key in fields.message:
        text = _text(_lookup(obj, key))
        if text is not None:
            return text
    parts = []
    for key, value in obj.items():
        if key in fields.metadata:
            continue
        rendered = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))
        parts.append(f"{key}={rendered}")
    return " ".join(parts)
