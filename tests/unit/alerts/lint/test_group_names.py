from pathlib import Path

from obskit.alerts.lint import LintOptions, lint
from obskit.alerts.rulefiles import load_all


def test_unique_group_names_pass(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("groups: [{name: a, rules: []}, {name: b, rules: []}]\n")
    assert not [p for p in lint(load_all([tmp_path]), LintOptions()).problems if p.check == "rule/group-name"]


def test_group_repeated_across_documents_of_one_file(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("groups: [{name: a, rules: []}]\n---\ngroups: [{name: a, rules: []}]\n")
    [problem] = [p for p in lint(load_all([tmp_path]), LintOptions()).problems if p.check == "rule/group-name"]
    assert "'a' is repeated in this file (first at line 1)" in problem.message and problem.line == 3
