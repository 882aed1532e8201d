"""rule/group-name: group names are unique within a file (Prometheus refuses "groupname is repeated").

Easy to hit when several documents share a file (two PrometheusRule objects, two Sloth specs for the
same service and SLO name): obskit builds one rule file per source, so their groups meet there.
"""

from __future__ import annotations

from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.model import Group, RuleSet
from obskit.lint import Problem, Severity


class GroupNames(Check):
    id = "rule/group-name"
    severity = Severity.error
    summary = "group names are unique within a file"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        seen: dict[str, Group] = {}
        for group in ruleset.groups:
            first = seen.setdefault(group.name, group)
            if first is not group:
                line = first.origin.line if first.origin else None
                where = f" (first at line {line})" if line else ""
                yield self.problem(ruleset, group, f"group name {group.name!r} is repeated in this file{where}; "
                                   "Prometheus refuses the file: rename one group")
