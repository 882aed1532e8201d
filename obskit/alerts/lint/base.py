"""What every alerts check shares: options, the check base class, PromQL walking, problem building."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar

import promql_parser

from obskit.alerts.model import Alert, Group, Origin, Record, RuleSet
from obskit.lint import Problem, Severity

Rule = Alert | Record


@dataclass
class LintOptions:
    severities: tuple[str, ...] = ("critical", "warning", "info")  # allowed values of the severity label
    require_for: bool = True  # alerts need `for:` (SLO burn-rate alerts are exempt: the windows debounce)
    scrape_interval: str = "30s"  # lint.scrape_interval (obskit/config/lint-defaults.yaml)
    disable: set[str] = field(default_factory=set)  # check ids to skip
    prometheus_url: str | None = None  # enables online checks
    prometheus_config: Any = None  # obskit.config.PrometheusConfig: auth/TLS when prometheus_url is that one
    record_name_allow: tuple[str, ...] = ("sloth_slo_info",)  # Sloth's name, kept for compatibility
    policy: Any = None  # obskit.lintpolicy.LintPolicy: per-check severities shared with the dashboards lint


@dataclass
class LintContext:
    options: LintOptions
    rulesets: list[RuleSet]
    prometheus: Any = None  # obskit.alerts.lint.online.PrometheusFacts when online checks run


class Check:
    id: ClassVar[str]
    severity: ClassVar[Severity] = Severity.error
    online: ClassVar[bool] = False
    summary: ClassVar[str] = ""

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:  # pragma: no cover - abstract
        raise NotImplementedError

    def problem(self, ruleset: RuleSet, rule: Rule | Group, message: str, field_name: str | None = None,
                offset: int | None = None, severity: Severity | None = None) -> Problem:
        origin = ruleset.where(rule, field_name)
        key = getattr(rule, "key", None)
        if offset is not None and field_name == "expr" and key is not None and ruleset.doc is not None:
            origin = ruleset.doc.position((*key, "expr"), offset)
        elif offset is not None and field_name == "expr" and ruleset.kind == "rules-py" and origin.column:
            text = origin.text or ""
            quoted = text[origin.column - 1:origin.column] in ("'", '"')
            origin = Origin(origin.file, origin.line, origin.column + offset + (1 if quoted else 0), origin.text)
        kind = "alert" if isinstance(rule, Alert) else "record" if isinstance(rule, Record) else "group"
        return Problem(check=self.id, severity=severity or self.severity, message=message, file=origin.file,
                       line=origin.line, column=origin.column, context=f"{kind} {rule.name}",
                       source_line=origin.text)


@lru_cache(maxsize=8192)
def _parsed(expr: str) -> Any:
    """The AST of ``expr``, or the error promql-parser raised for it; cached: every check (and the build's
    own syntax gate) walks the same rules."""
    try:
        return promql_parser.parse(expr)
    except (ValueError, TypeError) as exc:
        return exc.with_traceback(None)


def parse(expr: str) -> Any | None:
    """The PromQL AST of ``expr`` (None when it does not parse)."""
    found = _parsed(expr)
    return None if isinstance(found, ValueError | TypeError) else found


def parse_error(expr: str) -> ValueError | TypeError | None:
    """Why ``expr`` does not parse as PromQL (promql-parser's error), None when it parses."""
    found = _parsed(expr)
    return found if isinstance(found, ValueError | TypeError) else None


def walk(node: Any) -> Iterator[Any]:
    """Every node of a promql_parser AST, depth first."""
    yield node
    for attr in ("lhs", "rhs", "expr", "vector_selector", "param"):
        child = getattr(node, attr, None)
        if child is not None and type(child).__module__.startswith("promql_parser"):
            yield from walk(child)
    for child in getattr(node, "args", None) or []:
        yield from walk(child)


def calls(node: Any, names: set[str]) -> Iterator[Any]:
    for item in walk(node):
        if type(item).__name__ == "Call" and item.func.name in names:
            yield item


def selectors(node: Any) -> Iterator[Any]:
    for item in walk(node):
        if type(item).__name__ == "VectorSelector":
            yield item

