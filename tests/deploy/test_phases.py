"""Preflight, CRD phase, readiness and rollback against recorded Kubernetes API responses
(tests/fixtures/kubernetes/, Kubernetes v1.31 API shapes) served over loopback HTTP to the real
kubernetes client. Helm release actions cannot run against recorded responses (they need a live API
server for discovery and apply), so they are a recording stand-in here; the live suite drives the real
helm-python-sdk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from obskit.deploy import plan, readiness
from obskit.deploy.cluster import KubeCluster
from obskit.deploy.preflight import preflight, release_state
from obskit.errors import BackendError, InputError
from tests.deploy.kubeapi import KubeAPI, load_routes, serve

NAMES = {"prometheus": "obskit-kps-prometheus", "alertmanager": "obskit-kps-alertmanager", "grafana": "obskit-grafana",
         "elasticsearch": "obskit-es", "jaeger": "obskit-jaeger", "fluentd": "obskit-fluentd"}
GROUPS = ["slo:checkout-availability", "obskit-stack"]


class RecordingReleases:
    """Stand-in for releases.HelmReleases: records calls, fails the named action on request."""

    def __init__(self, fail: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.fail = fail
        self.calls: list[tuple[Any, ...]] = []

    def upgrade_or_install(self, chart: Any, release: str, namespace: str, values: dict[str, Any], *,
                           installed: bool, repo_url: str | None = None, version: str | None = None,
                           timeout: int = 600) -> int:
        action = "upgrade" if installed else "install"
        self.calls.append((action, release, namespace, repo_url, version))
        if f"{action}:{release}" in self.fail:
            raise BackendError(f"helm {action} {namespace}/{release}: context deadline exceeded")
        return 3

    def rollback(self, release: str, namespace: str, revision: int | None) -> None:
        self.calls.append(("rollback", release, namespace, revision))

    def uninstall(self, release: str, namespace: str, *, missing_ok: bool = False) -> None:
        self.calls.append(("uninstall", release, namespace))


@pytest.fixture
def kube(tmp_path: Path) -> Iterator[Any]:
    servers = []

    def start(*fixtures: str) -> tuple[KubeAPI, KubeCluster]:
        api, server = serve(load_routes("cluster-v1.31.json", *fixtures), tmp_path)
        servers.append(server)
        return api, KubeCluster.connect(kubeconfig=api.kubeconfig)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def crd_source(names: list[str]) -> list[dict[str, Any]]:
    """CRD bodies as phase 1 gets them from the packaged charts (trimmed schema)."""
    bodies = []
    for name in names:
        plural, group = name.split(".", 1)
        kind = plural.rstrip("s").capitalize()
        bodies.append({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": name},
            "spec": {"group": group, "scope": "Namespaced",
                     "names": {"plural": plural, "singular": kind.lower(), "kind": kind, "listKind": f"{kind}List"},
                     "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                         "type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]}})
    return bodies


def request(tmp_path: Path, needs_storage: bool = True) -> plan.DeployRequest:
    return plan.DeployRequest(release="obskit", namespace="observability", chart_dir=tmp_path, values={},
                              names=NAMES, rule_groups=GROUPS, needs_storage=needs_storage,
                              readiness_attempts=3, readiness_interval=0)


def test_preflight_on_a_healthy_cluster(kube) -> None:  # type: ignore[no-untyped-def]
    _, cluster = kube()
    report = preflight(cluster, "obskit", "observability", needs_storage=True)
    checks = {c.name: c for c in report.checks}
    assert report.ok
    assert checks["Kubernetes version"].detail == "v1.31.4"
    assert checks["default StorageClass"].detail == "standard"
    assert report.release is not None and report.release.action == "upgrade"
    assert report.release.last_deployed is not None and report.release.last_deployed.revision == 2
    # prometheus-operator CRDs at 0.85.0 are older than the chart's 0.93.1: applied; ECK's are current
    plurals = ("alertmanagers", "podmonitors", "prometheuses", "prometheusrules", "servicemonitors")
    assert report.crds_to_apply == [f"{p}.monitoring.coreos.com" for p in plurals]
    assert checks["CRD elasticsearches.elasticsearch.k8s.elastic.co"].detail == "3.5.0 (current)"


def test_preflight_refuses_an_old_cluster_without_default_storage(kube) -> None:  # type: ignore[no-untyped-def]
    _, cluster = kube("cluster-old-no-storage.json")
    report = preflight(cluster, "obskit", "observability", needs_storage=True)
    failed = {c.name: c.detail for c in report.checks if not c.ok}
    assert not report.ok
    assert failed["Kubernetes version"] == "v1.24.17-eks-5e0fdde — obskit-stack needs ≥ 1.25"
    assert "mark one StorageClass default" in failed["default StorageClass"]
    dev = preflight(cluster, "obskit", "observability", needs_storage=False)
    assert [c.name for c in dev.checks if not c.ok] == ["Kubernetes version"]  # no PVCs in dev: storage only informs


def test_release_states() -> None:
    from obskit.deploy.cluster import ReleaseRecord as R
    assert release_state([]).action == "install"
    assert release_state([R(1, "deployed")]).action == "upgrade"
    assert release_state([R(1, "deployed"), R(2, "pending-upgrade")]).action == "repair-rollback"
    assert release_state([R(1, "pending-install")]).action == "repair-uninstall"
    assert release_state([R(1, "failed")]).action == "repair-uninstall"
    assert release_state([R(1, "deployed"), R(2, "failed")]).action == "upgrade"


def test_full_deploy_applies_crds_server_side_and_waits_until_ready(kube, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    api, cluster = kube()
    releases = RecordingReleases()
    seen: list[tuple[str, str]] = []
    outcome = plan.execute(request(tmp_path), cluster, releases, crd_source, lambda p, s, d: seen.append((p, s)))
    assert outcome.ok, outcome.phases
    assert [p.name for p in outcome.phases] == ["preflight", "crds", "operator", "stack", "readiness"]
    patches = api.calls("PATCH", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/")
    assert len(patches) == 5
    assert {p.content_type for p in patches} == {"application/apply-patch+yaml"}
    assert releases.calls == [
        ("install", "elastic-operator", "elastic-system", "https://helm.elastic.co", "3.5.0"),
        ("upgrade", "obskit", "observability", None, None),
    ]
    created = api.calls("POST", "/api/v1/namespaces/observability/secrets")[0].body
    assert created["metadata"]["name"] == "obskit-grafana-admin"
    assert len(created["stringData"]["admin-password"]) >= 24
    # first readiness round: Prometheus 503 and ES health unknown; second round all ready
    assert len(api.calls("GET", "/apis/elasticsearch.k8s.elastic.co/")) == 2
    assert all(p.ok for p in outcome.probes) and len(outcome.probes) == 7
    assert ("readiness", "ok") in seen


def test_pending_release_is_repaired_before_upgrading(kube, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, cluster = kube("release-pending-upgrade.json")
    releases = RecordingReleases()
    outcome = plan.execute(request(tmp_path), cluster, releases, crd_source)
    assert releases.calls[0] == ("rollback", "obskit", "observability", 2)
    assert "repaired: release rolled back from pending-upgrade to revision 2" in outcome.left
    assert outcome.ok


def test_failed_stack_upgrade_rolls_back_and_says_what_was_left(kube, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, cluster = kube()
    releases = RecordingReleases(fail={"upgrade:obskit"})
    outcome = plan.execute(request(tmp_path), cluster, releases, crd_source)
    assert not outcome.ok
    assert [(p.name, p.ok) for p in outcome.phases][-1] == ("stack", False)
    assert releases.calls[-1] == ("rollback", "obskit", "observability", 2)
    assert "stack rolled back to revision 2" in outcome.left
    assert any(item.startswith("CRDs applied and kept:") for item in outcome.left)


def test_failed_first_install_is_removed(kube, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    api, cluster = kube("fresh-cluster.json")
    releases = RecordingReleases(fail={"install:obskit"})
    outcome = plan.execute(request(tmp_path), cluster, releases, crd_source)
    assert releases.calls[-1] == ("uninstall", "obskit", "observability")
    assert "stack release removed (first install failed); PVCs and CRDs kept" in outcome.left
    assert len(api.calls("PATCH", "/apis/apiextensions.k8s.io/")) == 6  # every CRD was absent
    assert api.calls("POST", "/api/v1/namespaces")[0].body["metadata"]["name"] == "observability"


def test_readiness_failure_rolls_back_and_names_the_broken_parts(kube, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, cluster = kube("stack-not-ready.json")
    releases = RecordingReleases()
    outcome = plan.execute(request(tmp_path), cluster, releases, crd_source, sleep=lambda _: None)
    bad = {p.name: p.detail for p in outcome.probes if not p.ok}
    assert bad == {"Elasticsearch cluster health": "red", "Jaeger scrape targets up": "0/1 up"}
    assert outcome.phases[-1].name == "readiness" and not outcome.phases[-1].ok
    assert releases.calls[-1] == ("rollback", "obskit", "observability", 2)


def test_failed_preflight_changes_nothing(kube, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    api, cluster = kube("cluster-old-no-storage.json")
    releases = RecordingReleases()
    outcome = plan.execute(request(tmp_path), cluster, releases, crd_source)
    assert not outcome.ok and outcome.left == ["nothing changed in the cluster"]
    assert releases.calls == [] and api.calls("PATCH") == [] and api.calls("POST") == []


def test_readiness_probe_reports_missing_rules(kube) -> None:  # type: ignore[no-untyped-def]
    _, cluster = kube()
    probes = readiness.probe_once(cluster, "observability", NAMES, GROUPS + ["never-loaded"])
    rules = next(p for p in probes if p.name == "obskit rules in /api/v1/rules")
    assert not rules.ok and rules.detail == "2/3 groups; missing ['never-loaded']"


def test_unreachable_api_server_is_a_backend_error(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text("apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster:\n"
                      "    server: http://127.0.0.1:9\nusers:\n- name: u\n  user: {token: t}\n"
                      "contexts:\n- name: c\n  context: {cluster: c, user: u}\n")
    cluster = KubeCluster.connect(kubeconfig=config)
    cluster.api.configuration.retries = 0
    with pytest.raises(BackendError, match="Kubernetes API unreachable: GET /version"):
        cluster.server_version()


def test_no_kube_context_suggests_dry_run(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        KubeCluster.connect(kubeconfig=tmp_path / "missing")
    assert "--dry-run" in (exc.value.hint or "")


def test_kibana_is_probed_only_when_it_is_part_of_the_stack(kube) -> None:  # type: ignore[no-untyped-def]
    _, cluster = kube("kibana-eck-3.5.json")
    with_kibana = {**NAMES, "kibana": "obskit-kb"}
    first = {p.name: p for p in readiness.probe_once(cluster, "observability", with_kibana, GROUPS)}
    assert not first["Kibana health"].ok and first["Kibana health"].detail == "red"
    second = {p.name: p for p in readiness.probe_once(cluster, "observability", with_kibana, GROUPS)}
    assert second["Kibana health"].ok and second["Kibana health"].detail == "green"
    assert "Kibana health" not in {p.name for p in readiness.probe_once(cluster, "observability", NAMES, GROUPS)}


def test_kibana_resource_missing_is_a_failed_probe(kube) -> None:  # type: ignore[no-untyped-def]
    _, cluster = kube()  # no Kibana resource in this cluster
    probes = {p.name: p for p in readiness.probe_once(cluster, "observability", {**NAMES, "kibana": "obskit-kb"},
                                                      GROUPS)}
    assert not probes["Kibana health"].ok and probes["Kibana health"].detail == "absent"
