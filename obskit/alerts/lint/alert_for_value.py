"""alert/for-value: ``for:`` and ``keep_firing_for:`` are valid Prometheus durations and not redundant.

``for: 0m`` (or ``0s``) is the default and only adds noise; a value Prometheus cannot parse (``5 min``,
``-1m``, ``1.5h``) makes the whole rule file fail to load.
"""

from __future__ import annotations

from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.model import RuleSet
from obskit.duration import parse_duration
from obskit.lint import Problem, Severity


class AlertForValue(Check):
    id = "alert/for-value"
    severity = Severity.error
    summary = "for/keep_firing_for are valid durations; `for: 0m` is redundant (warning)"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for rule in ruleset.alerts():
            for name, value in (("for", rule.for_), ("keep_firing_for", rule.keep_firing_for)):
                if value is None:
                    continue
                try:
                    seconds = parse_duration(str(value))
                except ValueError:
                    yield self.problem(ruleset, rule, f"`{name}: {value}` is not a Prometheus duration; use "
                                       "e.g. 5m, 1h30m or 2d", name if name in rule.fields else None)
                    continue
                if seconds == 0:
                    yield self.problem(ruleset, rule, f"`{name}: {value}` is the default; remove it",
                                       name if name in rule.fields else None, severity=Severity.warning)
