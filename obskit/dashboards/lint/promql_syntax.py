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
from obskit.dashboards.model import Dashboard, iter_panels
from obskit.lint import Problem
from obskit.promql_errors import locate


def prometheus_queries(dash: Dashboard) -> Iterator[tuple[dict[str, Any], dict[str, Any], str]]:
    """(panel, target, expr) for every target that carries a PromQL ``expr``."""
    for panel in iter_panels(dash.data):
        panel_type = _ds_type(panel.get("datasource"))
        for target in panel.get("targets") or []:
            if not isinstance(target, dict) or not isinstance(target.get("expr"), str):
                continue
            ds_type = _ds_type(target.get("datasource")) or panel_type
            if ds_type not in (None, "prometheus"):
                continue  # Loki and others also use `expr`
            if target.get("expr").strip():
                yield panel, target, target["expr"]


def _ds_type(ref: Any) -> str | None:
    if isinstance(ref, dict) and isinstance(ref.get("type"), str):
        return ref["type"]
    return None


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
