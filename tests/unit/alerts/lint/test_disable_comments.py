from pathlib import Path

from obskit.alerts.lint import LintOptions, lint
from obskit.alerts.rulefiles import load_all

RULES = """\
groups:
  - name: g
    rules:
      # obskit disable alert/comparison
      - alert: AlwaysOn
        expr: rate(errors_total[5m])
        for: 5m
      - alert: AlsoAlwaysOn
        expr: rate(errors_total[5m])  # obskit disable alert/for, promql/regexp
        for: 5m
"""


def test_disable_comment_applies_to_its_rule_only(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(RULES)
    report = lint(load_all([tmp_path]), LintOptions())
    comparison = [p for p in report.problems if p.check == "alert/comparison"]
    assert [p.line for p in comparison] == [9]


def test_disable_comment_inside_the_rule(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(RULES.replace("alert/for, promql/regexp", "alert/comparison"))
    report = lint(load_all([tmp_path]), LintOptions())
    assert not [p for p in report.problems if p.check == "alert/comparison"]
