"""Dashboards for the observability stack itself: Prometheus, Alertmanager, Fluentd, Elasticsearch, Jaeger.

Each is a few timeseries panels over the component's own metrics (Prometheus and Alertmanager
self-metrics, fluent-plugin-prometheus, prometheus-community/elasticsearch_exporter, Jaeger v2's
OpenTelemetry Collector metrics), filtered by a ``job`` variable.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from grafana_foundation_sdk.builders import common as fcommon
from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import prometheus, timeseries
from grafana_foundation_sdk.models.common import (
    DataSourceRef,
    LegendDisplayMode,
    LegendPlacement,
    SortOrder,
    TooltipDisplayMode,
)

PROM = DataSourceRef(type_val="prometheus", uid="${datasource}")


def legend() -> fcommon.VizLegendOptions:
    return fcommon.VizLegendOptions().show_legend(True).display_mode(LegendDisplayMode.LIST).placement(
        LegendPlacement.BOTTOM)


def tooltip() -> fcommon.VizTooltipOptions:
    return fcommon.VizTooltipOptions().mode(TooltipDisplayMode.MULTI).sort(SortOrder.DESCENDING)


J = 'job=~"$job"'
RI = "[$__rate_interval]"


@dataclass(frozen=True)
class Graph:
    title: str
    unit: str
    expr: str
    legend: str = "{{instance}}"


@dataclass(frozen=True)
class Component:
    key: str
    title: str
    job_metric: str  # a metric every instance exports, for the job variable
    graphs: tuple[Graph, ...]


COMPONENTS: dict[str, Component] = {c.key: c for c in (
    Component("prometheus", "Prometheus", "prometheus_build_info", (
        Graph("Targets up", "short", f"sum by (job) (up{{{J}}})", "{{job}}"),
        Graph("Samples appended", "ops",
              f"sum by (instance) (rate(prometheus_tsdb_head_samples_appended_total{{{J}}}{RI}))"),
        Graph("Head series", "short", f"prometheus_tsdb_head_series{{{J}}}"),
        Graph("Rule evaluation failures", "ops",
              f"sum by (instance) (rate(prometheus_rule_evaluation_failures_total{{{J}}}{RI}))"),
        Graph("Scrape interval p99", "s", f'prometheus_target_interval_length_seconds{{{J}, quantile="0.99"}}',
              "{{interval}}"),
        Graph("Remote write pending samples", "short",
              f"sum by (instance) (prometheus_remote_storage_samples_pending{{{J}}})"),
    )),
    Component("alertmanager", "Alertmanager", "alertmanager_build_info", (
        Graph("Active alerts", "short", f'sum by (instance) (alertmanager_alerts{{{J}, state="active"}})'),
        Graph("Notifications sent", "ops",
              f"sum by (integration) (rate(alertmanager_notifications_total{{{J}}}{RI}))", "{{integration}}"),
        Graph("Notifications failed", "ops",
              f"sum by (integration) (rate(alertmanager_notifications_failed_total{{{J}}}{RI}))", "{{integration}}"),
        Graph("Cluster members", "short", f"alertmanager_cluster_members{{{J}}}"),
    )),
    Component("fluentd", "Fluentd", "fluentd_output_status_buffer_queue_length", (
        Graph("Buffer queue length", "short",
              f"sum by (instance) (fluentd_output_status_buffer_queue_length{{{J}}})"),
        Graph("Buffer bytes", "bytes", f"sum by (instance) (fluentd_output_status_buffer_total_bytes{{{J}}})"),
        Graph("Retries", "ops", f"sum by (instance) (rate(fluentd_output_status_retry_count{{{J}}}{RI}))"),
        Graph("Output errors", "ops", f"sum by (instance) (rate(fluentd_output_status_num_errors{{{J}}}{RI}))"),
    )),
    Component("elasticsearch", "Elasticsearch", "elasticsearch_cluster_health_status", (
        Graph("Cluster status red", "short", f'max(elasticsearch_cluster_health_status{{{J}, color="red"}})',
              "red"),
        Graph("JVM heap used", "percentunit",
              f'sum by (name) (elasticsearch_jvm_memory_used_bytes{{{J}, area="heap"}}) / '
              f'sum by (name) (elasticsearch_jvm_memory_max_bytes{{{J}, area="heap"}})', "{{name}}"),
        Graph("Indexing rate", "ops",
              f"sum by (name) (rate(elasticsearch_indices_indexing_index_total{{{J}}}{RI}))", "{{name}}"),
        Graph("Disk available", "bytes",
              f"sum by (name) (elasticsearch_filesystem_data_available_bytes{{{J}}})", "{{name}}"),
    )),
    Component("jaeger", "Jaeger", "otelcol_process_uptime_seconds_total", (
        Graph("Spans accepted", "ops",
              f"sum by (receiver) (rate(otelcol_receiver_accepted_spans_total{{{J}}}{RI}))", "{{receiver}}"),
        Graph("Spans refused", "ops",
              f"sum by (receiver) (rate(otelcol_receiver_refused_spans_total{{{J}}}{RI}))", "{{receiver}}"),
        Graph("Export failures", "ops",
              f"sum by (exporter) (rate(otelcol_exporter_send_failed_spans_total{{{J}}}{RI}))", "{{exporter}}"),
        Graph("Exporter queue size", "short", f"sum by (exporter) (otelcol_exporter_queue_size{{{J}}})",
              "{{exporter}}"),
    )),
)}


def stack_dashboard(key: str) -> db.Dashboard:
    """The FSDK builder of one stack component's dashboard (``prometheus``, ``alertmanager``, ...)."""
    if key not in COMPONENTS:
        raise ValueError(f"unknown stack component {key!r}; known: {', '.join(COMPONENTS)}")
    comp = COMPONENTS[key]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dash = db.Dashboard(f"Stack / {comp.title}")
    dash = (
        dash.uid(f"obskit-stack-{comp.key}").tags(["obskit", "stack"]).time("now-6h", "now").refresh("1m")
        .description(f"Health of {comp.title} in the observability stack. Generated by obskit.")
        .with_variable(db.DatasourceVariable("datasource").label("Metrics").type("prometheus"))
        .with_variable(db.QueryVariable("job").label("Job").datasource(PROM)
                       .query(f"label_values({comp.job_metric}, job)").include_all(True).all_value(".*").multi(True))
    )
    for pid, graph in enumerate(comp.graphs, start=1):
        panel = (timeseries.Panel().id(pid).title(graph.title).datasource(PROM).unit(graph.unit).height(8).span(12)
                 .legend(legend()).tooltip(tooltip())
                 .with_target(prometheus.Dataquery().expr(graph.expr).legend_format(graph.legend).ref_id("A")))
        dash = dash.with_panel(panel)
    return dash
