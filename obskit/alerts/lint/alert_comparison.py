"""alert/comparison: an alert's query has a condition (``> 0.05``, ``== 0``), else it always fires.

An alert fires for every series its query returns. ``rate(errors_total[5m])`` without a comparison
returns a series for every target that exports the counter, so the alert fires all the time. Queries
that return series only under a condition are fine without one: ``absent()``, ``and``/``unless`` with a
compared side. Queries without any selector (``vector(1)``, a "watchdog" alert) fire on purpose and are
not judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from obskit.alerts.lint.base import Check, LintContext, parse, selectors
from obskit.alerts.lint.labelflow import kind, op_text
from obskit.alerts.model import RuleSet
from obskit.lint import Problem, Severity

COMPARISONS = {"==", "!=", ">", "<", ">=", "<="}
CONDITIONAL_CALLS = {"absent", "absent_over_time"}


def has_condition(node: Any) -> bool:
    k = kind(node)
    if k == "BinaryExpr":
        op = op_text(node)
        if op in COMPARISONS:
            return not (node.modifier is not None and getattr(node.modifier, "return_bool", False))
        if op == "or":  # each side fires on its own
            return has_condition(node.lhs) and has_condition(node.rhs)
        return has_condition(node.lhs) or has_condition(node.rhs)  # and/unless, arithmetic: filtered series
    if k in ("ParenExpr", "UnaryExpr", "SubqueryExpr", "AggregateExpr"):
        return has_condition(node.expr)
    if k == "Call":
        return node.func.name in CONDITIONAL_CALLS or any(has_condition(a) for a in node.args)
    return False


class AlertComparison(Check):
    id = "alert/comparison"
    severity = Severity.warning
    summary = "alert queries have a condition (comparison, absent(), and/unless), else they always fire"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for rule in ruleset.alerts():
            tree = parse(rule.expr)
            if tree is None or not any(True for _ in selectors(tree)) or has_condition(tree):
                continue
            yield self.problem(ruleset, rule, "the query has no condition, so the alert fires for every series "
                               "it returns; compare it with a threshold (e.g. `> 0.05`)", "expr")
