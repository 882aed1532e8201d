"""online/series: every selector matches series in Prometheus; when not, say why (online check).

Reasons, in the order tried: the metric was never seen in the last 7 days; a label matcher excludes
every series (with the values that do exist); the series existed in the last 7 days but are gone now.
Series written by the rules being checked (recording rules, ALERTS) are skipped.

Severity matches the dashboards' promql/metric-exists for the same finding: an error, except when only
regex or negative matchers select nothing (often normal, e.g. no 5xx in a week), which is a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from obskit.alerts.lint.base import Check, LintContext, parse, selectors
from obskit.alerts.lint.online import LOOKBACK_SECONDS, PrometheusFacts
from obskit.alerts.model import Record, RuleSet
from obskit.lint import Problem, Severity

SKIP = {"ALERTS", "ALERTS_FOR_STATE"}


def _matcher_text(m: Any) -> str:
    """A promql_parser label matcher back to PromQL text, value escaped."""
    op = {"MatchOp.Equal": "=", "MatchOp.NotEqual": "!=", "MatchOp.Re": "=~", "MatchOp.NotRe": "!~"}
    value = m.value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{m.name}{op.get(str(m.op), "=")}"{value}"'


class SeriesExist(Check):
    id = "online/series"
    severity = Severity.error
    online = True
    summary = "selectors match series in Prometheus (says why not)"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        facts = ctx.prometheus
        recorded = {rule.name for rs in ctx.rulesets for _g, rule in rs.rules() if isinstance(rule, Record)}
        for _group, rule in ruleset.rules():
            tree = parse(rule.expr)
            if tree is None:
                continue
            for vs in selectors(tree):
                name = vs.name
                matchers = [m for m in vs.matchers.matchers if m.name != "__name__"]
                if not name or name in recorded or name in SKIP:
                    continue
                full = name + "{" + ",".join(_matcher_text(m) for m in matchers) + "}"
                if facts.series(full):
                    continue
                offset = rule.expr.find(name)
                message, severity = self._why(facts, name, matchers, full), None
                exact = [m for m in matchers if str(m.op) == "MatchOp.Equal"]
                if len(exact) != len(matchers) and facts.series(
                        name + "{" + ",".join(_matcher_text(m) for m in exact) + "}"):
                    severity = Severity.warning
                    message += " (may be normal, e.g. no errors in that time)"
                yield self.problem(ruleset, rule, message, "expr", offset if offset >= 0 else None,
                                   severity=severity)

    def _why(self, facts: PrometheusFacts, name: str, matchers: list[Any], full: str) -> str:
        seen = facts.series(name, LOOKBACK_SECONDS)
        if not seen:
            return f"metric {name} does not exist in Prometheus (no series in the last 7 days); check the name " \
                   "and that its exporter is scraped"
        for m in matchers:
            rest = [x for x in matchers if x is not m]
            sel = name + "{" + ",".join(_matcher_text(x) for x in rest) + "}"
            if facts.series(sel, LOOKBACK_SECONDS):
                values = sorted({s.get(m.name, "") for s in seen if m.name in s})[:5]
                present = f"values present: {', '.join(values)}" if values else f"no series has label {m.name}"
                return f"{name} exists but no series matches {_matcher_text(m)} ({present})"
        if facts.series(full, LOOKBACK_SECONDS):
            return f"{full} had series in the last 7 days but none now: the target stopped exporting it or is down"
        return f"no series match {full}, though {name} exists; the matchers together exclude every series"
