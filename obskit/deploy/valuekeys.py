"""Top-level keys of a user's values file must be keys the chart knows (a typo would be ignored by Helm).

The chart's own ``values.schema.json`` lists its top-level properties; Helm adds ``global``. Anything else
is refused with the file, line and the closest known key.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import yaml

from obskit import safeyaml
from obskit.errors import InputError

HELM_KEYS = frozenset({"global"})


def known_keys(chart_dir: Path) -> frozenset[str]:
    schema = json.loads((chart_dir / "values.schema.json").read_text(encoding="utf-8"))
    return frozenset(schema.get("properties") or {}) | HELM_KEYS


def check_top_level_keys(path: Path, chart_dir: Path) -> None:
    """Raise InputError naming file:line:column for the first top-level key the chart does not know."""
    text = safeyaml.read_text(path)
    nodes = safeyaml.compose_all(text, str(path))
    root = nodes[0] if nodes else None
    if not isinstance(root, yaml.MappingNode):
        return
    known = known_keys(chart_dir)
    for key, _ in root.value:
        name = str(key.value)
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise InputError(
                f"{path}:{key.start_mark.line + 1}:{key.start_mark.column + 1}: unknown top-level key {name!r}; "
                f"{hint}the chart's values have: {', '.join(sorted(known))}")
