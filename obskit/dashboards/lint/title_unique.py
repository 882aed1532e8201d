"""dashboard/title-unique: titles are unique within a Grafana folder (Grafana refuses duplicates)."""

from __future__ import annotations

from collections.abc import Iterator

from obskit.dashboards.lint.base import Check, LintContext
from obskit.lint import Problem


class TitleUniqueCheck(Check):
    id = "dashboard/title-unique"
    description = "dashboard titles are unique per folder"

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        seen: dict[tuple[str, str], str] = {}
        for dash in ctx.dashboards:
            key = (dash.folder, dash.title.strip().lower())
            if key in seen:
                yield self.problem(dash, f"title \"{dash.title}\" is already used in folder {dash.folder!r} by "
                                   f"{seen[key]}; Grafana rejects duplicate titles in a folder", key="title")
            else:
                seen[key] = f"{dash.file} (uid {dash.uid})"
