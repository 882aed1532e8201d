"""promql/rate-window: rate()/increase()/irate() ranges span at least 2x the scrape interval.

With fewer than two samples in the range the functions return nothing, so the alert silently never
fires. The scrape interval is ``lint.scrape_interval`` (default 30s; ``alerts.lint.scrape_interval`` wins).
"""

from __future__ import annotations

from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext, calls, parse
from obskit.alerts.model import RuleSet
from obskit.duration import format_duration, parse_duration
from obskit.lint import Problem, Severity

FUNCS = {"rate", "increase", "irate", "deriv", "delta", "idelta"}


class RateWindow(Check):
    id = "promql/rate-window"
    severity = Severity.error
    summary = "rate/increase ranges are at least 2x the scrape interval"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        minimum = 2 * parse_duration(ctx.options.scrape_interval)
        for _group, rule in ruleset.rules():
            tree = parse(rule.expr)
            if tree is None:
                continue
            for call in calls(tree, FUNCS):
                arg = call.args[0] if call.args else None
                span = getattr(arg, "range", None)
                if span is None:
                    continue
                seconds = int(span.total_seconds())
                if seconds < minimum:
                    shown = format_duration(seconds)
                    offset = rule.expr.find(f"[{shown}")
                    yield self.problem(
                        ruleset, rule,
                        f"{call.func.name}() over [{shown}] sees fewer than two samples at a "
                        f"{ctx.options.scrape_interval} scrape interval; use at least [{format_duration(minimum)}]",
                        "expr", offset + 1 if offset >= 0 else None)
