"""Run one alerts lint check over a rule file given as YAML text."""

from __future__ import annotations

import textwrap

from obskit.alerts.lint import CHECKS, LintOptions
from obskit.alerts.lint.base import LintContext
from obskit.alerts.model import RuleSet
from obskit.alerts.rulefiles import groups_from_yaml
from obskit.alerts.yamlsource import parse_yaml
from obskit.lint import Problem


def ruleset(text: str, path: str = "rules.yaml") -> RuleSet:
    doc = parse_yaml(textwrap.dedent(text), path)
    # the loader's own refusals (invalid durations, label names) are off, so each check is seen alone
    return RuleSet(path, "rules-yaml", groups_from_yaml(doc, loadable=False), doc.lines, doc)


def run(check_id: str, text: str, prometheus: object = None, **options: object) -> list[Problem]:
    rs = ruleset(text)
    ctx = LintContext(options=LintOptions(**options), rulesets=[rs], prometheus=prometheus)
    check = next(c for c in CHECKS if c.id == check_id)()
    return list(check.check(rs, ctx))


def alert(expr: str = "up == 0", extra: str = "", name: str = "TargetDown") -> str:
    return f"""\
groups:
  - name: g
    rules:
      - alert: {name}
        expr: {expr}
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: s
          description: d
          runbook_url: https://example.com/r
{extra}"""
