"""KubernetesCluster through the official client and a kubeconfig, over real HTTP, against recorded
Kubernetes 1.31 API answers (tests/fixtures/kubernetes/k8s-1.31.json)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from obskit.config import KubernetesConfig
from obskit.sources.errors import SourceError
from obskit.sources.kubernetes import KubernetesCluster
from obskit.sources.window import Window
from tests.replay import Request, Response, fixture, replay

DATA = fixture("kubernetes", "k8s-1.31.json")
WINDOW = Window(1_699_999_200, 1_700_001_000, 60)  # 22:00 .. 22:30 UTC


def kubeconfig(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "test",
        "clusters": [{"name": "c", "cluster": {"server": url}}],
        "users": [{"name": "u", "user": {"token": "CANARY-kube-token"}}],
        "contexts": [{"name": "test", "context": {"cluster": "c", "user": "u", "namespace": "shop"}}],
    }))
    return path


def route(req: Request) -> Response:
    selector = req.query.get("labelSelector", [""])[0]
    if req.path == "/api/v1/namespaces/shop/pods":
        return Response(200, DATA["pods"] if selector == "app=cart" else DATA["empty_pods"])
    if req.path == "/apis/apps/v1/namespaces/shop/replicasets":
        return Response(200, DATA["replicasets"] if selector == "app=cart" else DATA["empty_replicasets"])
    if req.path == "/api/v1/namespaces/shop/events":
        return Response(200, DATA["events"])
    return Response(403, DATA["forbidden"])


@pytest.fixture
def cluster(tmp_path: Path):
    with replay(route) as (url, seen):
        yield KubernetesCluster(KubernetesConfig(kubeconfig=kubeconfig(tmp_path, url), context="test",
                                                 namespace="shop")), seen


def test_pods_with_restarts_and_last_termination(cluster) -> None:
    source, seen = cluster
    pods = source.pods("cart", None)
    assert [(p.name, p.restarts, p.last_termination_reason, p.ready) for p in pods] == [
        ("cart-7c77948ff9-2vktl", 1, "OOMKilled", True), ("cart-7c77948ff9-p4ssp", 2, "OOMKilled", True)]
    assert pods[1].last_termination_time == 1_700_000_707.0
    selectors = [r.query["labelSelector"][0] for r in seen]
    assert selectors == ["app.kubernetes.io/name=cart", "app=cart"]
    assert seen[0].headers["authorization"] == "Bearer CANARY-kube-token"


def test_events_of_the_service_in_the_window(cluster) -> None:
    source, _ = cluster
    events = source.events("cart", None, WINDOW)
    assert [(e.reason, e.object_name, e.count) for e in events] == [
        ("ScalingReplicaSet", "cart", 1), ("BackOff", "cart-7c77948ff9-p4ssp", 3)]


def test_rollouts_name_the_image_change(cluster) -> None:
    source, _ = cluster
    rollouts = source.rollouts("cart", None, WINDOW)
    assert [(r.name, r.revision, r.change) for r in rollouts] == [
        ("cart", "8", "image registry.example/cart:3.0.9 -> registry.example/cart:3.1.0")]


def test_bad_label_value_and_forbidden(cluster) -> None:
    source, _ = cluster
    with pytest.raises(SourceError, match="not a valid label value"):
        source.pods("cart,app!=x", None)
    with pytest.raises(SourceError, match="403 Forbidden"):
        source.pods("cart", "kube-system")


def test_missing_kubeconfig(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot load kubeconfig"):
        KubernetesCluster(KubernetesConfig(kubeconfig=tmp_path / "nope", context="x"))
