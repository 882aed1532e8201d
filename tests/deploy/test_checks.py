"""The wiring promises, on each profile's real rendering, and each check's ability to fail."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from obskit.deploy import checks, validation
from obskit.deploy.chart import Manifest
from obskit.deploy.profiles import load_profile
from obskit.deploy.stack import render_stack
from obskit.errors import InputError
from tests.deploy.conftest import FIXTURES, sample_options

PROFILES = ["dev", "prod"]


def _manifest(body: dict) -> Manifest:  # type: ignore[type-arg]
    meta = body["metadata"]
    return Manifest("t.yaml", body["apiVersion"], body["kind"], meta["name"], meta.get("namespace", ""), body)


@pytest.mark.parametrize("profile", PROFILES)
def test_every_object_validates_on_kubernetes_1_30_to_1_37(profile: str, rendered) -> None:  # type: ignore[no-untyped-def]
    stack = rendered(profile)
    assert validation.KUBERNETES_VERSIONS == [f"1.{m}.0" for m in range(30, 38)]
    assert stack.violations == []
    kinds = {m.kind for m in stack.rendering.manifests}
    assert {"ConfigMap", "Secret", "Service", "PrometheusRule", "ServiceMonitor"} <= kinds


def test_strict_validation_rejects_unknown_fields_and_broken_crds() -> None:
    cm = _manifest({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {}, "dta": {}})
    rule = _manifest({"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule", "metadata": {"name": "r"},
                      "spec": {"groups": [{"name": "g", "rules": [{"record": "a", "alert": "b", "expr": "1"}]}]}})
    sm = _manifest({"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": {"name": "s"},
                    "spec": {"endpoints": [{"path": "/metrics"}]}})
    es = _manifest({"apiVersion": "elasticsearch.k8s.elastic.co/v1", "kind": "Elasticsearch",
                    "metadata": {"name": "e"}, "spec": {"nodeSets": [{"name": "d"}]}})
    found = validation.validate([cm, rule, sm, es])
    cm_versions = {v.kubernetes_version for v in found if v.object.startswith("ConfigMap")}
    assert cm_versions == set(validation.KUBERNETES_VERSIONS)
    messages = [v.message for v in found if v.kubernetes_version == "crd"]
    assert "spec.groups[0].rules[0]: exactly one of record or alert" in messages
    assert "spec.selector: required object" in messages
    assert "spec.endpoints[0]: port or targetPort required" in messages
    assert "spec.version: required string" in messages
    assert "spec.nodeSets[0]: name and integer count required" in messages


@pytest.mark.parametrize("profile", PROFILES)
def test_exactly_one_default_datasource_with_the_documented_uids(profile: str, rendered) -> None:  # type: ignore[no-untyped-def]
    ms = rendered(profile).rendering.manifests
    assert checks.default_datasources(ms) == []
    cm = next(m for m in ms if m.name == "obskit-grafana-datasources")
    sources = {d["uid"]: d for d in yaml.safe_load(cm.body["data"]["obskit-datasources.yaml"])["datasources"]}
    assert sorted(sources) == ["jaeger", "logs", "prometheus"]
    assert [uid for uid, d in sources.items() if d["isDefault"]] == ["prometheus"]
    logs = sources["logs"]["jsonData"]
    assert logs["index"] == "logstash-*" and logs["timeField"] == "@timestamp"
    assert logs["logMessageField"] == "message" and logs["logLevelField"] == "level"
    assert logs["dataLinks"] == [{"field": "trace_id", "datasourceUid": "jaeger", "url": "$${__value.raw}"}]
    jaeger = sources["jaeger"]["jsonData"]
    assert jaeger["tracesToLogsV2"]["datasourceUid"] == "logs" and jaeger["tracesToLogsV2"]["filterByTraceID"]
    assert jaeger["tracesToMetrics"]["datasourceUid"] == "prometheus"
    assert jaeger["nodeGraph"] == {"enabled": True}
    # the upstream default Prometheus datasource is switched off, or there would be two defaults
    values = rendered(profile).rendering.values
    assert values["kube-prometheus-stack"]["grafana"]["sidecar"]["datasources"]["defaultDatasourceEnabled"] is False


def test_two_default_datasources_are_reported() -> None:
    text = yaml.safe_dump({"datasources": [{"uid": "a", "isDefault": True}, {"uid": "b", "isDefault": True}]})
    cm = _manifest({"apiVersion": "v1", "kind": "ConfigMap", "data": {"x.yaml": text},
                    "metadata": {"name": "ds", "labels": {"grafana_datasource": "1"}}})
    assert "found 2" in checks.default_datasources([cm])[0]
    assert "found 0" in checks.default_datasources([])[0]


@pytest.mark.parametrize("profile", PROFILES)
def test_every_prometheus_rule_has_the_release_label(profile: str, rendered) -> None:  # type: ignore[no-untyped-def]
    ms = rendered(profile).rendering.manifests
    rules = [m for m in ms if m.kind == "PrometheusRule"]
    ours = [m.name for m in rules if m.template.startswith("obskit-stack/templates/")]
    assert ours == ["obskit-rules-checkout-slo", "obskit-rules-stack"]
    assert len(rules) > len(ours)  # kube-prometheus-stack's own rules are rendered and labelled too
    assert checks.rule_release_labels(ms, "obskit") == []
    assert checks.rule_release_labels(ms, "other")  # the label follows the release name
    # rule text goes through untouched: Prometheus templates are not Helm templates
    stack = next(m for m in rules if m.name == "obskit-rules-stack")
    assert "{{ $labels.pod }}" in stack.body["spec"]["groups"][0]["rules"][0]["annotations"]["summary"]
    monitors = [m for m in ms if m.kind == "ServiceMonitor"]
    assert {m.body["metadata"]["labels"]["release"] for m in monitors} == {"obskit"}
    ports = {m.name: m.body["spec"]["ports"][0]["port"] for m in ms
             if m.kind == "Service" and m.template.startswith("obskit-stack/templates/")}
    assert ports == {"obskit-fluentd-metrics": 24231, "obskit-jaeger-metrics": 8888, "obskit-es-exporter-metrics": 9108}


@pytest.mark.parametrize("profile", PROFILES)
def test_dashboard_configmaps_have_the_label_and_fit(profile: str, rendered) -> None:  # type: ignore[no-untyped-def]
    ms = rendered(profile).rendering.manifests
    dashboards = [m for m in ms if m.name.startswith("obskit-dashboard")]
    assert len(dashboards) == 2
    assert checks.dashboard_configmaps(ms) == []
    for m in dashboards:
        assert m.body["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert len(yaml.safe_dump(m.body).encode()) < 1024 * 1024


def test_dashboard_label_and_size_problems_are_reported() -> None:
    cm = _manifest({"apiVersion": "v1", "kind": "ConfigMap", "data": {"d.json": "x" * (1024 * 1024)},
                    "metadata": {"name": "obskit-dashboard-big", "labels": {"grafana_dashboard": 1}}})
    problems = checks.dashboard_configmaps([cm])
    assert len(problems) == 2 and "1 MiB" in problems[1]


def test_oversized_dashboard_is_refused_at_bundle_time(tmp_path: Path) -> None:
    big = tmp_path / "dash"
    big.mkdir()
    (big / "big.json").write_text('{"uid": "big", "panels": [], "description": "' + "x" * (1024 * 1024) + '"}')
    with pytest.raises(InputError, match=r"big\.json: dashboard is \d+ bytes"):
        render_stack(sample_options("dev", dashboards_dir=big), tmp_path / "w")


@pytest.mark.parametrize("profile", PROFILES)
def test_no_secret_value_appears_in_any_manifest(profile: str, rendered) -> None:  # type: ignore[no-untyped-def]
    ms = rendered(profile).rendering.manifests
    assert checks.secret_literals(ms, known_secrets=["changeme", "prom-operator"]) == []
    values = rendered(profile).rendering.values
    env = {e["name"]: e for e in values["fluentd"]["env"]}
    assert env["FLUENT_ELASTICSEARCH_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
        "name": "obskit-es-es-elastic-user", "key": "elastic"}
    assert values["kube-prometheus-stack"]["grafana"]["admin"]["existingSecret"] == "obskit-grafana-admin"
    assert "adminPassword" not in values["kube-prometheus-stack"]["grafana"]


def test_literal_secrets_are_reported() -> None:
    leaky_conf = "<match **>\n  password hunter2\n</match>"
    cm = _manifest({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "leak"},
                    "data": {"out.conf": leaky_conf}})
    sec = _manifest({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                     "stringData": {"token": "abc123"}})
    problems = checks.secret_literals([cm, sec], known_secrets=["hunter2"])
    assert any("contains a secret value literally" in p for p in problems)
    assert any("password holds a literal value" in p for p in problems)
    assert any("stringData.token holds a literal value" in p for p in problems)


def test_every_prod_container_has_requests_and_limits(rendered) -> None:  # type: ignore[no-untyped-def]
    stack = rendered("prod")
    profile = load_profile("prod")
    assert len(profile.containers) == 17
    assert checks.profile_container_resources(profile, stack.rendering.values) == []
    assert checks.container_resources(stack.rendering.manifests) == []


def test_missing_resources_are_reported() -> None:
    profile = load_profile("prod")
    values = copy.deepcopy(profile.values)
    del values["fluentd"]["resources"]["limits"]
    assert checks.profile_container_resources(profile, values) == [
        "fluentd.resources.limits: cpu and memory required in profile prod"]
    deploy = _manifest({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                        "spec": {"template": {"spec": {"containers": [{"name": "c", "resources": {"requests": {}}}]}}}})
    assert checks.container_resources([deploy]) == ["Deployment/d container c: no resources.requests",
                                                    "Deployment/d container c: no resources.limits"]


def test_elasticsearch_heap_is_at_most_half_the_memory_limit(rendered) -> None:  # type: ignore[no-untyped-def]
    for profile in PROFILES:
        assert checks.elasticsearch_heap(rendered(profile).rendering.values) == []
    values = copy.deepcopy(load_profile("prod").values)
    values["eck-elasticsearch"]["nodeSets"][0]["podTemplate"]["spec"]["containers"][0]["env"][0]["value"] = "-Xmx6g"
    assert "over 50 %" in checks.elasticsearch_heap(values)[0]


def test_dev_profile_is_single_node_without_pvcs() -> None:
    dev = load_profile("dev").values
    node_sets = dev["eck-elasticsearch"]["nodeSets"]
    assert [n["count"] for n in node_sets] == [1]
    assert node_sets[0]["config"]["node.store.allow_mmap"] is False
    assert node_sets[0]["podTemplate"]["spec"]["volumes"] == [{"name": "elasticsearch-data", "emptyDir": {}}]
    assert "storageSpec" not in dev["kube-prometheus-stack"]["prometheus"]["prometheusSpec"]
    assert dev["kube-prometheus-stack"]["grafana"]["persistence"]["enabled"] is False
    assert load_profile("dev").persistent is False and load_profile("prod").persistent is True
    prod = load_profile("prod").values
    assert prod["kube-prometheus-stack"]["prometheus"]["prometheusSpec"]["retention"] == "15d"
    assert prod["eck-elasticsearch"]["nodeSets"][0]["count"] == 3


@pytest.mark.parametrize("profile", PROFILES)
def test_fluentd_buffer_limits_are_present(profile: str, rendered) -> None:  # type: ignore[no-untyped-def]
    ms = rendered(profile).rendering.manifests
    assert checks.fluentd_buffer(ms) == []
    conf = next(m for m in ms if m.name == "obskit-fluentd-pipeline-obskit").body["data"]["04_outputs.conf"]
    for line in ("scheme https", "ca_file /etc/fluent/es-ca/ca.crt", "logstash_format true", "@type dedot"):
        assert line in conf
    broken = replace(next(m for m in ms if m.name == "obskit-fluentd-pipeline-obskit"),
                     body={"metadata": {"name": "obskit-fluentd-pipeline-obskit"},
                           "data": {"o.conf": "<buffer>\n</buffer>"}})
    assert len(checks.fluentd_buffer([broken])) == 4


def test_jaeger_userconfig_stores_spans_in_elasticsearch(rendered) -> None:  # type: ignore[no-untyped-def]
    config = rendered("dev").rendering.values["jaeger"]["userconfig"]
    assert config["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"].endswith(":4317")
    assert config["receivers"]["otlp"]["protocols"]["http"]["endpoint"].endswith(":4318")
    es = config["extensions"]["jaeger_storage"]["backends"]["es_main"]["elasticsearch"]
    assert es["server_urls"][0].startswith("https://") and es["auth"]["basic"]["password"] == "${env:ES_PASSWORD}"
    reader = config["service"]["telemetry"]["metrics"]["readers"][0]["pull"]["exporter"]["prometheus"]
    assert reader["port"] == 8888


def test_bad_build_output_is_named(tmp_path: Path) -> None:
    dash = tmp_path / "d"
    dash.mkdir()
    (dash / "bad.json").write_text('{"uid": "x",\n "panels": [}')
    with pytest.raises(InputError, match=r"bad\.json:2:\d+: not valid JSON"):
        render_stack(sample_options("dev", dashboards_dir=dash), tmp_path / "w")
    rules = tmp_path / "r"
    rules.mkdir()
    (rules / "r.yaml").write_text("rules: []\n")
    with pytest.raises(InputError, match=r"r\.yaml: expected a Prometheus rule file"):
        render_stack(sample_options("dev", rules_dir=rules), tmp_path / "w")
    assert (FIXTURES / "rules").is_dir()


@pytest.mark.parametrize("profile", PROFILES)
def test_names_used_by_our_templates_match_the_subcharts(profile: str, rendered) -> None:  # type: ignore[no-untyped-def]
    values = rendered(profile).rendering.values
    assert checks.name_consistency(values) == []
    drifted = copy.deepcopy(values)
    drifted["jaeger"]["fullnameOverride"] = "tracing"
    drifted["eck-elasticsearch"]["fullnameOverride"] = "logs"
    problems = checks.name_consistency(drifted)
    assert problems[0] == ("obskit.names.elasticsearch is 'obskit-es' but the subchart creates 'logs'; "
                           "set both together")
    assert any("obskit.names.jaeger" in p for p in problems)
    exporter = copy.deepcopy(values)
    exporter["prometheus-elasticsearch-exporter"]["es"]["uri"] = "https://logs-es-http:9200"
    assert checks.name_consistency(exporter) == [
        "prometheus-elasticsearch-exporter.es.uri is 'https://logs-es-http:9200'; the exporter must read "
        "https://obskit-es-es-http:9200 (obskit.names.elasticsearch)"]


def test_a_values_file_that_breaks_the_wiring_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "v.yaml"
    bad.write_text("jaeger:\n  fullnameOverride: tracing\n")
    stack = render_stack(sample_options("dev", values_files=[bad]), tmp_path / "w", validate=False)
    assert stack.problems[0] == ("obskit.names.jaeger is 'obskit-jaeger' but the subchart creates 'tracing'; "
                                 "set both together")
    # the full render shows the consequence: Grafana's Jaeger datasource points at a Service that is not there
    assert stack.problems[1:] == [
        "deploy/datasource-urls: ConfigMap/obskit-grafana-datasources obskit-datasources.yaml: datasource 'Jaeger' "
        "url 'http://obskit-jaeger.observability.svc:16686': no Service observability/obskit-jaeger in the "
        "rendering (nor one an operator creates)"]


def test_keys_that_name_a_secret_object_are_not_literal_secrets() -> None:
    """Alertmanager's spec.configSecret (and secretName, existingSecret) hold a Secret's name, not a secret:
    on the full render these were false positives."""
    am = _manifest({"apiVersion": "monitoring.coreos.com/v1", "kind": "Alertmanager", "metadata": {"name": "am"},
                    "spec": {"configSecret": "obskit-alertmanager-config", "secrets": ["a"],
                             "web": {"tlsConfig": {"existingSecret": "tls", "secretName": "x"}}}})
    assert checks.secret_literals([am]) == []
    leaky = _manifest({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "c"},
                       "stringData": {"clientSecret": "s3cr3t"}})
    assert checks.secret_literals([leaky]) == [
        "Secret/c: stringData.clientSecret holds a literal value; use a secretKeyRef/env/file"]
    inline = _manifest({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"secret": "hunter2"}})
    assert checks.secret_literals([inline]) == ["Pod/p: spec.secret holds a literal value; use a secretKeyRef/env/file"]
