"""deploy/wiring/queries.py on hand-written dashboards: which panel targets count as PromQL."""

from __future__ import annotations

import json
from typing import Any

from obskit.deploy.chart import Manifest
from obskit.deploy.wiring import queries
from obskit.deploy.wiring.objects import index

PROM = {"type": "prometheus", "uid": "prometheus"}
LOKI = {"type": "loki", "uid": "logs-loki"}
ES = {"type": "elasticsearch", "uid": "logs"}
MIXED = {"type": "datasource", "uid": "-- Mixed --"}


def _dashboard_configmap(dashboard: dict[str, Any]) -> Manifest:
    body = {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "obskit-dashboard-payments", "labels": {"grafana_dashboard": "1"}},
            "data": {"payments.json": json.dumps(dashboard)}}
    return Manifest("templates/dashboards.yaml", "v1", "ConfigMap", "obskit-dashboard-payments", "", body)


def _collect(dashboard: dict[str, Any]) -> queries.Queried:
    return queries.collect(index([_dashboard_configmap(dashboard)], "observability", {}))


def test_targets_of_other_datasources_in_a_mixed_dashboard_are_not_read_as_promql() -> None:
    dashboard = {"title": "Payments", "panels": [
        {"type": "timeseries", "title": "Errors and their logs", "datasource": MIXED, "targets": [
            {"refId": "A", "datasource": PROM, "expr": 'sum(rate(payment_errors_total{region="eu"}[5m]))'},
            {"refId": "B", "datasource": LOKI, "expr": 'sum(count_over_time({app="payments"} |= "declined" [5m]))'},
            {"refId": "C", "datasource": ES, "expr": "level:error AND service.name:payments", "query": "level:error"},
        ]},
        {"type": "logs", "title": "Declined (panel on the default datasource)", "targets": [
            {"refId": "A", "datasource": LOKI, "expr": '{app="payments"} |~ "declined|refused"'},
        ]},
        {"type": "row", "title": "Latency", "collapsed": True, "panels": [
            {"type": "timeseries", "title": "p99", "datasource": PROM, "targets": [
                {"refId": "A", "expr": "histogram_quantile(0.99, sum by (le) (rate(payment_seconds_bucket[5m])))"},
                {"refId": "B", "datasource": ES, "expr": "duration:>2000"},
            ]},
        ]},
    ]}
    found = _collect(dashboard)
    assert found.unparsed == []  # neither the LogQL nor the Lucene text was handed to the PromQL parser
    assert set(found.metrics) == {"payment_errors_total", "payment_seconds_bucket"}
    where = "ConfigMap/obskit-dashboard-payments payments.json panel"
    assert found.metrics["payment_errors_total"] == {f"{where} 'Errors and their logs'"}
    assert found.metrics["payment_seconds_bucket"] == {f"{where} 'p99'"}


def test_a_panel_on_another_datasource_keeps_its_targets_out_unless_they_name_prometheus() -> None:
    dashboard = {"title": "Payments", "panels": [
        {"type": "timeseries", "title": "Log volume", "datasource": LOKI, "targets": [
            {"refId": "A", "expr": 'sum(rate({app="payments"}[1m]))'},
            {"refId": "B", "datasource": PROM, "expr": "sum(rate(payment_requests_total[1m]))"},
        ]},
    ]}
    found = _collect(dashboard)
    assert found.unparsed == [] and set(found.metrics) == {"payment_requests_total"}
