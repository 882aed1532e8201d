"""Dashboard template variables: which are defined, and where variables are referenced."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# $var, ${var}, ${var:format}, ${var.field}, [[var]], [[var:format]]
REFERENCE = re.compile(r"\$\{(\w+)(?:[.:][^}]*)?\}|\$(\w+)|\[\[(\w+)(?::\w+)?\]\]")
# Grafana's own variables and SQL macros: never user-defined
BUILTINS = {"timeFilter", "interval", "col", "unixEpochFilter"}


def references(text: str, builtins: bool = False) -> set[str]:
    """Variable names referenced in ``text``; Grafana's built-ins only with ``builtins`` (a dashboard may
    define its own ``interval`` variable, and then ``$interval`` is a use of it)."""
    names = set()
    for match in REFERENCE.finditer(text):
        name = match.group(1) or match.group(2) or match.group(3)
        if not name.startswith("__") and (builtins or name not in BUILTINS):
            names.add(name)
    return names


def strings(value: Any) -> Iterator[str]:
    """Every string (keys excluded) inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def variables(data: dict[str, Any]) -> list[dict[str, Any]]:
    templating = data.get("templating") or {}
    return [v for v in (templating.get("list") or []) if isinstance(v, dict) and v.get("name")]


def datasource_ref(value: Any) -> str | None:
    """The variable name a datasource reference points to (``${ds}`` or ``$ds``), else None."""
    uid = value.get("uid") if isinstance(value, dict) else value
    if isinstance(uid, str):
        match = REFERENCE.fullmatch(uid)
        if match:
            return match.group(1) or match.group(2) or match.group(3)
    return None
