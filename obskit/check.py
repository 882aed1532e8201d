"""`obskit check`: the one command CI runs over the as-code tree.

Each part (dashboards, alerts, ...) is a function ``run(options) -> PartResult``; this module runs them
in order and folds their results into one summary and one exit code. Parts are registered in PARTS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from obskit.errors import EXIT_BACKEND, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from obskit.lint import Problem, has_errors


@dataclass
class CheckOptions:
    root: Path  # the as-code tree (contains dashboards/, alerts/)
    prometheus_url: str | None = None  # enables online checks
    config: object | None = None  # obskit.config.Config when loaded
    offline_reason: str = "no Prometheus URL"  # why online checks are skipped when prometheus_url is None


@dataclass
class PartResult:
    name: str  # "dashboards", "alerts", "alerts-test", ...
    problems: list[Problem] = field(default_factory=list)
    input_errors: list[str] = field(default_factory=list)  # files that could not be loaded at all
    backend_errors: list[str] = field(default_factory=list)  # e.g. promtool or Prometheus failed
    summary: str = ""  # one line for people: "12 dashboards, 0 errors, 2 warnings"
    skipped_online: list[str] = field(default_factory=list)  # ids of online checks not run (no URL, --offline)
    empty: bool = False  # the tree holds nothing for this part (no directory, no files): it checked nothing

    @property
    def exit_code(self) -> int:
        if self.input_errors:
            return EXIT_USAGE
        if has_errors(self.problems):
            return EXIT_FINDINGS
        if self.backend_errors:
            return EXIT_BACKEND
        return EXIT_OK


Part = Callable[[CheckOptions], PartResult]

# (name, import path "module:function"); imported lazily so one part's dependencies never slow another
PARTS: list[tuple[str, str]] = [
    ("dashboards", "obskit.dashboards.part:run_part"),
    ("alerts", "obskit.alerts.parts:lint_part"),
    ("alerts-test", "obskit.alerts.parts:test_part"),
    ("deploy", "obskit.deploy.check_part:run"),
]


def load_part(spec: str) -> Part:
    import importlib

    module_name, _, func = spec.partition(":")
    return getattr(importlib.import_module(module_name), func)


def run_check(options: CheckOptions, only: list[str] | None = None) -> list[PartResult]:
    results = []
    for name, spec in PARTS:
        if only and name not in only:
            continue
        results.append(load_part(spec)(options))
    return results


# parts that check the tree's own files; `deploy` renders obskit's chart whatever the tree holds
TREE_PARTS = ("dashboards", "alerts", "alerts-test")


def nothing_to_check(results: list[PartResult]) -> bool:
    """True when every part that ran found nothing of the tree's to check (a CI job in the wrong directory).

    The deploy part alone (``--only deploy``) checks obskit's chart, which is something; beside tree parts
    that found nothing it is not counted, as it would pass on any directory.
    """
    tree = [r for r in results if r.name in TREE_PARTS]
    if not tree:
        return False
    return all(r.empty for r in tree)


def overall_exit_code(results: list[PartResult]) -> int:
    """Input errors (2) beat findings (1) beat backend failures (3) beat ok (0)."""
    codes = {r.exit_code for r in results}
    for code in (EXIT_USAGE, EXIT_FINDINGS, EXIT_BACKEND):
        if code in codes:
            return code
    return EXIT_OK
