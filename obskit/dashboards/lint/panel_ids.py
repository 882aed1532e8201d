"""panel/id-unique: every panel (rows and panels in collapsed rows included) has its own id."""

from __future__ import annotations

from collections.abc import Iterator

from obskit.dashboards.lint.base import Check, LintContext
from obskit.dashboards.model import iter_panels, panel_label
from obskit.lint import Problem


class PanelIdsCheck(Check):
    id = "panel/id-unique"
    description = "panel ids are present and unique within a dashboard"

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        for dash in ctx.dashboards:
            seen: dict[int, dict] = {}
            for panel in iter_panels(dash.data):
                pid = panel.get("id")
                if pid is None:
                    yield self.problem(dash, "panel has no id; links and alerts need a stable id", panel=panel)
                elif pid in seen:
                    yield self.problem(dash, f"panel id {pid} is also used by {panel_label(seen[pid])}; "
                                       "give each panel its own id", panel=panel, key="id")
                else:
                    seen[pid] = panel
