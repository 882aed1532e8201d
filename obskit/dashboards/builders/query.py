"""Small FSDK-compatible builders for what the SDK has no typed builder for (e.g. Jaeger queries)."""

from __future__ import annotations

from typing import Any

from grafana_foundation_sdk.cog import builder as cogbuilder


class RawQuery(cogbuilder.Builder[dict]):
    """A query target given as plain JSON (the SDK has no Jaeger query type, and imports keep unknown ones)."""

    def __init__(self, target: dict[str, Any]) -> None:
        self._target = dict(target)

    def build(self) -> dict[str, Any]:
        return dict(self._target)
