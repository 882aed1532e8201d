"""promql/syntax: every expr must parse as PromQL.

promql-parser (the Rust parser that follows Prometheus' grammar) decides; for the failing expressions
Prometheus' own parser, through promtool, gives the position and message (``1:66: parse error:
unexpected end of input``), and the problem's column points there. Without promtool the message is
promql-parser's and the column is the start of the expression.
"""

from __future__ import annotations

from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext, Rule, parse_error
from obskit.alerts.model import RuleSet
from obskit.lint import Problem, Severity
from obskit.promql_errors import locate


class PromqlSyntax(Check):
    id = "promql/syntax"
    severity = Severity.error
    summary = "the expression parses as PromQL (position and message from Prometheus' parser)"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        failing: list[tuple[Rule, str]] = []
        for _group, rule in ruleset.rules():
            error = parse_error(rule.expr)
            if error is not None:
                failing.append((rule, str(error)))
        if not failing:
            return
        located = locate([rule.expr for rule, _ in failing]) or {}
        for index, (rule, fallback) in enumerate(failing):
            where = located.get(index)
            if where is None:
                yield self.problem(ruleset, rule, f"PromQL syntax error: {fallback}; fix the expression", "expr")
                continue
            yield self.problem(ruleset, rule, f"PromQL syntax error: {where}; fix the expression", "expr",
                               where.offset(rule.expr))
