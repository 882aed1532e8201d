"""alert/severity: every alert has a `severity` label from the allowed set (routing depends on it)."""

from __future__ import annotations

from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.model import RuleSet
from obskit.lint import Problem, Severity


class AlertSeverity(Check):
    id = "alert/severity"
    severity = Severity.error
    summary = "alerts carry a severity label from the configured set"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        allowed = ctx.options.severities
        for rule in ruleset.alerts():
            value = rule.labels.get("severity")
            if value is None:
                yield self.problem(ruleset, rule, f"alert has no severity label; add one of: {', '.join(allowed)}")
            elif value not in allowed:
                yield self.problem(ruleset, rule, f"severity {value!r} is not one of: {', '.join(allowed)}",
                                   "labels.severity")
