"""alert/name: alert names are CamelCase (``KubePodCrashLooping``), the Prometheus community convention."""

from __future__ import annotations

import re
from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.model import Alert, RuleSet
from obskit.lint import Problem, Severity

CAMEL = re.compile(r"^[A-Z][a-zA-Z0-9]*$")


class AlertName(Check):
    id = "alert/name"
    severity = Severity.warning
    summary = "alert names are CamelCase"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for _group, rule in ruleset.rules():
            if isinstance(rule, Alert) and not CAMEL.match(rule.name):
                suggestion = "".join(p[:1].upper() + p[1:] for p in re.split(r"[^a-zA-Z0-9]+", rule.name) if p)
                yield self.problem(ruleset, rule, f"alert name {rule.name!r} is not CamelCase; "
                                   f"call it {suggestion!r}", "name")
