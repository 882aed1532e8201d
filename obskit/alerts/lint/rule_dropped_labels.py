"""rule/dropped-labels: an alert's ``labels:`` use only labels its query's aggregation keeps.

Alert labels route notifications (Alertmanager matchers, ``group_by``) and tell alerts apart. A label
template such as ``team: "{{ $labels.team }}"`` over ``sum(...) by (job)`` renders empty: every alert
gets ``team=""`` and the route that matches the team never sees it. An error, unlike the annotation
case (``template/dropped-labels``), because routing silently breaks.
"""

from __future__ import annotations

from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.lint.template_labels import missing_labels
from obskit.alerts.model import RuleSet
from obskit.lint import Problem, Severity


class RuleDroppedLabels(Check):
    id = "rule/dropped-labels"
    severity = Severity.error
    summary = "alert labels templated from $labels only use labels the query keeps (routing needs them)"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for rule in ruleset.alerts():
            for name, label, kept in missing_labels(rule, "labels"):
                yield self.problem(ruleset, rule, f"labels.{name} uses $labels.{label}, but the aggregation leaves "
                                   f"{kept}: every alert gets {name}=\"\" and routes on it break; add {label} to "
                                   "the by (...) clause", f"labels.{name}")
