"""rule/label-name: label and annotation names are valid Prometheus label names.

Prometheus' rule loader (and promtool) refuse names outside ``[a-zA-Z_][a-zA-Z0-9_]*``, such as
``bad-label`` or ``team.name``; names starting with ``__`` are reserved for Prometheus itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.model import RuleSet
from obskit.lint import Problem, Severity

LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


class LabelName(Check):
    id = "rule/label-name"
    severity = Severity.error
    summary = "label/annotation names match [a-zA-Z_][a-zA-Z0-9_]* and do not start with __"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for _group, rule in ruleset.rules():
            for section, values in (("labels", rule.labels), ("annotations", getattr(rule, "annotations", {}))):
                for name in values:
                    field = f"{section}.{name}:name" if f"{section}.{name}:name" in rule.fields else f"{section}.{name}"
                    if not LABEL_NAME.match(name):
                        suggestion = re.sub(r"[^a-zA-Z0-9_]", "_", name)
                        suggestion = suggestion if LABEL_NAME.match(suggestion) else f"_{suggestion}"
                        yield self.problem(ruleset, rule, f"{section[:-1]} name {name!r} is not a valid label "
                                           f"name (Prometheus refuses the file); use e.g. {suggestion!r}", field)
                    elif name.startswith("__"):
                        yield self.problem(ruleset, rule, f"{section[:-1]} name {name!r} starts with '__', which "
                                           "is reserved for Prometheus' internal labels", field)
