"""Helm release actions through the real helm-python-sdk (Helm v4), talking over loopback HTTP to
recorded Kubernetes v1.31 discovery responses (tests/fixtures/kubernetes/discovery-v1.31.json).

Helm keeps releases in its memory storage driver here, and the charts carry no objects: Helm validates
objects against the server's OpenAPI document before creating them, which recorded responses cannot
stand in for. What runs for real: chart loading, rendering, capability discovery, revision bookkeeping,
history limit, rollback and uninstall, and the plan's phases 3 and 4 driving them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from obskit.deploy import plan
from obskit.deploy.cluster import KubeCluster
from obskit.deploy.releases import HISTORY_LIMIT, HelmReleases
from obskit.errors import BackendError
from tests.deploy.kubeapi import load_routes, serve
from tests.deploy.test_phases import GROUPS, NAMES, crd_source


def _chart(root: Path, name: str, notes: str = "installed {{ .Release.Name }} rev {{ .Release.Revision }}") -> Path:
    chart = root / name
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\nappVersion: 1.0.0\n")
    (chart / "templates" / "NOTES.txt").write_text(notes + "\n")
    return chart


@pytest.fixture
def helm_api(tmp_path: Path) -> Iterator[tuple[Any, HelmReleases]]:
    routes = load_routes("cluster-v1.31.json", "discovery-v1.31.json")
    # no release yet, but the namespace exists: creating a Namespace object would make Helm fetch the
    # server's OpenAPI document to validate it
    routes["GET /api/v1/namespaces/observability/secrets"] = load_routes("fresh-cluster.json")[
        "GET /api/v1/namespaces/observability/secrets"]
    api, server = serve(routes, tmp_path)
    releases = HelmReleases(kube_apiserver=api.url, kube_token="recorded-token", storage_driver="memory")
    yield api, releases
    releases.close()
    server.shutdown()
    server.server_close()


def test_install_upgrade_rollback_uninstall(helm_api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    api, releases = helm_api
    chart = _chart(tmp_path, "stack")
    assert releases.upgrade_or_install(chart, "obskit", "observability", {}, installed=False, timeout=30) == 1
    assert releases.upgrade_or_install(chart, "obskit", "observability", {"x": 1}, installed=True, timeout=30) == 2
    releases.rollback("obskit", "observability", 1)
    history = releases.history("obskit", "observability")
    assert [(h["revision"], h["status"]) for h in history] == [(1, "superseded"), (2, "superseded"), (3, "deployed")]
    status = releases.status("obskit", "observability")
    assert status is not None and status["revision"] == 3 and "manifest" not in status
    releases.uninstall("obskit", "observability")
    assert releases.status("obskit", "observability") is None
    assert any(r.path == "/apis" for r in api.requests)  # Helm asked the recorded server for capabilities


def test_history_is_capped_at_ten_revisions(helm_api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, releases = helm_api
    chart = _chart(tmp_path, "stack")
    releases.upgrade_or_install(chart, "obskit", "observability", {}, installed=False, timeout=30)
    for _ in range(HISTORY_LIMIT + 2):
        releases.upgrade_or_install(chart, "obskit", "observability", {}, installed=True, timeout=30)
    revisions = [h["revision"] for h in releases.history("obskit", "observability")]
    assert len(revisions) == HISTORY_LIMIT and revisions[-1] == HISTORY_LIMIT + 3


def test_helm_failures_are_backend_errors(helm_api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, releases = helm_api
    broken = _chart(tmp_path, "broken", notes="{{ .Values.missing.deeper }}")
    with pytest.raises(BackendError, match="(?s)helm install observability/obskit: .*nil pointer"):
        releases.upgrade_or_install(broken, "obskit", "observability", {}, installed=False, timeout=30)
    with pytest.raises(BackendError, match="helm rollback observability/nothing"):
        releases.rollback("nothing", "observability", 1)
    releases.uninstall("nothing", "observability", missing_ok=True)  # tolerated when asked


def _request(chart: Path) -> plan.DeployRequest:
    return plan.DeployRequest(release="obskit", namespace="observability", chart_dir=chart, values={}, names=NAMES,
                              rule_groups=GROUPS, needs_storage=True, operators=[], readiness_attempts=3,
                              readiness_interval=0, timeout=30)


def test_plan_installs_the_stack_with_real_helm(helm_api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    api, releases = helm_api
    cluster = KubeCluster.connect(kubeconfig=api.kubeconfig)
    outcome = plan.execute(_request(_chart(tmp_path, "stack")), cluster, releases, crd_source)
    assert outcome.ok, outcome.phases
    assert outcome.revision == 1
    assert releases.status("obskit", "observability")["status"] == "deployed"  # type: ignore[index]


def test_plan_cleans_up_a_first_install_that_failed_with_real_helm(helm_api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    api, releases = helm_api
    cluster = KubeCluster.connect(kubeconfig=api.kubeconfig)
    outcome = plan.execute(_request(_chart(tmp_path, "broken", notes="{{ fail \"boom\" }}")), cluster, releases,
                           crd_source)
    assert not outcome.ok and outcome.phases[-1].name == "stack" and "boom" in outcome.phases[-1].detail
    assert "stack release removed (first install failed); PVCs and CRDs kept" in outcome.left
    assert releases.status("obskit", "observability") is None
