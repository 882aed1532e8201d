"""panel/grid-overlap: panels on the same row do not overlap (gridPos x/y/w/h on the 24-column grid)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from obskit.dashboards.lint.base import Check, LintContext
from obskit.dashboards.model import panel_label
from obskit.lint import Problem

GRID_COLUMNS = 24


def _box(panel: dict[str, Any]) -> tuple[int, int, int, int] | None:
    pos = panel.get("gridPos")
    if not isinstance(pos, dict):
        return None
    try:
        return int(pos.get("x", 0)), int(pos.get("y", 0)), int(pos.get("w", 0)), int(pos.get("h", 0))
    except (TypeError, ValueError):
        return None


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def _layers(data: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """Panels that share a layout: the top level, and each collapsed row's own panels."""
    top = [p for p in data.get("panels") or [] if isinstance(p, dict)]
    yield top
    for row in top:
        inner = [p for p in row.get("panels") or [] if isinstance(p, dict)]
        if inner:
            yield inner


class GridOverlapCheck(Check):
    id = "panel/grid-overlap"
    description = "panels do not overlap and fit the 24-column grid"

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        for dash in ctx.dashboards:
            for layer in _layers(dash.data):
                placed: list[tuple[dict[str, Any], tuple[int, int, int, int]]] = []
                for panel in layer:
                    box = _box(panel)
                    if box is None:
                        continue
                    if box[0] + box[2] > GRID_COLUMNS:
                        yield self.problem(dash, f"panel extends past column {GRID_COLUMNS} "
                                           f"(x={box[0]}, w={box[2]})", panel=panel)
                    for other, other_box in placed:
                        if _overlap(box, other_box):
                            yield self.problem(dash, f"panel overlaps {panel_label(other)}: gridPos {box} vs "
                                               f"{other_box} (x, y, w, h); move or resize one", panel=panel)
                            break
                    placed.append((panel, box))
