"""promql/metric-exists (online): every selector has series in Prometheus within the last 7 days.

When a selector has none, the check asks Prometheus why, one matcher at a time: the metric was never
seen, a label is missing on the metric, or a label has no such value (with the values it does have).
Matchers on template variables are dropped (their values are unknown offline). Skipped when no
Prometheus URL is given.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx

from obskit.answers import field, json_answer
from obskit.dashboards import promql
from obskit.dashboards.lint.base import Check, LintContext
from obskit.dashboards.lint.promql_syntax import prometheus_queries
from obskit.errors import BackendError
from obskit.lint import Problem, Severity
from obskit.transport import describe_failure, describe_status, http_client

MAX_VALUES_SHOWN = 5


class SeriesLookup:
    """Cached /api/v1/series and /api/v1/label/<name>/values lookups over one time window."""

    def __init__(self, client: httpx.Client, lookback_days: int) -> None:
        self.client = client
        self.end = int(time.time()) + 1  # rounded up: a series first scraped this second counts
        self.start = self.end - lookback_days * 86400
        self._series: dict[str, bool] = {}
        self._values: dict[tuple[str, str], list[str]] = {}

    def _get(self, path: str, match: str) -> list:
        try:
            response = self.client.get(path, params={"match[]": match, "start": self.start, "end": self.end})
        except httpx.HTTPError as exc:
            raise BackendError(f"Prometheus at {self.client.base_url}: {describe_failure(exc)}") from None
        if response.status_code != 200:
            # the body is not shown: proxies may echo request headers (credentials) into it
            raise BackendError(f"Prometheus at {self.client.base_url} answered {path}: "
                               f"{describe_status(response.status_code)}")
        backend = f"Prometheus at {self.client.base_url}"
        answer = json_answer(response, backend, path)
        return list(field(answer, "data", backend, path, list, default=[]))

    def has_series(self, selector: str) -> bool:
        if selector not in self._series:
            self._series[selector] = bool(self._get("/api/v1/series", selector))
        return self._series[selector]

    def label_values(self, metric: str, label: str) -> list[str]:
        key = (metric, label)
        if key not in self._values:
            match = f"{{__name__={promql.quote(metric)}}}"
            self._values[key] = sorted(self._get(f"/api/v1/label/{label}/values", match))
        return self._values[key]

    def explain(self, selector: promql.Selector) -> str:
        """Why a selector with no series has none."""
        if selector.metric and not self.has_series(f"{{__name__={promql.quote(selector.metric)}}}"):
            return f"metric {selector.metric} was never seen"
        base = promql.Selector(selector.metric, ())
        for label, op, value in selector.matchers:
            one = promql.Selector(selector.metric, ((label, op, value),))
            if self.has_series(one.promql()):
                continue
            if selector.metric and op in ("=", "=~") and value:
                values = self.label_values(selector.metric, label)
                if not values:
                    return f"label {label} is missing on {selector.metric}"
                shown = ", ".join(values[:MAX_VALUES_SHOWN]) + (", ..." if len(values) > MAX_VALUES_SHOWN else "")
                return f"no {selector.metric} series with {label}{op}{promql.quote(value)} (seen values: {shown})"
            return f"no series of {base.promql()} match {label}{op}{promql.quote(value)}"
        return "no series match all matchers together"


class MetricExistsCheck(Check):
    id = "promql/metric-exists"
    online = True
    description = "with --prometheus: every selector has series in the last 7 days, else says why"

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        client = ctx.options.prometheus_client
        if client is None and ctx.options.prometheus_url:
            client = http_client(ctx.options.prometheus_url)
        if client is None:
            return
        lookup = SeriesLookup(client, ctx.options.lookback_days)
        try:
            for dash in ctx.dashboards:
                for panel, target, expr in prometheus_queries(dash):
                    try:
                        tree = promql.parse(expr)
                    except ValueError:
                        continue
                    for selector in dict.fromkeys(promql.selectors(tree)):
                        concrete = selector.concrete()
                        if (concrete.metric and promql.VARIABLE_VALUE in concrete.metric) or (
                                not concrete.metric and not concrete.matchers):
                            continue
                        if lookup.has_series(concrete.promql()):
                            continue
                        reason = lookup.explain(concrete)
                        severity = None
                        exact = promql.Selector(concrete.metric, tuple(m for m in concrete.matchers if m[1] == "="))
                        if exact != concrete and lookup.has_series(exact.promql()):
                            # only regex/negative matchers select nothing: often normal (no 5xx in a week)
                            severity = Severity.warning
                            reason += " (may be normal, e.g. no errors in that time)"
                        yield self.problem(dash, f"query {target.get('refId', '?')}: {concrete.promql()} has no "
                                           f"series in the last {ctx.options.lookback_days} d: {reason}",
                                           panel=panel, needle=expr, severity=severity)
        except BackendError as exc:
            ctx.backend_errors.append(f"{self.id}: {exc.message}")
