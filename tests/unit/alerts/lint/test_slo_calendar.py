"""slo/calendar-window: said once per SLO document with a calendar window, never for rolling windows."""

from __future__ import annotations

from pathlib import Path

from obskit.alerts.lint import LintOptions, lint
from obskit.alerts.rulefiles import load_all

SLO = """\
apiVersion: openslo/v1
kind: SLO
metadata: {name: uptime}
spec:
  service: portal
  budgetingMethod: Timeslices
  timeWindow: [%s]
  objectives: [{target: 0.99, timeSliceTarget: 0.9, timeSliceWindow: 1m}]
  indicator:
    metadata: {name: probes}
    spec:
      ratioMetric:
        good: {metricSource: {type: Prometheus, spec: {query: 'sum(probe_ok)'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'sum(probe_sent)'}}}
"""


def problems(tmp_path: Path, window: str) -> list:
    (tmp_path / "slo.yaml").write_text(SLO % window)
    report = lint(load_all([tmp_path]), LintOptions())
    return [p for p in report.problems if p.check == "slo/calendar-window"]


def test_a_calendar_window_is_reported_at_the_slo(tmp_path: Path) -> None:
    found = problems(tmp_path, "{duration: 1M, calendar: {startTime: '2025-01-01 00:00:00', timeZone: UTC}}")
    assert len(found) == 1 and found[0].line == 1 and found[0].severity.value == "warning"
    assert "1M from 2025-01-01 00:00:00 UTC, approximated by a rolling 30d" in found[0].message


def test_a_rolling_window_is_not_reported(tmp_path: Path) -> None:
    assert problems(tmp_path, "{duration: 28d, isRolling: true}") == []
