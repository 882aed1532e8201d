"""The alerts parts of ``obskit check``: "alerts" (lint) and "alerts-test" (promtool unit tests)."""

from __future__ import annotations

from pathlib import Path

from obskit.alerts.lint import LintOptions, lint
from obskit.alerts.promtool import run_tests
from obskit.alerts.rulefiles import load_all, windows_dirs
from obskit.check import CheckOptions, PartResult
from obskit.errors import BackendError, InputError
from obskit.lint import Problem, Severity


def lint_options(config: object | None, prometheus_url: str | None = None,
                 disable: list[str] | None = None) -> LintOptions:
    """Alerts lint options from obskit.yaml: the shared `lint:` section plus `alerts.lint`."""
    from obskit.alerts.lint import CHECK_IDS
    from obskit.lintpolicy import policy_from

    config = getattr(config, "config", config)  # a LoadedConfig or a Config
    policy = policy_from(config)
    settings = getattr(getattr(config, "alerts", None), "lint", None)
    options = LintOptions(prometheus_url=prometheus_url,
                          prometheus_config=getattr(config, "prometheus", None), policy=policy)
    options.scrape_interval = policy.scrape_interval
    options.disable = policy.disabled_for(CHECK_IDS)
    if settings is not None:
        options.severities = tuple(settings.severities)
        options.require_for = settings.require_for
        options.scrape_interval = settings.scrape_interval or policy.scrape_interval
        options.disable |= set(settings.disable)
        options.record_name_allow = tuple(settings.record_name_allow)
    options.disable |= set(disable or [])
    return options


def slo_period(config: object | None) -> str:
    """``alerts.slo_period`` of a LoadedConfig or Config (30d without one, Sloth's default)."""
    config = getattr(config, "config", config)
    return str(getattr(getattr(config, "alerts", None), "slo_period", "30d"))


def _alerts_dir(options: CheckOptions) -> Path:
    return options.root / "alerts"


def lint_part(options: CheckOptions) -> PartResult:
    result = PartResult(name="alerts")
    root = _alerts_dir(options)
    if not root.is_dir():
        result.summary = f"no {root} directory; nothing to check"
        result.empty = True
        return result
    try:
        rulesets = load_all([root], windows_dirs([root]), slo_period(options.config))
        report = lint(rulesets, lint_options(options.config, options.prometheus_url))
    except InputError as exc:
        result.input_errors.append(exc.message)
        result.summary = "input error"
        return result
    result.problems = report.problems
    result.backend_errors = report.backend_errors
    result.skipped_online = list(report.skipped)
    rules = sum(len(rs.rules()) for rs in rulesets)
    result.empty = not rulesets
    errors = sum(p.severity is Severity.error for p in report.problems)
    warnings = sum(p.severity is Severity.warning for p in report.problems)
    skipped = (", online checks incomplete (Prometheus failed)" if report.backend_errors
               else f", online checks skipped ({options.offline_reason})" if report.skipped else "")
    result.summary = f"{len(rulesets)} files, {rules} rules, {errors} errors, {warnings} warnings{skipped}"
    return result


def test_part(options: CheckOptions) -> PartResult:
    result = PartResult(name="alerts-test")
    root = _alerts_dir(options)
    if not root.is_dir():
        result.summary = f"no {root} directory; nothing to test"
        result.empty = True
        return result
    try:
        results = run_tests([root], windows_dirs([root]), slo_period(options.config))
    except InputError as exc:
        result.input_errors.append(exc.message)
        result.summary = "input error"
        return result
    except BackendError as exc:
        result.backend_errors.append(exc.message)
        result.summary = "promtool failed"
        return result
    for test in results:
        if not test.passed:
            result.problems.append(Problem(check="promtool/test", severity=Severity.error, file=test.file,
                                           message="promtool unit test failed:\n" + test.output.rstrip()))
    failed = sum(not t.passed for t in results)
    result.empty = not results
    result.summary = f"{len(results)} promtool test files, {len(results) - failed} passed, {failed} failed"
    return result
