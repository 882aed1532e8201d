"""After install: is every part of the stack serving, and are the parts wired to each other?

Every probe goes through the Kubernetes API server (service proxy, object status), so it needs no
port-forward and no credentials of the backends: Elasticsearch health is read from the ECK
Elasticsearch resource's status, which the operator keeps from `_cluster/health`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from obskit.deploy.cluster import KubeCluster
from obskit.errors import BackendError


@dataclass(frozen=True)
class Probe:
    name: str
    ok: bool
    detail: str


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _prometheus(cluster: KubeCluster, ns: str, names: dict[str, str]) -> Probe:
    text = cluster.proxy_get(ns, names["prometheus"], 9090, "/-/ready")
    return Probe("Prometheus /-/ready", "ready" in text.lower(), text.strip()[:80])


def _grafana(cluster: KubeCluster, ns: str, names: dict[str, str]) -> Probe:
    data = _json(cluster.proxy_get(ns, names["grafana"], 80, "/api/health")) or {}
    return Probe("Grafana /api/health", data.get("database") == "ok", f"database={data.get('database')}")


def _elasticsearch(cluster: KubeCluster, ns: str, names: dict[str, str]) -> Probe:
    es = cluster.custom_object("elasticsearch.k8s.elastic.co", "v1", ns, "elasticsearches", names["elasticsearch"])
    health = ((es or {}).get("status") or {}).get("health", "absent" if es is None else "unknown")
    return Probe("Elasticsearch cluster health", health in ("green", "yellow"), str(health))


def _kibana(cluster: KubeCluster, ns: str, names: dict[str, str]) -> list[Probe]:
    """Kibana's health from the ECK Kibana resource (kept by the operator); only when Kibana is part of
    the stack (`names` carries it)."""
    if "kibana" not in names:
        return []
    kb = cluster.custom_object("kibana.k8s.elastic.co", "v1", ns, "kibanas", names["kibana"])
    health = ((kb or {}).get("status") or {}).get("health", "absent" if kb is None else "unknown")
    return [Probe("Kibana health", health == "green", str(health))]


def _jaeger(cluster: KubeCluster, ns: str, names: dict[str, str]) -> Probe:
    replicas = cluster.deployment_replicas(ns, names["jaeger"])
    if replicas is None:
        return Probe("Jaeger health (/status readiness probe)", False, "Deployment absent")
    ready, desired = replicas
    return Probe("Jaeger health (/status readiness probe)", desired > 0 and ready >= desired,
                 f"{ready}/{desired} ready")


def _rules(cluster: KubeCluster, ns: str, names: dict[str, str], groups: list[str]) -> Probe:
    data = _json(cluster.proxy_get(ns, names["prometheus"], 9090, "/api/v1/rules")) or {}
    loaded = {g.get("name") for g in (data.get("data") or {}).get("groups") or []}
    missing = sorted(set(groups) - loaded)
    return Probe("obskit rules in /api/v1/rules", not missing,
                 f"{len(groups) - len(missing)}/{len(groups)} groups" + (f"; missing {missing}" if missing else ""))


def _targets(cluster: KubeCluster, ns: str, names: dict[str, str]) -> list[Probe]:
    data = _json(cluster.proxy_get(ns, names["prometheus"], 9090, "/api/v1/targets")) or {}
    targets = (data.get("data") or {}).get("activeTargets") or []
    probes = []
    for component in ("fluentd", "jaeger"):
        pool = f"serviceMonitor/{ns}/{names[component]}/"
        mine = [t for t in targets if str(t.get("scrapePool", "")).startswith(pool)]
        up = [t for t in mine if t.get("health") == "up"]
        probes.append(Probe(f"{component.capitalize()} scrape targets up", bool(mine) and len(up) == len(mine),
                            f"{len(up)}/{len(mine)} up"))
    return probes


def probe_once(cluster: KubeCluster, namespace: str, names: dict[str, str], rule_groups: list[str]) -> list[Probe]:
    probes: list[Probe] = []
    steps: list[Callable[[], list[Probe]]] = [
        lambda: [_prometheus(cluster, namespace, names)],
        lambda: [_grafana(cluster, namespace, names)],
        lambda: [_elasticsearch(cluster, namespace, names)],
        lambda: _kibana(cluster, namespace, names),
        lambda: [_jaeger(cluster, namespace, names)],
        lambda: [_rules(cluster, namespace, names, rule_groups)],
        lambda: _targets(cluster, namespace, names),
    ]
    for step in steps:
        try:
            probes += step()
        except BackendError as exc:  # one part down must not hide the others
            probes.append(Probe("probe failed", False, exc.message))
    return probes


def wait_ready(
    cluster: KubeCluster, namespace: str, names: dict[str, str], rule_groups: list[str], *,
    attempts: int = 30, interval: float = 10.0, sleep: Callable[[float], None] = time.sleep,
    on_attempt: Callable[[int, list[Probe]], None] | None = None,
) -> list[Probe]:
    """Probe until everything is ready or attempts run out; returns the last round."""
    probes: list[Probe] = []
    for attempt in range(1, attempts + 1):
        probes = probe_once(cluster, namespace, names, rule_groups)
        if on_attempt:
            on_attempt(attempt, probes)
        if all(p.ok for p in probes):
            break
        if attempt < attempts:
            sleep(interval)
    return probes
