"""What every dashboard check shares: the context it runs in and how it words a problem."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from obskit.dashboards.model import Dashboard, panel_label
from obskit.lint import Problem, Severity

# datasource uids `obskit deploy` provisions (charts/obskit-stack/templates/grafana-datasources.yaml)
STACK_DATASOURCE_UIDS = frozenset({"prometheus", "logs", "jaeger"})


@dataclass
class LintOptions:
    scrape_interval_seconds: int = 30  # rate windows must be >= 2x this (lint.scrape_interval)
    # literal datasource uids that exist: the stack's, plus any given with --datasource
    known_datasources: set[str] = field(default_factory=lambda: set(STACK_DATASOURCE_UIDS))
    prometheus_url: str | None = None  # enables online checks
    prometheus_client: Any = None  # an httpx.Client for Prometheus (built from config), optional
    lookback_days: int = 7  # metric-exists: a selector must have series within this window
    build_dir: Path | None = None  # committed build output to compare (stale check)
    complete: bool = True  # the whole tree was loaded (extra build files are then stale too)
    disabled: set[str] = field(default_factory=set)
    policy: Any = None  # obskit.lintpolicy.LintPolicy: per-check severities shared with the alerts lint


@dataclass
class LintContext:
    dashboards: list[Dashboard]
    options: LintOptions = field(default_factory=LintOptions)
    backend_errors: list[str] = field(default_factory=list)  # an online check could not run


class Check:
    """One lint check: subclasses set id/severity/description and implement ``check``."""

    id: ClassVar[str]
    severity: ClassVar[Severity] = Severity.error
    online: ClassVar[bool] = False
    description: ClassVar[str] = ""

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        raise NotImplementedError

    def problem(self, dash: Dashboard, message: str, *, panel: dict[str, Any] | None = None,
                needle: str | None = None, key: str | None = None, node: Any = None,
                severity: Severity | None = None) -> Problem:
        """A problem placed from the parsed structure: inside ``node`` (default: the panel, else the whole
        dashboard) at its member ``key``, else at the string value ``needle``, else at the node's title."""
        where = node if node is not None else panel
        if where is None and key is None and needle is None:
            key = "uid" if "uid" in dash.data else "title"
        line, col, source = dash.locate(where, needle=needle, key=key)
        context = panel_label(panel) if panel is not None else f'dashboard "{dash.title}"'
        return Problem(self.id, severity or self.severity, message, str(dash.file), line, col, context, source)
