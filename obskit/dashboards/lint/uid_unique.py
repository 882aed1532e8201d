"""dashboard/uid-unique: no two dashboards from one file share a uid (across files: a load error)."""

from __future__ import annotations

from collections.abc import Iterator

from obskit.dashboards.lint.base import Check, LintContext
from obskit.lint import Problem


class UidUniqueCheck(Check):
    id = "dashboard/uid-unique"
    description = "dashboard uids are unique"

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        seen: dict[str, str] = {}
        for dash in ctx.dashboards:
            if not dash.uid:
                continue
            if dash.uid in seen and seen[dash.uid] == str(dash.file):
                yield self.problem(dash, f"uid {dash.uid!r} is used by more than one dashboard in this file "
                                   f"(\"{dash.title}\")")
            seen.setdefault(dash.uid, str(dash.file))
