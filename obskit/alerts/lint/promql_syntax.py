"""promql/syntax: every expr must parse as PromQL (promql-parser, the Rust parser Prometheus' grammar follows)."""

from __future__ import annotations

from collections.abc import Iterator

import promql_parser

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.model import RuleSet
from obskit.lint import Problem, Severity


class PromqlSyntax(Check):
    id = "promql/syntax"
    severity = Severity.error
    summary = "the expression parses as PromQL"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for _group, rule in ruleset.rules():
            try:
                promql_parser.parse(rule.expr)
            except (ValueError, TypeError) as exc:
                yield self.problem(ruleset, rule, f"PromQL syntax error: {exc}; fix the expression", "expr")
