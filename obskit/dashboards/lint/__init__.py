"""Dashboard lint checks, one per file (see README.md here for the list and how to turn one off)."""

from __future__ import annotations

from obskit.dashboards.lint.base import Check, LintContext, LintOptions
from obskit.dashboards.lint.datasource import DatasourceCheck
from obskit.dashboards.lint.grid_overlap import GridOverlapCheck
from obskit.dashboards.lint.metric_exists import MetricExistsCheck
from obskit.dashboards.lint.panel_ids import PanelIdsCheck
from obskit.dashboards.lint.promql_syntax import PromqlSyntaxCheck
from obskit.dashboards.lint.rate_window import RateWindowCheck
from obskit.dashboards.lint.stale import StaleBuildCheck
from obskit.dashboards.lint.title_unique import TitleUniqueCheck
from obskit.dashboards.lint.uid import UidCheck
from obskit.dashboards.lint.uid_unique import UidUniqueCheck
from obskit.dashboards.lint.variables import VariablesCheck
from obskit.lint import Problem

CHECKS: list[type[Check]] = [
    UidCheck, UidUniqueCheck, TitleUniqueCheck, PanelIdsCheck, GridOverlapCheck, DatasourceCheck,
    VariablesCheck, PromqlSyntaxCheck, RateWindowCheck, MetricExistsCheck, StaleBuildCheck,
]
DISABLE_TAG = "obskit-disable:"  # a dashboard tag "obskit-disable:<check id>" turns a check off for it


def check_ids() -> list[str]:
    return [c.id for c in CHECKS]


def run_checks(ctx: LintContext) -> list[Problem]:
    """Run every enabled check; online checks only when a Prometheus URL or client is set."""
    unknown = ctx.options.disabled - set(check_ids())
    if unknown:
        from obskit.errors import InputError

        raise InputError(f"--disable: unknown check(s) {', '.join(sorted(unknown))}; known: {', '.join(check_ids())}")
    muted = {
        (str(d.file), tag[len(DISABLE_TAG):])
        for d in ctx.dashboards for tag in d.data.get("tags") or []
        if isinstance(tag, str) and tag.startswith(DISABLE_TAG)
    }
    problems: list[Problem] = []
    for check_cls in CHECKS:
        if check_cls.id in ctx.options.disabled:
            continue
        if check_cls.online and not (ctx.options.prometheus_url or ctx.options.prometheus_client):
            continue
        for problem in check_cls().check(ctx):
            if (problem.file, problem.check) not in muted:
                problems.append(problem)
    return ctx.options.policy.apply(problems) if ctx.options.policy is not None else problems


def skipped_online(options: LintOptions) -> list[str]:
    """Ids of the online checks a run with these options skips (no Prometheus URL, or --offline)."""
    if options.prometheus_url or options.prometheus_client:
        return []
    return [c.id for c in CHECKS if c.online and c.id not in options.disabled]


__all__ = ["CHECKS", "Check", "LintContext", "LintOptions", "run_checks", "check_ids", "skipped_online"]
