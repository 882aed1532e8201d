"""record/name: recording rule names follow ``level:metric:operations`` (Prometheus naming practice),
e.g. ``job:http_requests:rate5m``. Names in ``alerts.lint.record_name_allow`` are accepted as they are."""

from __future__ import annotations

import re
from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.model import Record, RuleSet
from obskit.lint import Problem, Severity

LEVEL_METRIC_OPS = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_]*(:[a-zA-Z0-9_]+)+$")


class RecordName(Check):
    id = "record/name"
    severity = Severity.warning
    summary = "recording rule names are level:metric:operations"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for _group, rule in ruleset.rules():
            if isinstance(rule, Record) and rule.name not in ctx.options.record_name_allow \
                    and not LEVEL_METRIC_OPS.match(rule.name):
                yield self.problem(ruleset, rule, f"recording rule {rule.name!r} does not follow "
                                   "level:metric:operations, e.g. job:http_requests:rate5m", "name")
