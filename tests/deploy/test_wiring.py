"""The wiring checks (obskit/deploy/wiring/) on the full rendering of the real upstream charts: none
fires on the stack as shipped (no false positives), and each fires on a broken copy of it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from obskit.deploy import checks, crdschema, validation, wiring
from obskit.deploy.chart import Manifest
from obskit.deploy.stack import render_stack
from obskit.deploy.wiring import config_hosts, containers, datasources, references, selectors, servicemonitors
from obskit.deploy.wiring.objects import index
from tests.deploy.conftest import edit, sample_options

NS = "observability"


def _run(check: Callable[..., list[str]], manifests: list[Manifest], values: dict[str, Any]) -> list[str]:
    return check(index(manifests, NS, values))  # type: ignore[no-any-return]


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_no_wiring_check_fires_on_the_stack_as_shipped(profile: str, rendered) -> None:  # type: ignore[no-untyped-def]
    stack = rendered(profile)
    assert wiring.run(stack.rendering.manifests, NS, stack.rendering.values) == []
    assert stack.problems == [] and stack.violations == []


def test_the_old_fluentd_values_are_refused(tmp_path: Path) -> None:
    """The values shipped for fluentd 0.5.0 repeated the chart's own volumes, named ConfigMaps that do
    not exist and set FLUENTD_CONF a second time: the API server would refuse the DaemonSet."""
    old = tmp_path / "old-fluentd.yaml"
    old.write_text("""
fluentd:
  env:
    - {name: FLUENTD_CONF, value: ../../etc/fluent/fluent.conf}
  volumes:
    - {name: varlog, hostPath: {path: /var/log}}
    - {name: etcfluentd-main, configMap: {name: fluentd-main, defaultMode: 0777}}
  volumeMounts:
    - {name: varlog, mountPath: /var/log}
""")
    stack = render_stack(sample_options("dev", values_files=[old]), tmp_path / "w", validate=False)
    found = "\n".join(stack.problems)
    assert "deploy/unique-names: DaemonSet/obskit-fluentd: volume 'etcfluentd-main' defined 2 times" in found
    assert "volume 'varlog' defined 2 times" in found
    assert "container fluentd: mountPath '/var/log' used 2 times" in found
    assert "container fluentd: env 'FLUENTD_CONF' set 2 times" in found
    assert ("deploy/references: DaemonSet/obskit-fluentd: volume etcfluentd-main references ConfigMap "
            "observability/fluentd-main, which is neither rendered") in found


def test_a_mount_without_a_volume_is_reported(rendered) -> None:  # type: ignore[no-untyped-def]
    def drop_volume(body: dict[str, Any]) -> None:
        spec = body["spec"]["template"]["spec"]
        spec["volumes"] = [v for v in spec["volumes"] if v["name"] != "es-ca"]

    ms = edit(rendered("dev"), "DaemonSet", "obskit-fluentd", drop_volume)
    assert _run(containers.check, ms, {}) == [
        "DaemonSet/obskit-fluentd container fluentd: volumeMount 'es-ca' names no volume of the pod"]


def test_a_secret_nobody_creates_is_reported_and_optional_ones_are_not(rendered) -> None:  # type: ignore[no-untyped-def]
    stack = rendered("dev")

    def rename(optional: bool) -> Callable[[dict[str, Any]], None]:
        def change(body: dict[str, Any]) -> None:
            env = body["spec"]["template"]["spec"]["containers"][0]["env"]
            ref = next(e for e in env if e["name"] == "ES_PASSWORD")["valueFrom"]["secretKeyRef"]
            ref.update(name="typo-es-elastic-user", **({"optional": True} if optional else {}))
        return change

    broken = _run(references.check, edit(stack, "Deployment", "obskit-jaeger", rename(False)), stack.rendering.values)
    assert broken == ["Deployment/obskit-jaeger: container jaeger env ES_PASSWORD references Secret "
                      "observability/typo-es-elastic-user, which is neither rendered nor created by an operator or "
                      "obskit deploy (the pod would not start)"]
    assert _run(references.check, edit(stack, "Deployment", "obskit-jaeger", rename(True)),
                stack.rendering.values) == []
    # ECK's Secrets count only while the Elasticsearch resource they derive from is rendered
    without_es = [m for m in stack.rendering.manifests if m.kind != "Elasticsearch"]
    assert any("obskit-es-es-elastic-user" in p for p in _run(references.check, without_es, stack.rendering.values))


def test_a_service_whose_selector_matches_no_pod_is_reported(rendered) -> None:  # type: ignore[no-untyped-def]
    def change(body: dict[str, Any]) -> None:
        body["spec"]["selector"]["app.kubernetes.io/name"] = "jaeger-typo"

    problems = _run(selectors.check, edit(rendered("dev"), "Service", "obskit-jaeger", change), {})
    assert problems == [
        "Service observability/obskit-jaeger: selector app.kubernetes.io/component=all-in-one,"
        "app.kubernetes.io/instance=obskit,app.kubernetes.io/name=jaeger-typo matches no pod of the rendering "
        "(the Service would have no endpoints)"]
    # Services for operator-managed pods match the labels the operator gives them
    assert _run(selectors.check, rendered("dev").rendering.manifests, {}) == []


def test_servicemonitor_port_names_must_exist_on_the_selected_services(rendered) -> None:  # type: ignore[no-untyped-def]
    stack = rendered("dev")

    def port(body: dict[str, Any]) -> None:
        body["spec"]["endpoints"][0]["port"] = "http-metrics"

    problems = _run(servicemonitors.check, edit(stack, "ServiceMonitor", "obskit-grafana", port), {})
    assert problems == ["ServiceMonitor/obskit-grafana: endpoints[0].port 'http-metrics' is not a port name of the "
                        "selected Service(s) obskit-grafana (known: http-web)"]

    def selector(body: dict[str, Any]) -> None:
        body["spec"]["selector"]["matchLabels"] = {"obskit.io/scrape": "nothing"}

    problems = _run(servicemonitors.check, edit(stack, "ServiceMonitor", "obskit-jaeger", selector), {})
    assert len(problems) == 1 and problems[0].startswith("ServiceMonitor/obskit-jaeger: selects no Service")


def test_datasource_urls_must_reach_a_rendered_service_and_port(rendered) -> None:  # type: ignore[no-untyped-def]
    stack = rendered("dev")

    def wrong_port(body: dict[str, Any]) -> None:
        key = next(iter(body["data"]))
        body["data"][key] = body["data"][key].replace("obskit-kps-prometheus.observability.svc:9090",
                                                      "obskit-kps-prometheus.observability.svc:9091")

    problems = _run(datasources.check, edit(stack, "ConfigMap", "obskit-grafana-datasources", wrong_port), {})
    assert len(problems) == 1
    assert "datasource 'Prometheus'" in problems[0] and "has no port 9091" in problems[0]
    # the Elasticsearch datasource reaches ECK's HTTP Service, which exists only with the Elasticsearch resource
    without_es = [m for m in stack.rendering.manifests if m.kind != "Elasticsearch"]
    assert any("datasource 'Elasticsearch'" in p for p in _run(datasources.check, without_es, {}))


def test_hosts_in_config_files_must_be_rendered_services(rendered) -> None:  # type: ignore[no-untyped-def]
    stack = rendered("dev")
    output = next(m for m in stack.rendering.manifests if m.name.startswith("obskit-fluentd-pipeline"))

    def elsewhere(body: dict[str, Any]) -> None:
        body["data"]["04_outputs.conf"] = body["data"]["04_outputs.conf"].replace("obskit-es-es-http", "logs-es-http")

    problems = _run(config_hosts.check, edit(stack, "ConfigMap", output.name, elsewhere), {})
    assert problems == [f"ConfigMap/{output.name} 04_outputs.conf: logs-es-http.observability:9200: no Service "
                        "observability/logs-es-http in the rendering (nor one an operator creates)"]

    def jaeger_port(body: dict[str, Any]) -> None:
        body["data"]["user-config.yaml"] = body["data"]["user-config.yaml"].replace("es-http:9200", "es-http:9300")

    problems = _run(config_hosts.check, edit(stack, "ConfigMap", "user-config", jaeger_port), {})
    assert problems == ["ConfigMap/user-config user-config.yaml: obskit-es-es-http.observability:9300: Service "
                        "observability/obskit-es-es-http has no port 9300"]


def test_custom_resources_are_validated_against_the_crds_the_charts_ship(rendered) -> None:  # type: ignore[no-untyped-def]
    stack = rendered("prod")
    assert stack.source is not None
    schemas = crdschema.schemas(stack.bundle.chart_dir, stack.source)
    for key in [("monitoring.coreos.com/v1", "Prometheus"), ("monitoring.coreos.com/v1", "Alertmanager"),
                ("monitoring.coreos.com/v1", "PrometheusRule"), ("monitoring.coreos.com/v1", "ServiceMonitor"),
                ("elasticsearch.k8s.elastic.co/v1", "Elasticsearch")]:
        assert key in schemas, key

    def prometheus(body: dict[str, Any]) -> None:
        body["spec"]["replicas"] = "two"
        body["spec"]["retentionSizee"] = "45GB"

    def elasticsearch(body: dict[str, Any]) -> None:
        del body["spec"]["nodeSets"][0]["name"]

    broken = edit(stack, "Prometheus", "obskit-kps-prometheus", prometheus)
    broken = [m for m in broken if m.kind == "Prometheus"] + [
        m for m in edit(stack, "Elasticsearch", "obskit-es", elasticsearch) if m.kind == "Elasticsearch"]
    found = [v.message for v in validation.validate(broken, crd_schemas=schemas)]
    assert "spec.replicas: 'two' is not of type 'integer', 'null'" in found or \
        "spec.replicas: 'two' is not of type 'integer'" in found
    assert any(m.startswith("spec: unknown field(s) retentionSizee: the API server would prune them") for m in found)
    assert "spec.nodeSets[0]: 'name' is a required property" in found


def test_elasticsearch_mmap_needs_vm_max_map_count(rendered) -> None:  # type: ignore[no-untyped-def]
    assert checks.elasticsearch_mmap(rendered("prod").rendering.values) == []
    values = copy.deepcopy(rendered("prod").rendering.values)
    del values["eck-elasticsearch"]["nodeSets"][0]["podTemplate"]["spec"]["initContainers"]
    assert checks.elasticsearch_mmap(values) == [
        "eck-elasticsearch.nodeSets[0]: mmap is on but no init container sets vm.max_map_count; add one, or set "
        "config.node.store.allow_mmap: false"]
    values["eck-elasticsearch"]["nodeSets"][0]["config"]["node.store.allow_mmap"] = False
    assert checks.elasticsearch_mmap(values) == []
