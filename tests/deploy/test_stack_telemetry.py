"""The stack watches itself (issue 20), checked on the full rendering of the real upstream charts: every metric
its rules and dashboards query has a producer, the log fields its readers use are written by Fluentd, and
Fluentd does not read its own logs. Each check is shown to hold on the stack as shipped and to fire on a
copy with the defect it guards against. Render only: nothing here runs on a cluster."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from obskit.conventions import field_map, stack_fields
from obskit.deploy.chart import Manifest
from obskit.deploy.stack import StackRendering, render_stack
from obskit.deploy.wiring import fluentd_self, log_fields, metric_producers
from obskit.deploy.wiring.objects import index
from tests.deploy.conftest import edit, sample_options

NS = "observability"
PIPELINE = "obskit-fluentd-pipeline-obskit"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stack_tree(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], StackRendering]:
    """The stack with the project's own dashboards/ and alerts/ built in (what `obskit deploy` ships)."""
    cache: dict[str, StackRendering] = {}

    def get(profile: str) -> StackRendering:
        if profile not in cache:
            options = sample_options(profile, dashboards_dir=None, rules_dir=None, alertmanager_file=None,
                                     tree_root=ROOT)
            cache[profile] = render_stack(options, tmp_path_factory.mktemp(f"tree-{profile}"), validate=False)
        return cache[profile]

    return get


def _run(check: Callable[..., list[str]], manifests: list[Manifest]) -> list[str]:
    return check(index(manifests, NS, {}))  # type: ignore[no-any-return]


def _drop_section(text: str, type_name: str) -> str:
    return re.sub(r"<source>\s*@type " + type_name + r"\b.*?</source>\n?", "", text, flags=re.DOTALL)


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_every_queried_metric_has_a_producer_as_shipped(profile: str, stack_tree) -> None:  # type: ignore[no-untyped-def]
    objects = index(stack_tree(profile).rendering.manifests, NS, {})
    assert metric_producers.check(objects) == []
    table = metric_producers.mapping(objects)
    # the stack's own alerts and dashboards: each metric comes from a component of the rendering
    for metric, producer in (("fluentd_output_status_buffer_available_space_ratio", "fluentd-output-monitor"),
                             ("otelcol_exporter_queue_capacity", "jaeger-exporter-queue"),
                             ("otelcol_receiver_accepted_spans_total", "jaeger-otelcol"),
                             ("elasticsearch_cluster_health_status", "elasticsearch-exporter"),
                             ("kube_pod_info", "kube-state-metrics"), ("container_cpu_usage_seconds_total", "cadvisor"),
                             ("alertmanager_notifications_failed_total", "alertmanager"),
                             ("ALERTS", "prometheus-synthetic")):
        assert table[metric]["rendered"] and any(p.startswith(producer + ":") for p in table[metric]["producers"])
    # the application examples (service dashboards, the checkout SLO) are produced outside the rendering
    assert table["http_requests_total"]["producers"] == ["applications: outside the rendering"]
    assert not any(m.startswith("jaeger_collector_") for m in table)


def test_fluentd_without_the_output_monitor_input_leaves_its_alerts_without_series(stack_tree) -> None:  # type: ignore[no-untyped-def]
    def drop(body: dict[str, Any]) -> None:
        body["data"]["01_sources.conf"] = _drop_section(body["data"]["01_sources.conf"], "prometheus_output_monitor")

    problems = _run(metric_producers.check, edit(stack_tree("dev"), "ConfigMap", PIPELINE, drop))
    missing = sorted(re.findall(r"^metric (\S+) has no producer", p)[0] for p in problems)
    assert missing == ["fluentd_output_status_buffer_available_space_ratio",
                       "fluentd_output_status_buffer_queue_length", "fluentd_output_status_buffer_total_bytes",
                       "fluentd_output_status_num_errors", "fluentd_output_status_retry_count"]
    assert "fluentd-output-monitor" in problems[0]
    assert "lacks config `@type\\s+prometheus_output_monitor\\b`" in problems[0]
    assert "FluentdBufferNearlyFull" in "".join(problems)


def test_a_jaeger_v1_metric_and_a_missing_exporter_queue_are_found(stack_tree) -> None:  # type: ignore[no-untyped-def]
    stack = stack_tree("dev")

    def v1_alert(body: dict[str, Any]) -> None:
        body["spec"]["groups"][0]["rules"][0]["expr"] = "rate(jaeger_collector_spans_dropped_total[5m]) > 0"

    problems = _run(metric_producers.check, edit(stack, "PrometheusRule", "obskit-rules-jaeger", v1_alert))
    assert len(problems) == 1 and problems[0].startswith("metric jaeger_collector_spans_dropped_total has no producer")
    assert "no component in the catalog" in problems[0]

    def no_queue(body: dict[str, Any]) -> None:
        config = yaml.safe_load(body["data"]["user-config.yaml"])
        del config["exporters"]["jaeger_storage_exporter"]["queue"]
        body["data"]["user-config.yaml"] = yaml.safe_dump(config)

    problems = _run(metric_producers.check, edit(stack, "ConfigMap", "user-config", no_queue))
    assert sorted(re.findall(r"^metric (\S+)", p)[0] for p in problems) == [
        "otelcol_exporter_enqueue_failed_spans_total", "otelcol_exporter_queue_capacity", "otelcol_exporter_queue_size"]
    assert "lacks config exporters.*.queue.enabled: true" in problems[0]


def test_elasticsearch_metrics_need_the_exporter_deployed_and_scraped(stack_tree) -> None:  # type: ignore[no-untyped-def]
    stack = stack_tree("dev")
    without = [m for m in stack.rendering.manifests if m.name != "obskit-es-exporter"]
    problems = _run(metric_producers.check, without)
    assert problems and all(re.match(r"metric elasticsearch_\w+ has no producer", p) for p in problems)
    assert any("ElasticsearchClusterRed" in p for p in problems)
    # deployed but not scraped is no better
    unscraped = [m for m in stack.rendering.manifests
                 if not (m.kind == "ServiceMonitor" and m.name == "obskit-es-exporter")]
    assert _run(metric_producers.check, unscraped) == problems


def test_recording_rule_outputs_count_as_producers(stack_tree) -> None:  # type: ignore[no-untyped-def]
    stack = stack_tree("dev")
    table = metric_producers.mapping(index(stack.rendering.manifests, NS, {}))
    recorded = [m for m, row in table.items() if any(p.startswith("recording rule:") for p in row["producers"])]
    assert "slo:sli_error:ratio_rate5m" in recorded

    def unrecord(body: dict[str, Any]) -> None:
        for group in body["spec"]["groups"]:
            group["rules"] = [r for r in group["rules"] if r.get("record") != "slo:sli_error:ratio_rate5m"]

    problems = _run(metric_producers.check, edit(stack, "PrometheusRule", "obskit-rules-slos-checkout", unrecord))
    assert any(p.startswith("metric slo:sli_error:ratio_rate5m has no producer") for p in problems)


def test_dashboard_variable_queries_are_counted(stack_tree) -> None:  # type: ignore[no-untyped-def]
    def rename(body: dict[str, Any]) -> None:
        key = next(iter(body["data"]))
        body["data"][key] = body["data"][key].replace("label_values(prometheus_build_info, job)",
                                                      "label_values(prom_build_info, job)")

    edited = edit(stack_tree("dev"), "ConfigMap", "obskit-dashboard-prometheus", rename)
    problems = _run(metric_producers.check, edited)
    assert len(problems) == 1 and "prom_build_info" in problems[0] and "variable 'job'" in problems[0]


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_log_fields_read_by_datasources_and_data_view_are_written(profile: str, rendered) -> None:  # type: ignore[no-untyped-def]
    objects = index(rendered(profile).rendering.manifests, NS, {})
    assert log_fields.check(objects) == []
    fields = stack_fields.load().fields
    readers = {f for f, _ in log_fields.read(objects)}
    assert {fields["timestamp"], fields["message"], fields["level"], fields["trace_id"]} <= readers
    assert set(fields.values()) <= set(log_fields.written(objects))
    # investigate's Elasticsearch source reads the same map (config elasticsearch.field_map: obskit-stack)
    stack_map = field_map("obskit-stack")
    assert (stack_map.level, stack_map.trace_id, stack_map.message) == (fields["level"], fields["trace_id"],
                                                                         fields["message"])


def test_a_datasource_or_data_view_reading_an_unwritten_field_is_reported(rendered) -> None:  # type: ignore[no-untyped-def]
    stack = rendered("prod")

    def ecs_level(body: dict[str, Any]) -> None:
        body["data"]["obskit-datasources.yaml"] = body["data"]["obskit-datasources.yaml"].replace(
            "logLevelField: level", "logLevelField: log.level")

    problems = _run(log_fields.check, edit(stack, "ConfigMap", "obskit-grafana-datasources", ecs_level))
    assert len(problems) == 1 and "reads log field 'log.level'" in problems[0] and "logLevelField" in problems[0]

    def data_view(body: dict[str, Any]) -> None:
        body["data"]["obskit-logs.json"] = body["data"]["obskit-logs.json"].replace('"@timestamp"', '"time"')

    problems = _run(log_fields.check, edit(stack, "ConfigMap", "obskit-kibana-data-views", data_view))
    assert len(problems) == 1 and "Kibana data view 'obskit-logs' timeFieldName" in problems[0]

    def no_normalising(body: dict[str, Any]) -> None:  # the chart's old pipeline: the raw line in `log`, nothing else
        body["data"]["03_fields.conf"] = re.sub(r"<record>.*?</record>", "", body["data"]["03_fields.conf"],
                                                flags=re.DOTALL)

    problems = _run(log_fields.check, edit(stack, "ConfigMap", PIPELINE, no_normalising))
    assert {re.findall(r"reads log field '([^']+)'", p)[0] for p in problems} == {"message", "level", "trace_id"}


def test_fluentd_does_not_read_its_own_logs(rendered) -> None:  # type: ignore[no-untyped-def]
    stack = rendered("dev")
    assert _run(fluentd_self.check, stack.rendering.manifests) == []

    def old_exclusion(body: dict[str, Any]) -> None:  # the chart default: matches pods named fluentd-..., not ours
        text = body["data"]["01_sources.conf"]
        body["data"]["01_sources.conf"] = re.sub(r"\n\s*exclude_path .*", "", text)
        body["data"]["02_join.conf"] = ("<label @JOIN>\n  <match kubernetes.var.log.containers.fluentd**>\n"
                                        "    @type relabel\n    @label @FLUENT_LOG\n  </match>\n</label>\n"
                                        + body["data"]["02_join.conf"])

    problems = _run(fluentd_self.check, edit(stack, "ConfigMap", PIPELINE, old_exclusion))
    assert len(problems) == 1
    assert problems[0].startswith("DaemonSet/obskit-fluentd: tail source at ConfigMap/obskit-fluentd-pipeline-obskit "
                                  "01_sources.conf:")
    assert "/var/log/containers/obskit-fluentd-x7k2q_observability_fluentd-" in problems[0]

    def right_match(body: dict[str, Any]) -> None:  # a <match> on the real names also excludes them
        old_exclusion(body)
        body["data"]["02_join.conf"] = body["data"]["02_join.conf"].replace(
            "kubernetes.var.log.containers.fluentd**",
            "kubernetes.var.log.containers.obskit-fluentd-*_observability_*.log")

    assert _run(fluentd_self.check, edit(stack, "ConfigMap", PIPELINE, right_match)) == []

    # the DaemonSet renamed without the exclusion following it
    renamed = [replace(m, name="logs-collector") if (m.kind, m.name) == ("DaemonSet", "obskit-fluentd") else m
               for m in stack.rendering.manifests]
    problems = _run(fluentd_self.check, renamed)
    assert len(problems) == 1 and "logs-collector-*_observability_*.log" in problems[0]


def test_fluentd_image_follows_the_chart_app_version(rendered) -> None:  # type: ignore[no-untyped-def]
    ds = next(m for m in rendered("dev").rendering.manifests if m.kind == "DaemonSet" and m.name == "obskit-fluentd")
    version = ds.body["metadata"]["labels"]["app.kubernetes.io/version"]
    image = ds.body["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == f"fluent/fluentd-kubernetes-daemonset:v{version}-debian-elasticsearch8-1.1"


def test_the_exporter_reads_elasticsearch_with_ecks_secrets(rendered) -> None:  # type: ignore[no-untyped-def]
    dep = next(m for m in rendered("prod").rendering.manifests if m.kind == "Deployment"
               and m.name == "obskit-es-exporter")
    pod = dep.body["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert "--es.uri=https://obskit-es-es-http:9200" in container["command"]
    assert "--es.ca=/etc/es-ca/ca.crt" in container["command"]
    env = {e["name"]: e for e in container["env"]}
    assert env["ES_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "obskit-es-es-elastic-user", "key": "elastic"}
    assert {"name": "es-ca", "secret": {"secretName": "obskit-es-es-http-certs-public"}} in pod["volumes"]
    assert not any("@" in arg for arg in container["command"])  # no credentials in the URI


def test_the_dry_run_lists_the_table_the_check_worked_out(rendered) -> None:  # type: ignore[no-untyped-def]
    stack = rendered("dev")
    objects = index(stack.rendering.manifests, NS, stack.rendering.values)
    table = metric_producers.mapping(objects)
    assert metric_producers.mapping(objects) is table  # once per index, however many readers
    assert stack.metric_producers == table and stack.metric_producers  # render_stack keeps the check's table


def test_fluentd_configs_are_parsed_once_for_the_three_checks_that_read_them(rendered) -> None:  # type: ignore[no-untyped-def]
    from obskit.deploy.wiring import fluentconf, fluentd, scrape

    objects = index(rendered("dev").rendering.manifests, NS, {})
    pods = fluentd.pods(objects)
    assert [p.owner for p in pods] == ["DaemonSet/obskit-fluentd"]
    roots = fluentd.roots(objects, pods[0])
    assert fluentd.roots(objects, pods[0]) is roots  # log-fields, self-exclusion and the producers share it
    expected = fluentconf.parse_all(scrape.config_texts(objects, pods[0]))
    assert [(s.name, s.arg, s.params, s.where) for s in fluentd.sections(objects, pods[0])] == \
        [(s.name, s.arg, s.params, s.where) for s in expected] and expected


def test_datasource_files_are_parsed_once_for_the_url_and_log_field_checks(rendered) -> None:  # type: ignore[no-untyped-def]
    from obskit.deploy.wiring import datasources

    objects = index(rendered("prod").rendering.manifests, NS, {})
    files = datasources.provisioned(objects)
    assert datasources.provisioned(objects) is files
    assert files and all(f.error is None and datasources.is_provisioning(f.manifest) for f in files)
    names = {str(ds.get("name")) for f in files for ds in f.datasources()}
    readers = [reader for _, reader in log_fields.read(objects) if ": datasource " in reader]
    assert readers and all(re.search(r"datasource '([^']+)'", r)[1] in names for r in readers)  # type: ignore[index]
