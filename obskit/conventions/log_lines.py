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


@cache
def message_fields() -> tuple[str, ...]:
    """Keys that hold the message of a JSON or logfmt line, in the order they are tried."""
    return tuple(_read("message_fields.yaml").get("message", []))
