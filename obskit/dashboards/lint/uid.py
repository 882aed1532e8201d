"""dashboard/uid: every dashboard has a uid of at most 40 characters from [A-Za-z0-9_-]."""

from __future__ import annotations

import re
from collections.abc import Iterator

from obskit.dashboards.lint.base import Check, LintContext
from obskit.lint import Problem

MAX_LENGTH = 40  # Grafana rejects longer uids
ALLOWED = re.compile(r"[A-Za-z0-9_-]+")


class UidCheck(Check):
    id = "dashboard/uid"
    description = "uid present, at most 40 characters, only letters, digits, '-' and '_'"

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        for dash in ctx.dashboards:
            uid = dash.data.get("uid")
            if not uid:
                yield self.problem(dash, "dashboard has no uid: set a stable uid so pushes update it in place",
                                   key="title")
            elif not isinstance(uid, str):
                yield self.problem(dash, f"uid must be a string, got {type(uid).__name__}")
            elif len(uid) > MAX_LENGTH:
                yield self.problem(dash, f"uid {uid!r} is {len(uid)} characters; Grafana allows at most {MAX_LENGTH}")
            elif not ALLOWED.fullmatch(uid):
                yield self.problem(dash, f"uid {uid!r} has characters outside [A-Za-z0-9_-]")
