"""promql/metric-exists against a real Prometheus with backfilled series (no mock)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from obskit.dashboards.lint import LintContext, LintOptions
from obskit.dashboards.lint.metric_exists import MetricExistsCheck
from obskit.lint import Severity
from tests.dashboard_factory import as_json_dashboard, dashboard_data, panel


def openmetrics() -> str:
    now = int(time.time())
    lines = ["# TYPE http_requests counter"]
    for code in ("200", "500"):
        lines += [f'http_requests_total{{job="checkout",code="{code}"}} {i * 10} {now - 7200 + i * 60}'
                  for i in range(60)]
    return "\n".join(lines)


QUERIES = {
    "Known": 'sum(rate(http_requests_total{job="checkout"}[$__rate_interval]))',
    "Never seen": "sum(rate(never_seen_total[5m]))",
    "Wrong value": 'http_requests_total{job="payments"}',
    "Missing label": 'http_requests_total{region="eu"}',
    "Variable": 'http_requests_total{job=~"$job", code="500"}',
    "No 503s": 'http_requests_total{job="checkout", code=~"503"}',
}


def dashboard():
    panels = [panel(i + 1, title, expr, y=i * 8) for i, (title, expr) in enumerate(QUERIES.items())]
    variables = [{"name": "datasource", "type": "datasource"}, {"name": "job", "type": "custom"}]
    return as_json_dashboard(dashboard_data(panels=panels, variables=variables), "svc.json")


def test_metric_exists_says_why(start_prometheus) -> None:
    server = start_prometheus(openmetrics=openmetrics())
    ctx = LintContext([dashboard()], LintOptions(prometheus_url=server.url))
    problems = list(MetricExistsCheck().check(ctx))
    assert ctx.backend_errors == []
    by_panel = {p.context: p.message for p in problems}
    assert set(by_panel) == {'panel "Never seen" (id 2)', 'panel "Wrong value" (id 3)',
                             'panel "Missing label" (id 4)', 'panel "No 503s" (id 6)'}
    [no_503] = [p for p in problems if p.context == 'panel "No 503s" (id 6)']
    assert no_503.severity is Severity.warning and 'series with code=~"503" (seen values: 200, 500)' in no_503.message
    assert by_panel['panel "Never seen" (id 2)'].endswith("metric never_seen_total was never seen")
    assert 'no http_requests_total series with job="payments" (seen values: checkout)' in \
        by_panel['panel "Wrong value" (id 3)']
    assert by_panel['panel "Missing label" (id 4)'].endswith("label region is missing on http_requests_total")
    assert all(p.file == "svc.json" and p.line for p in problems)


def test_unreachable_prometheus_is_a_backend_error() -> None:
    ctx = LintContext([dashboard()], LintOptions(prometheus_url="http://127.0.0.1:9"))
    assert list(MetricExistsCheck().check(ctx)) == []
    assert ctx.backend_errors and "connection refused" in ctx.backend_errors[0]


def test_cli_check_online_json(start_prometheus, tmp_path: Path, repo_root: Path) -> None:
    server = start_prometheus(openmetrics=openmetrics())
    dash_file = tmp_path / "svc.json"
    dash_file.write_text(dashboard().text or "")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")} | {"PYTHONPATH": str(repo_root)}
    result = subprocess.run([sys.executable, "-m", "obskit", "dashboards", "check", str(dash_file),
                             "--prometheus", server.url, "--format", "json"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 1, result.stderr
    problems = json.loads(result.stdout)["problems"]  # the one envelope: schema_version, then problems
    assert sorted(p["context"] for p in problems if p["severity"] == "error") == [
        'panel "Missing label" (id 4)', 'panel "Never seen" (id 2)', 'panel "Wrong value" (id 3)']


def test_problem_points_at_the_query_line(start_prometheus) -> None:
    server = start_prometheus(openmetrics=openmetrics())
    dash = dashboard()
    problems = list(MetricExistsCheck().check(LintContext([dash], LintOptions(prometheus_url=server.url))))
    for problem in problems:
        assert "never_seen_total" in problem.source_line or "payments" in problem.source_line \
            or "region" in problem.source_line or "503" in problem.source_line
