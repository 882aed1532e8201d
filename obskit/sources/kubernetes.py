"""ClusterSource on the Kubernetes API with the official `kubernetes` client.

A service's pods are found by label selector (`app.kubernetes.io/name=<service>`, then `app=<service>`);
label values are validated before they go into a selector (they cannot be escaped, only refused).
Events are those of the service's pods, ReplicaSets and Deployment; rollouts are ReplicaSets created
in the window, with the image change against the previous revision.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from obskit.config import KubernetesConfig
from obskit.sources.cluster import ClusterEvent, PodStatus, Rollout
from obskit.sources.errors import SourceError
from obskit.sources.window import Window

SELECTOR_LABELS = ("app.kubernetes.io/name", "app")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
EVENT_LIMIT = 500


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


class KubernetesCluster:
    name = "kubernetes"

    def __init__(self, config: KubernetesConfig, timeout: float = 15.0) -> None:
        from kubernetes import client
        from kubernetes import config as kube_config
        from kubernetes.config.config_exception import ConfigException

        try:
            api_client = kube_config.new_client_from_config(
                config_file=str(config.kubeconfig) if config.kubeconfig else None, context=config.context)
        except (ConfigException, OSError, TypeError) as exc:
            raise SourceError("kubernetes", f"cannot load kubeconfig: {exc}") from None
        self.namespace = config.namespace
        self.timeout = timeout
        self.core = client.CoreV1Api(api_client)
        self.apps = client.AppsV1Api(api_client)

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        try:
            return fn(*args, _request_timeout=self.timeout, **kwargs)
        except ApiException as exc:
            raise SourceError("kubernetes", f"{what}: HTTP {exc.status} {exc.reason}") from None
        except HTTPError as exc:
            raise SourceError("kubernetes", f"{what}: {type(exc).__name__}: {exc}") from None

    def _selector(self, service: str, label: str) -> str:
        if not LABEL_VALUE.match(service) or len(service) > 63:
            raise SourceError("kubernetes", f"{service!r} is not a valid label value, cannot select its pods")
        return f"{label}={service}"

    def _pods(self, service: str, namespace: str) -> list[Any]:
        for label in SELECTOR_LABELS:
            found = self._call("list pods", self.core.list_namespaced_pod, namespace,
                               label_selector=self._selector(service, label)).items
            if found:
                return found
        return []

    def pods(self, service: str, namespace: str | None) -> list[PodStatus]:
        ns = namespace or self.namespace
        out = []
        for pod in self._pods(service, ns):
            statuses = pod.status.container_statuses or []
            ready = any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions or [])
            restarts = sum(c.restart_count or 0 for c in statuses)
            reason, when = None, None
            for c in statuses:
                term = c.last_state.terminated if c.last_state else None
                if term is not None and (when is None or (_ts(term.finished_at) or 0) > when):
                    reason, when = term.reason, _ts(term.finished_at)
            out.append(PodStatus(pod.metadata.name, pod.metadata.namespace, service, ready, restarts, reason, when))
        return sorted(out, key=lambda p: p.name)

    def _replica_sets(self, service: str, namespace: str) -> list[Any]:
        for label in SELECTOR_LABELS:
            found = self._call("list replicasets", self.apps.list_namespaced_replica_set, namespace,
                               label_selector=self._selector(service, label)).items
            if found:
                return found
        return []

    def events(self, service: str, namespace: str | None, window: Window) -> list[ClusterEvent]:
        ns = namespace or self.namespace
        names = {p.metadata.name for p in self._pods(service, ns)} | {service}
        names |= {rs.metadata.name for rs in self._replica_sets(service, ns)}
        items = self._call("list events", self.core.list_namespaced_event, ns, limit=EVENT_LIMIT).items
        out = []
        for e in items:
            obj = e.involved_object
            ts = _ts(e.last_timestamp or e.event_time or e.first_timestamp)
            if obj is None or obj.name not in names or ts is None or not window.start <= ts < window.end:
                continue
            out.append(ClusterEvent(ts, e.metadata.namespace, obj.kind or "", obj.name, e.type or "",
                                    e.reason or "", e.message or "", e.count or 1, service))
        return sorted(out, key=lambda e: (e.ts, e.object_name))

    def rollouts(self, service: str, namespace: str | None, window: Window) -> list[Rollout]:
        ns = namespace or self.namespace

        def revision(rs: Any) -> int:
            try:
                return int((rs.metadata.annotations or {}).get("deployment.kubernetes.io/revision", "0"))
            except ValueError:
                return 0

        def images(rs: Any) -> str:
            return ", ".join(c.image for c in rs.spec.template.spec.containers)

        sets = sorted(self._replica_sets(service, ns), key=revision)
        out = []
        for i, rs in enumerate(sets):
            ts = _ts(rs.metadata.creation_timestamp)
            if ts is None or not window.start <= ts < window.end or i == 0:
                continue
            owner = next((o.name for o in rs.metadata.owner_references or [] if o.kind == "Deployment"), service)
            change = f"image {images(sets[i - 1])} -> {images(rs)}" if images(sets[i - 1]) != images(rs) \
                else "pod template changed"
            out.append(Rollout(ts, service, ns, "Deployment", owner, str(revision(rs)), change))
        return out
