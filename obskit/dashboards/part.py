"""Load + lint dashboards as one step, and the dashboards part of `obskit check`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from obskit.check import CheckOptions, PartResult
from obskit.dashboards.lint import LintContext, LintOptions, check_ids, run_checks, skipped_online
from obskit.dashboards.model import BUILD_DIR, DEFAULT_DIR, LoadResult, load
from obskit.lint import Problem, Severity


@dataclass
class LintRun:
    loaded: LoadResult
    problems: list[Problem] = field(default_factory=list)
    backend_errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        errors = sum(p.severity is Severity.error for p in self.problems)
        warnings = sum(p.severity is Severity.warning for p in self.problems)
        text = f"{len(self.loaded.dashboards)} dashboards, {errors} errors, {warnings} warnings"
        if self.loaded.errors:
            text += f", {len(self.loaded.errors)} files failed to load"
        if self.backend_errors:
            text += ", online checks incomplete"
        return text


def prometheus_client(url: str, config: object | None) -> object:
    """An httpx client for Prometheus with the config's auth and TLS when the URL is the configured one."""
    from obskit.transport import prometheus_client as client_for

    return client_for(url, getattr(config, "prometheus", None))


def lint_options(config: object | None, prometheus_url: str | None = None, disable: list[str] | None = None,
                 scrape_interval_seconds: int | None = None, datasources: list[str] | None = None) -> LintOptions:
    """Dashboards lint options from the shared `lint:` section of obskit.yaml plus command-line flags."""
    from obskit.dashboards.lint.base import STACK_DATASOURCE_UIDS
    from obskit.lintpolicy import policy_from

    policy = policy_from(config)
    options = LintOptions(scrape_interval_seconds=scrape_interval_seconds or policy.scrape_interval_seconds,
                          known_datasources=set(STACK_DATASOURCE_UIDS) | set(datasources or []),
                          prometheus_url=prometheus_url,
                          disabled=policy.disabled_for(check_ids()) | set(disable or []), policy=policy)
    if prometheus_url:
        options.prometheus_client = prometheus_client(prometheus_url, getattr(config, "config", config))
    return options


def lint_paths(paths: list[Path], options: LintOptions) -> LintRun:
    """Load and lint; a single directory also has its committed build output (<dir>/generated) checked."""
    loaded = load(paths)
    if options.build_dir is None and len(paths) == 1 and paths[0].is_dir():
        options.build_dir = paths[0] / BUILD_DIR
        options.complete = True
    ctx = LintContext(loaded.dashboards, options)
    problems = run_checks(ctx)
    return LintRun(loaded, problems, ctx.backend_errors)


def run_part(options: CheckOptions) -> PartResult:
    """`obskit check` part: every dashboard under <root>/dashboards builds and lints clean."""
    root = options.root / DEFAULT_DIR
    if not root.is_dir():
        return PartResult("dashboards", summary=f"no {DEFAULT_DIR}/ directory under {options.root}; skipped",
                          empty=True)
    chosen = lint_options(options.config, options.prometheus_url)
    run = lint_paths([root], chosen)
    return PartResult(
        "dashboards",
        problems=run.problems,
        input_errors=[str(e) for e in run.loaded.errors],
        backend_errors=run.backend_errors,
        summary=run.summary(),
        skipped_online=skipped_online(chosen),
        empty=not run.loaded.dashboards and not run.loaded.errors,
    )
