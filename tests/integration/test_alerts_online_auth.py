"""Online alert checks send the configured Prometheus credentials (and only to the configured URL)."""

from __future__ import annotations

import time

from obskit.alerts.lint import lint
from obskit.alerts.parts import lint_options
from obskit.alerts.rulefiles import load_all
from obskit.config import load_config
from tests.integration.test_harness_and_doctor import BASIC_AUTH

RULES = """groups:
  - name: demo
    rules:
      - alert: DemoDown
        expr: up{job="never-seen"} == 0
        for: 5m
        labels: {severity: critical}
        annotations: {summary: s, description: d, runbook_url: "https://example.com/r"}
"""


def test_series_exist_check_authenticates(start_prometheus, tmp_path) -> None:
    now = int(time.time())
    server = start_prometheus(openmetrics=f'# TYPE up gauge\nup{{job="api"}} 1 {now - 600}\n', basic_auth=BASIC_AUTH)
    (tmp_path / "alerts").mkdir()
    (tmp_path / "alerts" / "demo.yaml").write_text(RULES)
    rulesets = load_all([tmp_path / "alerts"])

    anonymous = lint(rulesets, lint_options(None, server.url))
    assert anonymous.backend_errors and "401" in anonymous.backend_errors[0]

    env = {"OBSKIT_PROMETHEUS_URL": server.url, "OBSKIT_PROMETHEUS_USERNAME": BASIC_AUTH[0],
           "OBSKIT_PROMETHEUS_PASSWORD": BASIC_AUTH[1]}
    config = load_config(None, env=env).config
    report = lint(rulesets, lint_options(config, server.url))
    assert report.backend_errors == []
    missing = [p for p in report.problems if p.check == "online/series"]
    assert len(missing) == 1 and "never-seen" in missing[0].message, report.problems
    assert all(BASIC_AUTH[1] not in p.message for p in report.problems)
