"""promql/rate-window: rate/irate/increase windows are at least 2x the scrape interval.

``$__rate_interval`` is always fine (Grafana keeps it at >= 4x the scrape interval); ``$__interval``
can shrink below two scrapes when zoomed in, so it gets a warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from obskit.dashboards import promql
from obskit.dashboards.lint.base import Check, LintContext
from obskit.dashboards.lint.promql_syntax import prometheus_queries
from obskit.lint import Problem, Severity

FUNCTIONS = {"rate", "irate", "increase"}


class RateWindowCheck(Check):
    id = "promql/rate-window"
    description = "rate/irate/increase windows >= 2x lint.scrape_interval (--scrape-interval), or $__rate_interval"

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        minimum = 2 * ctx.options.scrape_interval_seconds
        for dash in ctx.dashboards:
            for panel, target, expr in prometheus_queries(dash):
                try:
                    tree = promql.parse(expr)
                except ValueError:
                    continue  # promql/syntax reports it
                for func, seconds in promql.range_calls(tree):
                    if func not in FUNCTIONS or seconds in (promql.RATE_INTERVAL_SECONDS, promql.VARIABLE_SECONDS,
                                                            promql.RANGE_SECONDS):
                        continue
                    ref = target.get("refId", "?")
                    if seconds == promql.INTERVAL_SECONDS:
                        yield self.problem(dash, f"query {ref}: {func}() over $__interval can span fewer than two "
                                           "scrapes when zoomed in; use $__rate_interval", panel=panel,
                                           needle="$__interval", severity=Severity.warning)
                    elif seconds < minimum:
                        yield self.problem(dash, f"query {ref}: {func}() window {seconds}s is shorter than 2x the "
                                           f"{ctx.options.scrape_interval_seconds}s scrape interval ({minimum}s) "
                                           "and will show gaps; use "
                                           "$__rate_interval or a longer window", panel=panel, needle=expr)
