"""The same finding gets the same severity from both linters, against one real, scraping Prometheus."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from obskit.alerts.lint import LintOptions as AlertsLintOptions
from obskit.alerts.lint import lint as lint_alerts
from obskit.dashboards.lint import LintContext, run_checks
from obskit.dashboards.lint import LintOptions as DashboardsLintOptions
from obskit.lint import Severity
from obskit.lintpolicy import LintPolicy
from tests.dashboard_factory import as_json_dashboard, dashboard_data, panel
from tests.integration.test_alerts_prometheus import exporter, wait_for  # noqa: F401 - fixture
from tests.servers import Server
from tests.unit.alerts.lint.case import alert, ruleset

EXPRS = {
    "Missing": "sum(rate(missing_metric_total[5m])) > 0",  # metric never seen: error in both
    "WrongCode": 'sum(rate(demo_requests_total{code="500"}[5m])) > 0',  # label value absent: error in both
    "NoFives": 'sum(rate(demo_requests_total{code=~"5.."}[5m])) > 0',  # only a regex selects nothing: warning
}


def _severities(server_url: str, policy: LintPolicy | None = None) -> tuple[dict[str, Severity], dict[str, Severity]]:
    panels = [panel(i + 1, name, expr.removesuffix(" > 0"), y=i * 8) for i, (name, expr) in enumerate(EXPRS.items())]
    ctx = LintContext([as_json_dashboard(dashboard_data(panels=panels))],
                      DashboardsLintOptions(prometheus_url=server_url, policy=policy))
    dash = {p.context.split('"')[1]: p.severity for p in run_checks(ctx) if p.check == "promql/metric-exists"}
    text = "groups:\n  - name: g\n    rules:\n"
    for name, expr in EXPRS.items():
        text += alert(f"'{expr}'", name=name).split("    rules:\n", 1)[1]
    report = lint_alerts([ruleset(text)], AlertsLintOptions(prometheus_url=server_url, policy=policy))
    rules = {p.context.removeprefix("alert "): p.severity for p in report.problems if p.check == "online/series"}
    return dash, rules


def test_missing_metric_has_one_severity_in_both_linters(exporter: str,  # noqa: F811 - fixture
                                                         start_prometheus: Callable[..., Server]) -> None:
    server = start_prometheus(scrape_interval="1s",
                              scrape_configs=[{"job_name": "demo", "static_configs": [{"targets": [exporter]}]}])
    wait_for(lambda: bool(httpx.get(f"{server.url}/api/v1/series",
                                    params={"match[]": "demo_requests_total"}).json()["data"]))
    dash, rules = _severities(server.url)
    expected = {"Missing": Severity.error, "WrongCode": Severity.error, "NoFives": Severity.warning}
    assert dash == expected, dash
    assert rules == expected, rules
    # lint.severities in obskit.yaml moves both the same way
    policy = LintPolicy(severities={"promql/metric-exists": "warning", "online/series": "warning"})
    dash, rules = _severities(server.url, policy)
    assert set(dash.values()) == set(rules.values()) == {Severity.warning}

