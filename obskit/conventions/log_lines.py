"""Log line conventions as data: masking vocabulary and the message fields of structured lines.

The YAML files live in `obskit/conventions/logs/`; adding a unit or a message key is editing data.
"""

from __future__ import annotations

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
