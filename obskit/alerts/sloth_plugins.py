"""Sloth SLO plugin chains: accepted when obskit already does what every plugin in them does.

The accepted ids are data (``sloth_plugins.yaml``); any other id -- or a chain that replaces Sloth's
core plugins with ``overridePrevious: true`` without listing them all -- is refused as "not
supported", naming the field and the plugin id.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from obskit.alerts.slospec import SpecReader

DATA = Path(__file__).with_name("sloth_plugins.yaml")
CHAIN_KEYS = {"chain", "overridePrevious", "overrideprevious"}
ENTRY_KEYS = {"id", "config", "priority"}


@cache
def _policy() -> tuple[frozenset[str], tuple[str, ...]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return frozenset(data["builtin"]), tuple(data["core"])


def check_chain(r: SpecReader, key: tuple[Any, ...], value: Any, name: str) -> None:
    """Validate one plugin chain (``slo_plugins``, ``sloPlugins`` or an SLO's ``plugins``)."""
    if value in (None, {}):
        return
    spec = r.mapping(key, value, CHAIN_KEYS, name)
    builtin, core = _policy()
    chain = spec.get("chain") or []
    if not isinstance(chain, list):
        raise r.fail((*key, "chain"), f"{name}.chain must be a list of plugins")
    ids = []
    for i, raw in enumerate(chain):
        entry = r.mapping((*key, "chain", i), raw, ENTRY_KEYS, f"{name}.chain[{i}]")
        plugin = r.text((*key, "chain", i, "id"), entry.get("id"), f"{name}.chain[{i}].id")
        if plugin not in builtin:
            raise r.refuse((*key, "chain", i, "id"), f"{name} plugin {plugin!r}",
                           "Sloth plugins run Go code inside Sloth; obskit accepts only "
                           f"{', '.join(sorted(builtin))}")
        ids.append(plugin)
    override = spec.get("overridePrevious", spec.get("overrideprevious", False))
    if override is True:
        missing = [c for c in core if c not in ids]
        if missing:
            field = "overridePrevious" if "overridePrevious" in spec else "overrideprevious"
            raise r.refuse((*key, field), f"{name}.{field} without {', '.join(missing)}",
                           "obskit always generates the SLI, metadata and alert rules")
