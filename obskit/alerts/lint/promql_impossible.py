"""promql/impossible: expressions that can never return a series, so the alert never fires.

- ``x and absent(x)`` (either order, also ``absent_over_time``): absent() returns a series only when
  ``x`` has none, and then the other side is empty.
- ``x > 0 and absent(y)``, ``x and vector(1)``, ``x and sum(y)``: ``and`` matches series on all their
  labels, but one side has a fixed small label set (absent's equality matchers, none for vector() or
  sum() without by) while the other is a raw selector whose series carry job/instance and more: no pair
  ever matches. Add ``on(...)`` (``on() absent(y)`` matches anything) or aggregate the other side.
  Recorded series (names with ``:``) are not judged: their labels are whatever the recording kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from obskit.alerts.lint.base import Check, LintContext, calls, parse, selectors, walk
from obskit.alerts.lint.labelflow import kind, labels_of, op_text
from obskit.alerts.model import RuleSet
from obskit.lint import Problem, Severity

ABSENT = {"absent", "absent_over_time"}


def _metrics(node: Any) -> set[str]:
    return {s.name for s in selectors(node) if s.name}


def _absent_metrics(node: Any) -> set[str]:
    return {name for call in calls(node, ABSENT) for name in _metrics(call)}


def _raw_selector(node: Any) -> bool:
    """A side whose result carries every label of scraped series (no aggregation narrowed it).

    Recorded series (``job:errors:rate5m``) are left out: a recording rule may have aggregated them down
    to exactly the labels the other side has."""
    found = [s.name or "" for s in selectors(node)]
    return labels_of(node).any and bool(found) and not any(":" in name for name in found)


def problems(tree: Any) -> Iterator[str]:
    for node in walk(tree):
        if kind(node) != "BinaryExpr" or op_text(node) != "and":
            continue
        for side, other in ((node.lhs, node.rhs), (node.rhs, node.lhs)):
            both = _absent_metrics(other) & (_metrics(side) - _absent_metrics(side))
            if both:
                metric = sorted(both)[0]
                yield (f"`{metric}` is required on one side of `and` and absent() on the other: absent() returns "
                       "a series only when there is none, so this never returns anything")
                break
        else:
            matching = getattr(node.modifier, "matching", None) if node.modifier is not None else None
            if matching is not None:
                continue
            for side, other in ((node.lhs, node.rhs), (node.rhs, node.lhs)):
                fixed = labels_of(other)
                if not fixed.any and _raw_selector(side):
                    shown = ", ".join(sorted(fixed.names)) or "no labels"
                    yield (f"`and` matches series on all labels, but one side has only {shown} while the other "
                           "keeps every label of its series (job, instance, ...): they never match; use "
                           "`and on(...)` or aggregate both sides")
                    break


class PromqlImpossible(Check):
    id = "promql/impossible"
    severity = Severity.error
    summary = "no `x and absent(x)` or `and` between sides that can never share labels"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for rule in ruleset.alerts():
            tree = parse(rule.expr)
            if tree is None:
                continue
            for message in dict.fromkeys(problems(tree)):
                yield self.problem(ruleset, rule, f"this alert can never fire: {message}", "expr")
