"""Log line conventions as data: masking vocabulary and the message fields of structured lines.

The YAML files live in `obskit/conventions/logs/`; adding a unit or a message key is editing data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from obskit.errors import InputError

HERE = Path(__file__).parent / "logs"


@dataclass(frozen=True)
class MaskingVocabulary:
    units: frozenset[str]
    calendar: frozenset[str]


def _read(name: str) -> dict[str, list[str]]:
    path = HERE / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read log conventions: {exc}") from None
    if not isinstance(data, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in data.values()
    ):
        raise InputError(f"{path}: expected a mapping of names to lists of strings")
    return data


@cache
def masking_vocabulary() -> MaskingVocabulary:
    data = _read("masking.yaml")
    return MaskingVocabulary(units=frozenset(data.get("units", [])), calendar=frozenset(data.get("calendar", [])))


@dataclass(frozen=True)
class MessageFields:
    message: tuple[str, ...]  # keys that hold the message, in the order they are tried
    metadata: frozenset[str]  # keys never part of a template


@cache
def message_fields() -> MessageFields:
    data = _read("message_fields.yaml")
    return MessageFields(message=tuple(data.get("message", [])), metadata=frozenset(data.get("metadata", [])))


@dataclass(frozen=True)
class TextIds:
    patterns: tuple[re.Pattern[str], ...]  # named groups `trace` and optionally `span`
    continuation: tuple[re.Pattern[str], ...]  # a line that continues the record before it
    continuation_seconds: float


@cache
def text_ids() -> TextIds:
    path = HERE / "trace_ids.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return TextIds(tuple(re.compile(p) for p in data["patterns"]),
                       tuple(re.compile(p) for p in data["continuation"]), float(data["continuation_seconds"]))
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, re.error) as exc:
        raise InputError(f"{path}: invalid trace id conventions: {exc}") from None


def ids_in_text(text: str) -> tuple[str | None, str | None]:
    """(trace id, span id) printed in a log line's text, lowercase hex, the trace id 32 characters long;
    (None, None) when no pattern matches. Only the first 400 characters are searched."""
    head = text[:400]
    if "," not in head and "trace" not in head.lower():
        return None, None  # every pattern names a trace id or lists ids between commas: most lines stop here
    for pattern in text_ids().patterns:
        m = pattern.search(head)
        if m is None:
            continue
        trace = m.group("trace").lower().rjust(32, "0")
        span = m.groupdict().get("span")
        if set(trace) == {"0"}:
            continue
        return trace, span.lower() if span else None
    return None, None


def continues(text: str) -> bool:
    """The line continues the record before it (a stack frame, a `Caused by:`, an indented wrap)."""
    return bool(text) and any(p.match(text) for p in text_ids().continuation)
