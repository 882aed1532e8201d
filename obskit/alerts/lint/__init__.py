"""Alerts lint: one check per file (see README.md in this folder for the list and how to turn checks off)."""

from __future__ import annotations

from dataclasses import dataclass, field

from obskit.alerts.lint.absent_for import AbsentFor
from obskit.alerts.lint.alert_annotations import AlertAnnotations
from obskit.alerts.lint.alert_comparison import AlertComparison
from obskit.alerts.lint.alert_for import AlertFor
from obskit.alerts.lint.alert_for_value import AlertForValue
from obskit.alerts.lint.alert_name import AlertName
from obskit.alerts.lint.alert_runbook import AlertRunbook
from obskit.alerts.lint.alert_severity import AlertSeverity
from obskit.alerts.lint.base import Check, LintContext, LintOptions
from obskit.alerts.lint.disable import suppressor
from obskit.alerts.lint.duplicates import Duplicates
from obskit.alerts.lint.group_names import GroupNames
from obskit.alerts.lint.label_name import LabelName
from obskit.alerts.lint.promql_impossible import PromqlImpossible
from obskit.alerts.lint.promql_regexp import PromqlRegexp
from obskit.alerts.lint.promql_syntax import PromqlSyntax
from obskit.alerts.lint.rate_counter import RateCounter
from obskit.alerts.lint.rate_window import RateWindow
from obskit.alerts.lint.record_name import RecordName
from obskit.alerts.lint.rule_dropped_labels import RuleDroppedLabels
from obskit.alerts.lint.series_exist import SeriesExist
from obskit.alerts.lint.slo_calendar import SloCalendarWindow
from obskit.alerts.lint.template_labels import TemplateDroppedLabels
from obskit.alerts.lint.templates import TemplateSyntax
from obskit.alerts.model import RuleSet
from obskit.errors import BackendError, InputError
from obskit.lint import Problem, sort_problems

CHECKS: list[type[Check]] = [
    PromqlSyntax, AlertSeverity, AlertAnnotations, AlertRunbook, AlertName, AlertFor, RateWindow, AbsentFor,
    Duplicates, TemplateSyntax, RecordName, SeriesExist, RateCounter, AlertComparison, AlertForValue,
    PromqlRegexp, LabelName, PromqlImpossible, TemplateDroppedLabels, RuleDroppedLabels, GroupNames,
    SloCalendarWindow,
]
CHECK_IDS = sorted(c.id for c in CHECKS)


@dataclass
class LintReport:
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # online checks skipped (no Prometheus URL)
    backend_errors: list[str] = field(default_factory=list)


def lint(rulesets: list[RuleSet], options: LintOptions) -> LintReport:
    unknown = sorted(options.disable - set(CHECK_IDS))
    if unknown:
        raise InputError(f"unknown check id {unknown[0]!r} to disable (known: {', '.join(CHECK_IDS)})")
    ctx = LintContext(options=options, rulesets=rulesets)
    report = LintReport()
    if options.prometheus_url:
        from obskit.alerts.lint.online import PrometheusFacts

        ctx.prometheus = PrometheusFacts(options.prometheus_url, prometheus=options.prometheus_config)
    for check_cls in CHECKS:
        if check_cls.id in options.disable:
            continue
        if check_cls.online and ctx.prometheus is None:
            report.skipped.append(check_cls.id)
            continue
        check = check_cls()
        for ruleset in rulesets:
            try:
                report.problems.extend(check.check(ruleset, ctx))
            except BackendError as exc:
                report.backend_errors.append(f"{check_cls.id}: {exc.message}")
                ctx.prometheus = None  # one clear failure, not one per rule
                break
    # an SLO query written once feeds seven SLI rules: report each problem once
    unique: dict[tuple, Problem] = {}
    suppressed = suppressor(rulesets)
    report.problems = [p for p in report.problems if not suppressed(p)]
    for problem in report.problems:
        unique.setdefault((problem.check, problem.file, problem.line, problem.column, problem.message), problem)
    problems = list(unique.values())
    report.problems = sort_problems(options.policy.apply(problems) if options.policy is not None else problems)
    return report


__all__ = ["CHECKS", "CHECK_IDS", "LintOptions", "LintReport", "lint"]
