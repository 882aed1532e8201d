"""alert/absent-for: alerts on absent()/absent_over_time() wait `for` at least 2x the scrape interval.

A single missed scrape or a Prometheus restart makes a series briefly absent; without a long enough
`for:` the alert fires on every restart.
"""

from __future__ import annotations

from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext, calls, parse
from obskit.alerts.model import RuleSet
from obskit.duration import format_duration, parse_duration
from obskit.lint import Problem, Severity


class AbsentFor(Check):
    id = "alert/absent-for"
    severity = Severity.error
    summary = "absent() alerts have for >= 2x the scrape interval"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        minimum = 2 * parse_duration(ctx.options.scrape_interval)
        for rule in ruleset.alerts():
            tree = parse(rule.expr)
            if tree is None or not any(True for _ in calls(tree, {"absent"})):
                continue
            try:
                waited = parse_duration(rule.for_) if rule.for_ else 0
            except ValueError:
                waited = 0
            if waited < minimum:
                yield self.problem(ruleset, rule, f"absent() alert fires after a single missed scrape; set "
                                   f"`for: {format_duration(minimum)}` or longer", "for" if rule.for_ else None)
