"""slo/calendar-window: an OpenSLO calendar-aligned time window was approximated by a rolling one.

Prometheus ranges always end at the evaluation time, so a ``1M`` window starting on the 1st cannot be
expressed: obskit generates the SLO over a rolling window of the same nominal length (1M -> 30d) and
records what it did in the ``openslo_calendar`` label of ``sloth_slo_info``. This check says so where the
SLO is written. Turn it off (``--disable slo/calendar-window``) once the approximation is accepted.
"""

from __future__ import annotations

from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.model import Record, RuleSet
from obskit.lint import Problem, Severity


class SloCalendarWindow(Check):
    id = "slo/calendar-window"
    severity = Severity.warning
    summary = "OpenSLO calendar-aligned windows are approximated by rolling windows"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        if ruleset.kind != "slo":
            return
        for _group, rule in ruleset.rules():
            note = rule.labels.get("openslo_calendar") if isinstance(rule, Record) else None
            if rule.name != "sloth_slo_info" or not note:
                continue
            period = rule.labels.get("sloth_period", "")
            yield self.problem(ruleset, rule, f"calendar-aligned timeWindow {note}: Prometheus cannot align ranges "
                               f"to the calendar, so the SLI, budget and burn rates cover the last {period} at any "
                               "time, not the calendar period so far; use a rolling window to silence this")
