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


class _Placed:
    """Boxes placed so far, bucketed by bands of grid rows, so a panel is compared with its neighbours
    only: linear in the panel count for real layouts (a 20,000-panel dashboard), not quadratic."""

    BAND = 8  # grid rows per bucket (a default panel height)
    MAX_BANDS = 64  # taller boxes are kept apart and compared with every panel

    def __init__(self) -> None:
        self.items: list[tuple[dict[str, Any], tuple[int, int, int, int]]] = []
        self.bands: dict[int, list[int]] = {}
        self.tall: list[int] = []

    def _span(self, box: tuple[int, int, int, int]) -> range | None:
        first, last = box[1] // self.BAND, (box[1] + max(box[3], 1) - 1) // self.BAND
        return range(first, last + 1) if last - first < self.MAX_BANDS else None

    def first_overlap(self, box: tuple[int, int, int, int]) -> tuple[dict[str, Any], tuple[int, int, int, int]] | None:
        span = self._span(box)
        if span is None:
            candidates: set[int] | range = range(len(self.items))
        else:
            candidates = {i for band in span for i in self.bands.get(band, ())} | set(self.tall)
        for index in sorted(candidates):  # document order: the earliest overlapping panel is named
            if _overlap(box, self.items[index][1]):
                return self.items[index]
        return None

    def add(self, panel: dict[str, Any], box: tuple[int, int, int, int]) -> None:
        index = len(self.items)
        self.items.append((panel, box))
        span = self._span(box)
        if span is None:
            self.tall.append(index)
        else:
            for band in span:
                self.bands.setdefault(band, []).append(index)


class GridOverlapCheck(Check):
    id = "panel/grid-overlap"
    description = "panels do not overlap and fit the 24-column grid"

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        for dash in ctx.dashboards:
            for layer in _layers(dash.data):
                placed = _Placed()
                for panel in layer:
                    box = _box(panel)
                    if box is None:
                        continue
                    if box[0] + box[2] > GRID_COLUMNS:
                        yield self.problem(dash, f"panel extends past column {GRID_COLUMNS} "
                                           f"(x={box[0]}, w={box[2]})", panel=panel)
                    hit = placed.first_overlap(box)
                    if hit is not None:
                        other, other_box = hit
                        yield self.problem(dash, f"panel overlaps {panel_label(other)}: gridPos {box} vs "
                                           f"{other_box} (x, y, w, h); move or resize one", panel=panel)
                    placed.add(panel, box)
