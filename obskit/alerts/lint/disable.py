"""Per-rule disable comments: ``# obskit disable CHECK`` (several ids separated by spaces or commas).

Written on the lines just above a rule (``- alert: X``) or inside it, in YAML rule files and in
``*.rules.py`` next to the ``Alert(...)`` call, the way pint's ``# pint disable`` works. It turns the
named checks off for that rule only; ``alerts.lint.disable`` and ``--disable`` turn them off everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from obskit.alerts.model import RuleSet
from obskit.lint import Problem

COMMENT = re.compile(r"#\s*obskit\s+disable\s+([\w/.,\s-]+)$")


@dataclass(frozen=True)
class Span:
    first: int  # 1-based, inclusive: the comment block above the rule
    last: int  # 1-based, inclusive: the line before the next rule
    checks: frozenset[str]


def _ids(line: str) -> set[str]:
    match = COMMENT.search(line.strip())
    return set(re.split(r"[\s,]+", match.group(1).strip())) if match else set()


def spans(ruleset: RuleSet) -> list[Span]:
    """Line spans of the rules of one file that carry disable comments."""
    starts = sorted({rule.origin.line for _, rule in ruleset.rules()
                     if rule.origin is not None and rule.origin.line and rule.origin.file == ruleset.path})
    lines = ruleset.lines
    out = []
    for i, start in enumerate(starts):
        end = (starts[i + 1] - 1) if i + 1 < len(starts) else len(lines)
        first = start
        while first > 1 and lines[first - 2].strip().startswith("#"):
            first -= 1
        checks: set[str] = set()
        for number in range(first, end + 1):
            checks |= _ids(lines[number - 1])
        if checks:
            out.append(Span(first, end, frozenset(checks)))
    return out


def suppressor(rulesets: list[RuleSet]) -> Callable[[Problem], bool]:
    """A predicate: is this problem turned off by a disable comment? (spans computed once per file)"""
    by_file = {rs.path: found for rs in rulesets if (found := spans(rs))}

    def suppressed(problem: Problem) -> bool:
        if problem.line is None:
            return False
        return any(span.first <= problem.line <= span.last and problem.check in span.checks
                   for span in by_file.get(problem.file, []))

    return suppressed
