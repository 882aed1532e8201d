"""Lint over SLO-generated rules points at the SLO spec, once per problem."""

from __future__ import annotations

from pathlib import Path

from obskit.alerts.lint import LintOptions, lint
from obskit.alerts.rulefiles import load_source

SPEC = """\
version: prometheus/v1
service: s
slos:
  - name: a
    objective: 99
    sli:
      events:
        error_query: sum(rate(e[{{.window}}])
        total_query: sum(rate(t[{{.window}}]))
    alerting:
      name: ABurn
      annotations: {runbook_url: https://x.example/r}
"""


def test_broken_slo_query_is_reported_once_at_the_spec_line(tmp_path: Path) -> None:
    path = tmp_path / "slo.yaml"
    path.write_text(SPEC)
    ruleset = load_source(path)
    assert ruleset is not None
    problems = lint([ruleset], LintOptions()).problems
    assert [(p.check, p.line, p.column) for p in problems] == [("promql/syntax", 8, 22)]
    assert problems[0].context == "record slo:sli_error:ratio_rate5m"


def test_generated_slo_rules_are_lint_clean(tmp_path: Path) -> None:
    path = tmp_path / "slo.yaml"
    path.write_text(SPEC.replace("[{{.window}}])\n", "[{{.window}}]))\n", 1))
    ruleset = load_source(path)
    assert ruleset is not None
    assert lint([ruleset], LintOptions()).problems == []
