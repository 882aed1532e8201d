"""The alerts parts of `obskit check`, called directly and through the PARTS registry."""

from __future__ import annotations

from pathlib import Path

from obskit.alerts.parts import lint_part
from obskit.check import CheckOptions, overall_exit_code, run_check

BAD_SLO = "version: prometheus/v1\nservice: s\nslos:\n  - name: a\n    objective: 100\n"
FINDING = "groups:\n  - name: g\n    rules:\n      - alert: a_b\n        expr: up ==\n"


def test_repo_alerts_are_clean(repo_root: Path) -> None:
    result = lint_part(CheckOptions(root=repo_root))
    assert result.exit_code == 0, [p.message for p in result.problems]
    assert result.problems == []
    assert result.summary.startswith("3 files, 44 rules, 0 errors, 0 warnings")


def test_input_error_gives_exit_2(tmp_path: Path) -> None:
    (tmp_path / "alerts" / "slos").mkdir(parents=True)
    (tmp_path / "alerts" / "slos" / "bad.yaml").write_text(BAD_SLO)
    result = lint_part(CheckOptions(root=tmp_path))
    assert result.exit_code == 2 and "bad.yaml:5:16: objective 100 is out of range" in result.input_errors[0]


def test_findings_give_exit_1_through_the_registry(tmp_path: Path) -> None:
    (tmp_path / "alerts").mkdir()
    (tmp_path / "alerts" / "rules.yaml").write_text(FINDING)
    results = run_check(CheckOptions(root=tmp_path), only=["alerts"])
    assert [r.name for r in results] == ["alerts"]
    assert overall_exit_code(results) == 1
    assert "promql/syntax" in {p.check for p in results[0].problems}


def test_missing_alerts_directory_is_not_an_error(tmp_path: Path) -> None:
    result = lint_part(CheckOptions(root=tmp_path))
    assert result.exit_code == 0 and "nothing to check" in result.summary


def test_config_policy_reaches_the_linter(tmp_path: Path) -> None:
    from obskit.alerts.parts import lint_options
    from obskit.config import load_config

    (tmp_path / "obskit.yaml").write_text("alerts:\n  lint:\n    severities: [page]\n    disable: [alert/for]\n"
                                          "    scrape_interval: 15s\n")
    loaded = load_config(tmp_path / "obskit.yaml", env={})
    for config in (loaded, loaded.config):
        options = lint_options(config, disable=["alert/name"])
        assert options.severities == ("page",) and options.scrape_interval == "15s"
        assert options.disable == {"alert/for", "alert/name"}
