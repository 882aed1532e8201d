"""One lint policy for both linters: the `lint:` section of obskit.yaml applied to dashboards and alerts.

The same finding gets the same severity in `dashboards check` and `alerts check`: per-check overrides
(``lint.severities``) are applied to the problems of both, and ``lint.disable`` may name the checks of
either linter (an id both have, such as ``promql/rate-window``, is off in both).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from obskit.errors import InputError
from obskit.lint import Problem, Severity


@dataclass(frozen=True)
class LintPolicy:
    scrape_interval: str = "30s"
    scrape_interval_seconds: int = 30
    severities: dict[str, str] = field(default_factory=dict)
    disable: frozenset[str] = frozenset()

    def disabled_for(self, known: Iterable[str]) -> set[str]:
        """The disabled ids that this linter has."""
        return set(self.disable) & set(known)

    def apply(self, problems: Iterable[Problem]) -> list[Problem]:
        """Problems with the configured per-check severities."""
        out = []
        for problem in problems:
            level = self.severities.get(problem.check)
            out.append(replace(problem, severity=Severity(level)) if level else problem)
        return out


def known_check_ids() -> list[str]:
    from obskit.alerts.lint import CHECK_IDS
    from obskit.dashboards.lint import check_ids

    return sorted(set(CHECK_IDS) | set(check_ids()))


def policy_from(config: object | None) -> LintPolicy:
    """The effective policy from a Config (or LoadedConfig); defaults without one."""
    config = getattr(config, "config", config)
    lint = getattr(config, "lint", None)
    if lint is None:
        from obskit.config.lint import LintConfig

        lint = LintConfig()
    disable = set(lint.disable)
    named = set(disable) | set(lint.severities)
    unknown = sorted(named - set(known_check_ids()))
    if unknown:
        where = "lint.disable" if unknown[0] in disable else "lint.severities"
        raise InputError(f"config {where}: unknown check id {unknown[0]!r}; known: "
                         f"{', '.join(known_check_ids())}")
    return LintPolicy(scrape_interval=lint.scrape_interval, scrape_interval_seconds=lint.scrape_interval_seconds(),
                      severities=dict(lint.severities), disable=frozenset(disable))
