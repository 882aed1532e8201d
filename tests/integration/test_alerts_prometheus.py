"""Generated rules in a real Prometheus, and the online lint checks against a real, scraping Prometheus.

Metadata (/api/v1/metadata) only exists for scraped metrics -- backfilled TSDB blocks carry none -- so the
online checks are tested against a Prometheus scraping a tiny loopback exporter started here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from obskit.alerts.emit import BuildOptions, build
from obskit.alerts.lint import LintOptions, lint
from obskit.alerts.rulefiles import load_all, load_source
from tests.servers import Server, free_port
from tests.unit.alerts.lint.case import alert, ruleset

METRICS = b"""\
# HELP demo_requests_total Requests served.
# TYPE demo_requests_total counter
demo_requests_total{code="200"} 42
# HELP demo_queue_depth Items waiting.
# TYPE demo_queue_depth gauge
demo_queue_depth 3
"""


class _Exporter(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.end_headers()
        self.wfile.write(METRICS)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def exporter() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Exporter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def wait_for(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_generated_slo_rules_load_into_prometheus(repo_root: Path, tmp_path: Path,
                                                  start_prometheus: Callable[..., Server]) -> None:
    rulesets = load_all([repo_root / "alerts"])
    files = build(rulesets, BuildOptions(out=tmp_path / "rules"), root=repo_root)
    server = start_prometheus(rule_files=files)
    groups = httpx.get(f"{server.url}/api/v1/rules").json()["data"]["groups"]
    names = {g["name"] for g in groups}
    assert "sloth-slo-alerts-checkout-requests-availability" in names
    assert "obskit-jaeger" in names and "obskit-elasticsearch" in names
    alerts = {r["name"] for g in groups for r in g["rules"] if r["type"] == "alerting"}
    assert {"CheckoutAvailabilityBudgetBurn", "JaegerCollectorDroppingSpans", "ElasticsearchClusterRed"} <= alerts
    expected = sum(len(rs.rules()) for rs in rulesets)
    assert sum(len(g["rules"]) for g in groups) == expected
    assert all(r.get("health") != "err" for g in groups for r in g["rules"])


def test_online_checks_against_a_scraping_prometheus(exporter: str,
                                                     start_prometheus: Callable[..., Server]) -> None:
    server = start_prometheus(scrape_interval="1s",
                              scrape_configs=[{"job_name": "demo", "static_configs": [{"targets": [exporter]}]}])
    wait_for(lambda: "demo_queue_depth" in httpx.get(f"{server.url}/api/v1/metadata").json()["data"])
    wait_for(lambda: bool(httpx.get(f"{server.url}/api/v1/series",
                                    params={"match[]": "demo_queue_depth"}).json()["data"]))
    text = "groups:\n  - name: g\n    rules:\n"
    for name, expr in [("GaugeRate", "rate(demo_queue_depth[5m]) > 0"),
                       ("WrongCode", 'rate(demo_requests_total{code="500"}[5m]) > 0'),
                       ("Missing", "missing_metric_total > 0"),
                       ("Fine", "rate(demo_requests_total[5m]) > 0")]:
        text += alert(f"'{expr}'", name=name).split("    rules:\n", 1)[1]
    rs = ruleset(text)
    report = lint([rs], LintOptions(prometheus_url=server.url,
                                    disable={"alert/name", "alert/runbook-url", "rule/duplicate"}))
    online = {(p.context, p.check): p.message for p in report.problems if p.check.startswith("online/")}
    assert "which Prometheus' metadata says is a gauge" in online[("alert GaugeRate", "online/rate-counter")]
    assert 'no series matches code="500" (values present: 200)' in online[("alert WrongCode", "online/series")]
    assert "metric missing_metric_total does not exist" in online[("alert Missing", "online/series")]
    assert not any(ctx == "alert Fine" for ctx, _ in online)
    assert report.backend_errors == [] and report.skipped == []


def test_online_checks_with_prometheus_down_give_a_backend_error(repo_root: Path) -> None:
    rs = load_source(repo_root / "alerts" / "rules" / "stack.yaml")
    assert rs is not None
    report = lint([rs], LintOptions(prometheus_url=f"http://127.0.0.1:{free_port()}"))
    assert report.backend_errors and "connection refused" in report.backend_errors[0]
    assert not any(p.check.startswith("online/") for p in report.problems)
