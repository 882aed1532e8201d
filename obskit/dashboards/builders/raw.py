"""FSDK-compatible builders for JSON the SDK has no typed builder for.

``RawQuery`` carries a query target as plain JSON (the SDK has no Jaeger query type; imports keep
query types as they are). ``with_json`` adds JSON keys the SDK does not model (e.g. variables of an
imported dashboard) to what an FSDK builder builds, and ``without`` takes out keys the builder writes
by default that the dashboard did not have (``transparent``, ``repeatDirection``), so the result encodes
to exactly the same dashboard.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
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

    def __init__(self, model: Any, extra: dict[str, Any], without: frozenset[str] = frozenset()) -> None:
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "_extra", extra)
        object.__setattr__(self, "_without", without)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._model, name, value)

    def to_json(self) -> dict[str, Any]:
        built = {k: v for k, v in self._model.to_json().items() if k not in self._without}
        return {**built, **self._extra}


class _WithJson(cogbuilder.Builder[Any]):
    def __init__(self, builder: cogbuilder.Builder[Any], extra: dict[str, Any], without: frozenset[str]) -> None:
        self._builder = builder
        self._extra = extra
        self._without = without

    def build(self) -> Any:
        return _Extended(self._builder.build(), deepcopy(self._extra), self._without)


def with_json(builder: cogbuilder.Builder[Any], extra: dict[str, Any] | None = None, *,
              without: Iterable[str] = ()) -> cogbuilder.Builder[Any]:
    """The builder, with ``extra`` JSON keys set on what it builds (they win over the SDK's own) and the
    keys named in ``without`` left out of what the builder writes."""
    return _WithJson(builder, dict(extra or {}), frozenset(without))
