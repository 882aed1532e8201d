"""rule/duplicate: no two rules share a name and label set (alerts), and no two recording rules write the
same series (same record name and labels) -- across every file checked, since Prometheus loads them all."""

from __future__ import annotations

from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.model import Alert, RuleSet
from obskit.lint import Problem, Severity


class Duplicates(Check):
    id = "rule/duplicate"
    severity = Severity.error
    summary = "no duplicate alert names+labels or recorded series"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        first: dict[tuple, tuple[str, int | None]] = {}
        for other in ctx.rulesets:
            for _group, rule in other.rules():
                kind = "alert" if isinstance(rule, Alert) else "record"
                key = (kind, rule.name, tuple(sorted(rule.labels.items())))
                if kind == "alert":
                    key = (*key, rule.expr.strip())
                where = other.where(rule)
                if key not in first:
                    first[key] = (where.file, where.line)
                    continue
                if other is ruleset:
                    file, line = first[key]
                    what = "alert" if kind == "alert" else "recording rule for the same series"
                    yield self.problem(ruleset, rule, f"duplicate {what} {rule.name!r}: first defined at "
                                       f"{file}:{line}; remove one or give them different labels")
