"""template/dropped-labels: annotations use only labels the query's result still has.

``sum(rate(errors_total[5m])) > 1`` has no labels left, so ``{{ $labels.instance }}`` in its
description renders as an empty string. The check follows aggregations (``by``/``without``), ``on()``
matching, ``absent()`` and ``vector()`` (see labelflow.py) and names the label and what is left.
Labels set by the rule itself (its ``labels:``) are available too. For the rule's ``labels:`` section
see ``rule/dropped-labels``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext, parse
from obskit.alerts.lint.labelflow import labels_of
from obskit.alerts.model import Alert, RuleSet
from obskit.lint import Problem, Severity

LABEL_REF = re.compile(r"\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)|index\s+\$labels\s+\"([^\"]+)\"|\.Labels\.([a-zA-Z_]\w*)")


def referenced(text: str) -> list[str]:
    return [m.group(1) or m.group(2) or m.group(3) for m in LABEL_REF.finditer(text)]


def missing_labels(rule: Alert, section: str) -> Iterator[tuple[str, str, str]]:
    """(field name, label, what the query keeps) for each template label the query result cannot carry."""
    tree = parse(rule.expr)
    if tree is None:
        return
    kept = labels_of(tree)
    values = rule.labels if section == "labels" else rule.annotations
    own = set(rule.labels) if section == "annotations" else set()  # label templates see series labels only
    for name, text in sorted(values.items()):
        for label in dict.fromkeys(referenced(text)):
            if not kept.has(label) and label not in own:
                yield name, label, kept.describe()


class TemplateDroppedLabels(Check):
    id = "template/dropped-labels"
    severity = Severity.warning
    summary = "annotations use only $labels the query result keeps (aggregations, on(), absent())"
    section = "annotations"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for rule in ruleset.alerts():
            for name, label, kept in missing_labels(rule, self.section):
                yield self.problem(ruleset, rule, f"{self.section}.{name} uses $labels.{label}, but the query "
                                   f"result has {kept}: it renders empty; keep it (e.g. `by ({label})`) or "
                                   "drop it from the template", f"{self.section}.{name}")
