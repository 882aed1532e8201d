"""PromQL inside dashboards: substitute Grafana macros and variables, parse, and walk the AST.

Grafana expands ``$__rate_interval``, ``$__interval``, ``$__range`` and template variables before the
query reaches Prometheus, so a raw panel expression does not parse. We substitute recognisable
placeholders (sentinel durations for ranges, a sentinel identifier elsewhere) and parse the result
with promql-parser; checks recognise the sentinels afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import promql_parser

from obskit.dashboards.model import iter_panels
from obskit.quoting import promql_string as quote

RATE_INTERVAL_SECONDS = 4242  # $__rate_interval
INTERVAL_SECONDS = 4243  # $__interval
RANGE_SECONDS = 4244  # $__range
VARIABLE_SECONDS = 4245  # a template variable in a range position
VARIABLE_VALUE = "obskit_variable"

_REF = re.compile(r"\$\{(\w+)(?:[.:][^}]*)?\}|\$(\w+)|\[\[(\w+)(?::\w+)?\]\]")
_NUMBER_MACROS = {"__range_s": "86400", "__range_ms": "86400000", "__interval_ms": "15000"}
_DURATION_MACROS = {"__rate_interval": RATE_INTERVAL_SECONDS, "__interval": INTERVAL_SECONDS,
                    "__range": RANGE_SECONDS}


def _in_brackets(text: str, pos: int) -> bool:
    return text.rfind("[", 0, pos) > text.rfind("]", 0, pos)


def _replacement(match: re.Match[str]) -> str:
    name = match.group(1) or match.group(2) or match.group(3)
    if name in _NUMBER_MACROS:
        return _NUMBER_MACROS[name]
    in_range = _in_brackets(match.string, match.start())
    if name in _DURATION_MACROS:
        return f"{_DURATION_MACROS[name]}s" if in_range else str(_DURATION_MACROS[name])
    return f"{VARIABLE_SECONDS}s" if in_range else VARIABLE_VALUE


def substitute(expr: str) -> str:
    """The expression with Grafana macros and variables replaced by parseable placeholders."""
    return _REF.sub(_replacement, expr)


def substitute_mapped(expr: str) -> tuple[str, Callable[[int], int]]:
    """:func:`substitute`, plus a map from an offset in the result back to the offset in ``expr``
    (an offset inside a placeholder maps to the start of the macro or variable it replaced)."""
    parts: list[str] = []
    spans: list[tuple[int, int, int, int]] = []  # (new start, new end, old start, old end)
    pos = length = 0
    for match in _REF.finditer(expr):
        parts.append(expr[pos:match.start()])
        length += match.start() - pos
        text = _replacement(match)
        spans.append((length, length + len(text), match.start(), match.end()))
        parts.append(text)
        length += len(text)
        pos = match.end()
    parts.append(expr[pos:])

    def back(offset: int) -> int:
        shift = 0
        for new_start, new_end, old_start, old_end in spans:
            if offset < new_start:
                break
            if offset < new_end:
                return old_start
            shift = old_end - new_end
        return offset + shift

    return "".join(parts), back


@dataclass(frozen=True)
class Selector:
    metric: str | None
    matchers: tuple[tuple[str, str, str], ...]  # (label, op "=", "!=", "=~", "!~", value)

    def concrete(self) -> Selector:
        """The selector without matchers on template variables (their values are unknown offline)."""
        return Selector(self.metric, tuple(m for m in self.matchers if VARIABLE_VALUE not in m[2]))

    def promql(self) -> str:
        parts = [f"{label}{op}{quote(value)}" for label, op, value in self.matchers]
        return f"{self.metric or ''}{{{','.join(parts)}}}"


_OPS = {"Equal": "=", "NotEqual": "!=", "Re": "=~", "NotRe": "!~"}


def panel_queries(data: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any], str]]:
    """(panel, target, expr) for every target of a dashboard's panels (collapsed rows and the pre-5.0 ``rows``
    included) that carries a PromQL ``expr``: the target's datasource type, else its panel's, is Prometheus
    or not given (Loki and others also use ``expr``; a mixed panel's targets name their own)."""
    for panel in iter_panels(data):
        panel_type = _ds_type(panel.get("datasource"))
        for target in panel.get("targets") or []:
            if not isinstance(target, dict) or not isinstance(target.get("expr"), str):
                continue
            ds_type = _ds_type(target.get("datasource")) or panel_type
            if ds_type not in (None, "prometheus"):
                continue
            if target.get("expr").strip():
                yield panel, target, target["expr"]


def _ds_type(ref: Any) -> str | None:
    if isinstance(ref, dict) and isinstance(ref.get("type"), str):
        return ref["type"]
    return None


def parse(expr: str) -> Any:
    """Parse after substitution; raises ValueError with promql-parser's message."""
    return promql_parser.parse(substitute(expr))


def _children(node: Any) -> Iterator[Any]:
    name = type(node).__name__
    if name == "Call":
        yield from node.args
    elif name == "BinaryExpr":
        yield node.lhs
        yield node.rhs
    elif name == "AggregateExpr":
        yield node.expr
        if node.param is not None:
            yield node.param
    elif name == "MatrixSelector":
        yield node.vector_selector
    elif name in ("ParenExpr", "UnaryExpr", "SubqueryExpr"):
        yield node.expr


def walk(node: Any) -> Iterator[Any]:
    yield node
    for child in _children(node):
        yield from walk(child)


def selectors(node: Any) -> list[Selector]:
    found = []
    for item in walk(node):
        if type(item).__name__ == "VectorSelector":
            matchers = []
            for m in item.matchers.matchers:
                if m.name == "__name__":
                    continue
                op = _OPS.get(str(m.op).rsplit(".", 1)[-1], "=")
                matchers.append((m.name, op, m.value))
            found.append(Selector(item.name, tuple(sorted(matchers))))
    return found


def range_calls(node: Any) -> list[tuple[str, int]]:
    """(function, range in seconds) for every function call over a range vector selector."""
    found = []
    for item in walk(node):
        if type(item).__name__ == "Call":
            for arg in item.args:
                if type(arg).__name__ == "MatrixSelector":
                    found.append((item.func.name, int(arg.range.total_seconds())))
    return found
