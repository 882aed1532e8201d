"""The local store's cluster facts: every service's pods, events and rollouts in one query per table, each fact
with its own service, its namespace and window kept, and the cluster stage the same as asked per service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from obskit.investigate import cluster as cluster_stage
from obskit.local.store import Store
from obskit.sources.local import local_sources
from obskit.sources.window import Window

T = 1_700_000_000.0
WINDOW = Window(T, T + 600, 60)


def _store(tmp_path: Path) -> Path:
    db = tmp_path / "cluster.duckdb"
    with Store(db) as store:
        store.add_cluster_facts("pods", [
            ("cart-2", "shop", "cart", True, 3, "OOMKilled", T + 120),
            ("cart-1", "shop", "cart", True, 0, None, None),
            ("checkout-1", "shop", "checkout", False, 1, "Error", T - 3600),  # before the window
            ("cart-9", "staging", "cart", True, 5, "OOMKilled", T + 60),  # another namespace
        ])
        store.add_cluster_facts("cluster_events", [
            (T + 130, "shop", "Pod", "cart-2", "Warning", "BackOff", "back-off restarting", 4, "cart"),
            (T + 30, "shop", "Pod", "cart-2", "Warning", "OOMKilling", "memory limit", 1, "cart"),
            (T + 700, "shop", "Pod", "checkout-1", "Warning", "Unhealthy", "probe failed", 2, "checkout"),  # after
            (T + 40, "shop", "Pod", "search-1", "Normal", "Pulled", "image pulled", 1, "search"),
        ])
        store.add_cluster_facts("rollouts", [
            (T + 300, "checkout", "shop", "Deployment", "checkout", "7", "image checkout:1 -> checkout:2"),
            (T - 60, "cart", "shop", "Deployment", "cart", "3", "image cart:1 -> cart:2"),  # before
        ])
    return db


def test_facts_of_several_services_come_back_per_service(tmp_path: Path) -> None:
    cluster = local_sources(_store(tmp_path)).cluster
    services = ["cart", "checkout", "payments"]
    pods = cluster.pods_many(services, "shop")
    assert [p.name for p in pods["cart"]] == ["cart-1", "cart-2"]  # by name, the other namespace left out
    assert [p.name for p in pods["checkout"]] == ["checkout-1"] and pods["payments"] == []
    assert [p.name for p in cluster.pods_many(["cart"], None)["cart"]] == ["cart-1", "cart-2", "cart-9"]
    events = cluster.events_many(services, None, WINDOW)
    assert [e.reason for e in events["cart"]] == ["OOMKilling", "BackOff"]  # in time order, within the window
    assert events["checkout"] == [] and "search" not in events
    rollouts = cluster.rollouts_many(services, None, WINDOW)
    assert [r.revision for r in rollouts["checkout"]] == ["7"] and rollouts["cart"] == []
    # one service asked alone gets the same facts
    assert cluster.pods("cart", "shop") == pods["cart"] and cluster.events("cart", None, WINDOW) == events["cart"]


class _OneAtATime:
    """A cluster source that answers per service only (as the Kubernetes source does)."""

    name = "per-service"

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def pods(self, service: str, namespace: str | None) -> Any:
        return self.inner.pods(service, namespace)

    def events(self, service: str, namespace: str | None, window: Window) -> Any:
        return self.inner.events(service, namespace, window)

    def rollouts(self, service: str, namespace: str | None, window: Window) -> Any:
        return self.inner.rollouts(service, namespace, window)


def test_the_stage_finds_the_same_asked_at_once_or_per_service(tmp_path: Path) -> None:
    cluster = local_sources(_store(tmp_path)).cluster
    services = ["cart", "checkout", "search"]
    batched = cluster_stage.analyze(cluster, services, "shop", WINDOW)
    single = cluster_stage.analyze(_OneAtATime(cluster), services, "shop", WINDOW)
    assert batched == single
    findings, timeline = batched
    assert [(f.service, f.kind, f.signal) for f in findings] == [("cart", "crash", "OOMKilled"),
                                                                   ("checkout", "deploy", "rollout")]
    assert findings[0].onset == T + 30  # the first crash sign: the OOMKilling event before the termination
    assert [e.service for e in timeline].count("cart") == 3
