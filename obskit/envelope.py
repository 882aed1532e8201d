"""The one JSON envelope every ``--format json`` output uses: ``schema_version`` first, then the payload's
own keys at the top level (sorted, indent 2, trailing newline), so consumers read ``verdict`` or
``problems`` where they always were and can check the version before anything else."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

SCHEMA_VERSION = "1"


def dumps(payload: Mapping[str, Any], version: str = SCHEMA_VERSION) -> str:
    """``{"schema_version": version, **payload}`` as text; a payload may carry ``schema_version`` only when
    it is the envelope's (it is written once, first)."""
    if "schema_version" in payload and payload["schema_version"] != version:
        raise ValueError(f"payload carries schema_version {payload['schema_version']!r}, envelope {version!r}")
    body = {k: v for k, v in payload.items() if k != "schema_version"}
    text = json.dumps(body, indent=2, sort_keys=True, default=str, ensure_ascii=False)
    head = json.dumps(version)
    if text == "{}":
        return f'{{\n  "schema_version": {head}\n}}\n'
    return f'{{\n  "schema_version": {head},{text[1:]}\n'
