"""alert/for: alerts wait a little (`for:`) before firing, so one bad scrape does not page anyone.

Turn off with ``alerts.lint.require_for: false``. SLO burn-rate alerts are exempt: their short and
long windows already debounce them (as Sloth's generated alerts do).
"""

from __future__ import annotations

from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.model import Alert, RuleSet
from obskit.lint import Problem, Severity


class AlertFor(Check):
    id = "alert/for"
    severity = Severity.warning
    summary = "alerts have a for: duration (configurable)"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        if not ctx.options.require_for or ruleset.kind == "slo":
            return
        for _group, rule in ruleset.rules():
            if isinstance(rule, Alert) and not rule.for_:
                yield self.problem(ruleset, rule, "alert has no `for:`; add e.g. `for: 5m` so a single "
                                   "evaluation does not fire it")
