"""online/rate-counter: rate()/increase()/irate() only over counters, per Prometheus' metadata API.

rate() over a gauge gives nonsense whenever the gauge goes down (it is read as a counter reset).
Metrics without metadata (recording rules, backfilled data, federated series) are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext, calls, parse, selectors
from obskit.alerts.model import RuleSet
from obskit.lint import Problem, Severity

COUNTER_FUNCS = {"rate", "increase", "irate", "resets"}
COUNTER_TYPES = {"counter", "histogram", "summary", "gaugehistogram", "unknown"}


class RateCounter(Check):
    id = "online/rate-counter"
    severity = Severity.error
    online = True
    summary = "rate/increase only over counters (metadata API)"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for _group, rule in ruleset.rules():
            tree = parse(rule.expr)
            if tree is None:
                continue
            for call in calls(tree, COUNTER_FUNCS):
                for vs in selectors(call):
                    kind = ctx.prometheus.metric_type(vs.name) if vs.name else None
                    if kind is None or kind in COUNTER_TYPES:
                        continue
                    offset = rule.expr.find(vs.name)
                    yield self.problem(ruleset, rule, f"{call.func.name}() over {vs.name}, which Prometheus' "
                                       f"metadata says is a {kind}, not a counter; use deriv() or delta() for "
                                       "gauges", "expr", offset if offset >= 0 else None)
