"""promql/regexp: regex matchers (``=~``, ``!~``) whose value has no regex characters.

``{job=~"api"}`` matches exactly ``api``, like ``{job="api"}``, but costs a regex and reads as if a
pattern was meant (a forgotten ``.*``?). Use ``=``/``!=``, or write the pattern you meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext, parse, selectors
from obskit.alerts.model import RuleSet
from obskit.lint import Problem, Severity

REGEX_CHARS = re.compile(r"[.*+?()\[\]{}|^$\\]")


class PromqlRegexp(Check):
    id = "promql/regexp"
    severity = Severity.warning
    summary = "=~ and !~ matchers use regex characters; otherwise use = or !="

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for _group, rule in ruleset.rules():
            tree = parse(rule.expr)
            if tree is None:
                continue
            for selector in selectors(tree):
                for matcher in getattr(selector.matchers, "matchers", None) or []:
                    op = str(matcher.op)
                    if not op.endswith(("Re", "NotRe")) or matcher.name == "__name__" and not matcher.value:
                        continue
                    if REGEX_CHARS.search(matcher.value):
                        continue
                    plain = "!=" if op.endswith("NotRe") else "="
                    regex = "!~" if plain == "!=" else "=~"
                    needle = f"{matcher.name}{regex}"
                    offset = rule.expr.find(needle)
                    yield self.problem(ruleset, rule, f'{matcher.name}{regex}"{matcher.value}" has no regex '
                                       f'characters; use {matcher.name}{plain}"{matcher.value}"', "expr",
                                       offset=offset if offset >= 0 else None)
