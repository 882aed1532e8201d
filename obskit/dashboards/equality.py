"""When does imported code build back to the dashboard it came from? When the JSON is the same.

The only normalisation is the documented one: the dashboard's own ``id`` and ``version`` (Grafana assigns
both on save) are not compared, and a grafana.com export's ``__inputs`` have already become template
variables (``inputs.py``) before the comparison. Everything else must match exactly: no key added by a
builder's defaults (``instant: false``, ``transparent: false``), none missing, values of the same JSON type
(``1`` is not ``1.0``, ``true`` is not ``1``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

ASSIGNED = ("id", "version")  # set by Grafana on save; never written into code


def exact_form(dashboard: dict[str, Any]) -> dict[str, Any]:
    """The dashboard without the keys Grafana assigns on save."""
    return {k: v for k, v in dashboard.items() if k not in ASSIGNED}


def canonical(value: Any) -> str:
    """One text per JSON value: sorted keys, types kept (``1`` / ``1.0`` / ``true`` differ)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def same(built: dict[str, Any], original: dict[str, Any]) -> bool:
    return canonical(exact_form(built)) == canonical(exact_form(original))


def differences(built: Any, original: Any, path: str = "") -> Iterator[str]:
    """Where two JSON values differ, as JSON paths with what each side has (for error messages)."""
    if isinstance(built, dict) and isinstance(original, dict):
        for key in sorted(set(built) | set(original)):
            where = f"{path}.{key}" if path else key
            if key not in original:
                yield f"{where}: added {canonical(built[key])[:60]}"
            elif key not in built:
                yield f"{where}: missing (was {canonical(original[key])[:60]})"
            else:
                yield from differences(built[key], original[key], where)
    elif isinstance(built, list) and isinstance(original, list) and len(built) == len(original):
        for i, (a, b) in enumerate(zip(built, original, strict=True)):
            yield from differences(a, b, f"{path}[{i}]")
    elif canonical(built) != canonical(original):
        yield f"{path or '(the dashboard)'}: {canonical(built)[:60]} instead of {canonical(original)[:60]}"
