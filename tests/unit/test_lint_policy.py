"""The `lint:` section of obskit.yaml: one scrape interval, severities and disabled checks for both linters."""

from __future__ import annotations

from pathlib import Path

import pytest

from obskit.alerts.lint import lint as lint_alerts
from obskit.alerts.parts import lint_options as alerts_options
from obskit.config import load_config
from obskit.dashboards.lint import LintContext, run_checks
from obskit.dashboards.part import lint_options as dashboards_options
from obskit.errors import InputError
from obskit.lint import Severity
from tests.dashboard_factory import as_json_dashboard, dashboard_data, panel
from tests.unit.alerts.lint.case import alert, ruleset


def _config(tmp_path: Path, text: str):
    path = tmp_path / "obskit.yaml"
    path.write_text(text)
    return load_config(path, env={})


def _both(config, expr: str) -> tuple[list, list]:
    dash = as_json_dashboard(dashboard_data(panels=[panel(expr=expr)]))
    dash_problems = run_checks(LintContext([dash], dashboards_options(config)))
    report = lint_alerts([ruleset(alert(f"'{expr} > 0'"))], alerts_options(config))
    return dash_problems, report.problems


def _ids(problems: list) -> set[str]:
    return {p.check for p in problems}


def test_default_scrape_interval_is_the_same_for_both(tmp_path: Path) -> None:
    config = _config(tmp_path, "services: []\n")
    dash, rules = _both(config, "sum(rate(x[45s]))")  # < 2 x 30s: both fail
    assert "promql/rate-window" in _ids(dash) and "promql/rate-window" in _ids(rules)
    dash, rules = _both(config, "sum(rate(x[1m]))")  # = 2 x 30s: both pass
    assert "promql/rate-window" not in _ids(dash) | _ids(rules)


def test_one_scrape_interval_setting_moves_both(tmp_path: Path) -> None:
    config = _config(tmp_path, "lint:\n  scrape_interval: 1m\n")
    dash, rules = _both(config, "sum(rate(x[1m]))")
    assert "promql/rate-window" in _ids(dash) and "promql/rate-window" in _ids(rules)


def test_severity_override_applies_to_both(tmp_path: Path) -> None:
    config = _config(tmp_path, "lint:\n  severities: {promql/rate-window: warning}\n")
    dash, rules = _both(config, "sum(rate(x[10s]))")
    found = [p for p in dash + rules if p.check == "promql/rate-window"]
    assert len(found) == 2 and {p.severity for p in found} == {Severity.warning}


def test_disable_names_checks_of_either_linter(tmp_path: Path) -> None:
    config = _config(tmp_path, "lint:\n  disable: [promql/rate-window, alert/runbook-url, dashboard/variables]\n")
    dash, rules = _both(config, "sum(rate(x[10s]))")
    assert "promql/rate-window" not in _ids(dash) | _ids(rules)
    assert "alert/runbook-url" not in _ids(rules)
    assert dashboards_options(config).disabled == {"promql/rate-window", "dashboard/variables"}


def test_unknown_check_id_is_an_input_error(tmp_path: Path) -> None:
    config = _config(tmp_path, "lint:\n  disable: [promql/no-such-check]\n")
    with pytest.raises(InputError, match="lint.disable: unknown check id 'promql/no-such-check'"):
        dashboards_options(config)
    config = _config(tmp_path, "lint:\n  severities: {no/such: error}\n")
    with pytest.raises(InputError, match="lint.severities: unknown check id 'no/such'"):
        alerts_options(config)


def test_bad_values_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"obskit.yaml:2: lint.scrape_interval: .*not a valid duration"):
        _config(tmp_path, "lint:\n  scrape_interval: soon\n")
    with pytest.raises(InputError, match=r"lint.severities.x/y"):
        _config(tmp_path, "lint:\n  severities: {x/y: fatal}\n")
