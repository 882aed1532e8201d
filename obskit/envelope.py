"""The one JSON envelope every ``--format json`` output uses: ``schema_version`` first, then the payload's
own keys at the top level (sorted, indent 2, trailing newline), so consumers read ``verdict`` or
``problems`` where they always were and can check the version before anything else."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

SCHEMA_VERSION = "1"


def envelope(payload: Mapping[str, Any], version: str = SCHEMA_VERSION) -> dict[str, Any]:
    """``{"schema_version": version, **payload}``; a payload may not bring a version of its own."""
    if "schema_version" in payload and payload["schema_version"] != version:
        raise ValueError(f"payload carries schema_version {payload['schema_version']!r}, envelope {version!r}")
    return {"schema_version": version, **{k: v for k, v in payload.items() if k != "schema_version"}}


def dumps(payload: Mapping[str, Any], version: str = SCHEMA_VERSION) -> str:
    body = {k: v for k, v in envelope(payload, version).items() if k != "schema_version"}
    text = json.dumps(body, indent=2, sort_keys=True, default=str, ensure_ascii=False)
    head = json.dumps(version)
    if text == "{}":
        return f'{{\n  "schema_version": {head}\n}}\n'
    return f'{{\n  "schema_version": {head},{text[1:]}\n'
