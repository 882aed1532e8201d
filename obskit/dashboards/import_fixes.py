"""Builder defaults set back: per node of an imported dashboard, the keys its code writes as exported JSON
and the keys it leaves out of what the builder writes.

The typed builders fill in fields the export may not have (``transparent: false`` and
``repeatDirection: "h"`` on every panel, ``instant: false`` after ``.range()``, ``fiscalYearStartMonth``,
``options: {}``) and lay panels out (a panel at x=0, y=0 that is not the first one is moved). The importer
builds its code, compares every node with the export, and records here what differs: a key the builder
added is left out (``with_json(..., without=[...])``), a key it changed or did not write is written as the
exported JSON. Recording repeats until the code builds back exactly; fixes only grow, so it ends.

A node is addressed by its JSON path: ``()`` the dashboard, ``("panels", 2)`` a panel or row,
``("panels", 2, "panels", 0)`` a panel in a collapsed row, ``(..., "targets", 1)`` a query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from obskit.dashboards.equality import ASSIGNED, canonical

NodePath = tuple[str | int, ...]


@dataclass
class Fix:
    literal: set[str] = field(default_factory=set)  # written as the exported JSON
    without: set[str] = field(default_factory=set)  # written by the builder, absent from the export


Fixes = dict[NodePath, Fix]


def children_key(node: dict[str, Any], path: NodePath) -> str | None:
    """The key under which the importer writes this node's children as builders (None: no children)."""
    if not path:
        return "panels"  # the dashboard's panels and rows
    if len(path) >= 2 and path[-2] == "targets":
        return None  # a query
    return "panels" if node.get("type") == "row" else "targets"


def record(built: dict[str, Any], original: dict[str, Any], fixes: Fixes, path: NodePath = ()) -> int:
    """Add the fixes that make ``built`` equal ``original`` at this node and below; how many were added."""
    fix = fixes.setdefault(path, Fix())
    skip = set(ASSIGNED) if not path else set()
    children = children_key(original, path)
    added = 0
    for key in sorted(set(built) - set(original) - skip - fix.without):
        fix.without.add(key)
        added += 1
    for key, value in original.items():
        if key in skip or key in fix.literal:
            continue
        mine = built.get(key)
        if key == children and _same_length_objects(mine, value):
            for i, (inner_built, inner) in enumerate(zip(mine, value, strict=True)):
                added += record(inner_built, inner, fixes, (*path, key, i))
            continue
        if key not in built or canonical(mine) != canonical(value):
            fix.literal.add(key)
            added += 1
    return added


def _same_length_objects(built: Any, original: Any) -> bool:
    return (isinstance(built, list) and isinstance(original, list) and len(built) == len(original)
            and all(isinstance(a, dict) and isinstance(b, dict) for a, b in zip(built, original, strict=True)))
