"""grafana.com exports -> dashboards that work as code: ``__inputs`` become template variables.

Grafana's "Export for sharing externally" replaces datasource uids with ``${DS_NAME}`` placeholders and
lists them in ``__inputs`` (plus ``__requires``, the plugins used); grafana.com asks for the values at
import time. As code there is no import dialog, so each datasource input becomes a ``datasource``
template variable of the same name (``${DS_PROMETHEUS}`` then resolves to the variable, which offers
every datasource of that plugin), and each ``constant`` input a ``constant`` variable with its value.
``__requires`` is dropped (Grafana ignores it outside the import dialog); ``__elements`` (library
panels) stays.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from obskit.errors import InputError


def _variable(item: dict[str, Any], source: str, index: int) -> dict[str, Any]:
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise InputError(f"{source}: __inputs[{index}].name: expected the input's name (e.g. DS_PROMETHEUS)")
    kind = item.get("type")
    label = item.get("label") or name
    if kind == "datasource":
        plugin = item.get("pluginId")
        if not isinstance(plugin, str) or not plugin:
            raise InputError(f"{source}: __inputs[{index}].pluginId: expected the datasource plugin (e.g. prometheus)")
        return {"type": "datasource", "name": name, "label": label, "query": plugin, "current": {}, "hide": 0,
                "options": [], "refresh": 1, "regex": ""}
    if kind == "constant":
        value = "" if item.get("value") is None else str(item.get("value"))
        return {"type": "constant", "name": name, "label": label, "query": value, "hide": 2,
                "current": {"text": value, "value": value}, "options": [{"text": value, "value": value,
                                                                          "selected": True}]}
    raise InputError(f"{source}: __inputs[{index}].type {kind!r}: expected datasource or constant")


def resolve_inputs(data: dict[str, Any], source: str = "the dashboard") -> tuple[dict[str, Any], list[str]]:
    """The dashboard with its ``__inputs`` turned into variables, and the names of the variables added."""
    inputs = data.get("__inputs")
    if inputs is None and "__requires" not in data:
        return data, []
    if inputs is not None and not isinstance(inputs, list):
        raise InputError(f"{source}: __inputs: expected a list of inputs")
    out = deepcopy({k: v for k, v in data.items() if k not in ("__inputs", "__requires")})
    templating = out.setdefault("templating", {})
    if not isinstance(templating, dict):
        raise InputError(f"{source}: templating: expected an object with a list")
    existing = templating.setdefault("list", [])
    if not isinstance(existing, list):
        raise InputError(f"{source}: templating.list: expected a list of variables")
    defined = {v.get("name") for v in existing if isinstance(v, dict) and isinstance(v.get("name"), str)}
    added = []
    new = []
    for i, item in enumerate(inputs or []):
        if not isinstance(item, dict):
            raise InputError(f"{source}: __inputs[{i}]: expected an object")
        variable = _variable(item, source, i)
        if variable["name"] not in defined:
            new.append(variable)
            added.append(variable["name"])
            defined.add(variable["name"])
    templating["list"] = new + existing  # datasource variables first, as Grafana lists them
    return out, added
