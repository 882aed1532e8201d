"""FSDK-compatible builders for JSON the SDK has no typed builder for.

``RawQuery`` carries a query target as plain JSON (the SDK has no Jaeger query type; imports keep
query types as they are). ``with_json`` adds JSON keys the SDK does not model (e.g. variables of an
imported dashboard) to what an FSDK builder builds, so the result encodes to the same dashboard.
"""

from __future__ import annotations

from typing import Any

from grafana_foundation_sdk.cog import builder as cogbuilder


class RawQuery(cogbuilder.Builder[dict]):
    """A query target given as plain JSON."""

    def __init__(self, target: dict[str, Any]) -> None:
        self._target = dict(target)

    def build(self) -> dict[str, Any]:
        return dict(self._target)


class _Extended:
    """An FSDK model plus extra JSON keys; attribute access goes to the model (the SDK lays out panels)."""

    def __init__(self, model: Any, extra: dict[str, Any]) -> None:
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "_extra", extra)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._model, name, value)

    def to_json(self) -> dict[str, Any]:
        return {**self._model.to_json(), **self._extra}


class _WithJson(cogbuilder.Builder[Any]):
    def __init__(self, builder: cogbuilder.Builder[Any], extra: dict[str, Any]) -> None:
        self._builder = builder
        self._extra = extra

    def build(self) -> Any:
        return _Extended(self._builder.build(), dict(self._extra))


def with_json(builder: cogbuilder.Builder[Any], extra: dict[str, Any]) -> cogbuilder.Builder[Any]:
    """The builder, with ``extra`` JSON keys set on what it builds (they win over the SDK's own)."""
    return _WithJson(builder, extra)
