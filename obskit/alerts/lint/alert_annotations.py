"""alert/annotations: every alert has non-empty `summary` and `description` annotations."""

from __future__ import annotations

from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.model import RuleSet
from obskit.lint import Problem, Severity

REQUIRED = ("summary", "description")


class AlertAnnotations(Check):
    id = "alert/annotations"
    severity = Severity.error
    summary = "alerts have summary and description annotations"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for rule in ruleset.alerts():
            for name in REQUIRED:
                if not rule.annotations.get(name, "").strip():
                    yield self.problem(ruleset, rule, f"alert has no {name} annotation; say what is wrong "
                                       "and for whom (templates like {{ $labels.job }} are fine)")
