"""promql/syntax: every Prometheus query parses once Grafana macros and variables are substituted.

For a query that does not, Prometheus' own parser (through promtool) gives the position and message,
mapped back from the substituted text to the query as written: ``1:23: parse error: unexpected end of
input``. Without promtool the message is promql-parser's, without a position.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from obskit.dashboards import promql
from obskit.dashboards.lint.base import Check, LintContext
from obskit.dashboards.model import Dashboard
from obskit.lint import Problem
from obskit.promql_errors import locate


def prometheus_queries(dash: Dashboard) -> Iterator[tuple[dict[str, Any], dict[str, Any], str]]:
    """(panel, target, expr) for every target that carries a PromQL ``expr`` (promql.panel_queries)."""
    return promql.panel_queries(dash.data)


class PromqlSyntaxCheck(Check):
    id = "promql/syntax"
    description = "PromQL parses (promql-parser) after $__rate_interval, $__interval, $__range, $var substitution"

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        failing: list[tuple[Dashboard, dict[str, Any], dict[str, Any], str, str]] = []
        for dash in ctx.dashboards:
            for panel, target, expr in prometheus_queries(dash):
                try:
                    promql.parse(expr)
                except ValueError as exc:
                    failing.append((dash, panel, target, expr, str(exc)))
        if not failing:
            return
        mapped = [promql.substitute_mapped(expr) for _, _, _, expr, _ in failing]
        located = locate([text for text, _ in mapped]) or {}
        for index, (dash, panel, target, expr, fallback) in enumerate(failing):
            reason = fallback
            where = located.get(index)
            if where is not None:
                text, back = mapped[index]
                offset = back(where.offset(text))
                line = expr.count("\n", 0, offset) + 1
                column = offset - (expr.rfind("\n", 0, offset) + 1) + 1
                reason = f"{line}:{column}: parse error: {where.message}"
            yield self.problem(dash, f"query {target.get('refId', '?')} does not parse: {reason}: {expr}",
                               panel=panel, needle=expr)
