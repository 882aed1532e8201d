"""build/stale: committed build output (dashboards/generated/) equals a fresh build of the sources."""

from __future__ import annotations

from collections.abc import Iterator

from obskit.dashboards.emit import outputs
from obskit.dashboards.lint.base import Check, LintContext
from obskit.lint import Problem

FIX = "run `obskit dashboards build` and commit the result"


class StaleBuildCheck(Check):
    id = "build/stale"
    description = "committed build output in dashboards/generated/ matches a fresh build"

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        build_dir = ctx.options.build_dir
        if build_dir is None or not build_dir.is_dir():
            return
        expected = set()
        for out in outputs(ctx.dashboards, "json"):
            target = build_dir / out.path
            expected.add(target)
            if not target.is_file():
                yield self.problem(out.dashboard, f"build output {target} is missing; {FIX}")
            elif target.read_text(encoding="utf-8") != out.text:
                yield self.problem(out.dashboard, f"build output {target} is stale (differs from a fresh build); "
                                   f"{FIX}")
        if not ctx.options.complete:
            return
        for path in sorted(build_dir.rglob("*.json")):
            if path not in expected:
                yield Problem(self.id, self.severity, "build output has no source dashboard any more; run "
                              "`obskit dashboards build --clean` (deletes it) and commit the result", str(path))
