"""What Prometheus would scrape in a rendering: one target per ServiceMonitor endpoint and selected Service
(or PodMonitor endpoint), with the pods behind it, their images and the ConfigMaps they mount. The metric
producer check (metric_producers.py) matches these against its catalog; the Fluentd checks read the
configuration of the pods."""

from __future__ import annotations

from dataclasses import dataclass, field

from obskit.deploy.chart import Manifest
from obskit.deploy.wiring import selectors
from obskit.deploy.wiring.objects import Objects, Pod, Service
from obskit.deploy.wiring.servicemonitors import namespaces_of, selected_services

DEFAULT_PATH = "/metrics"


@dataclass(frozen=True)
class Target:
    monitor: str  # ServiceMonitor/name or PodMonitor/name
    port: str
    path: str
    service: Service | None
    pods: tuple[Pod, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        via = f"{self.monitor} port {self.port}" + (f" path {self.path}" if self.path != DEFAULT_PATH else "")
        behind = ", ".join(sorted({p.owner for p in self.pods})) or (
            f"Service {self.service.namespace}/{self.service.name}" if self.service else "?")
        return f"{behind} via {via}"


def targets(objects: Objects) -> list[Target]:
    """Every scrape target of the rendering, worked out once per index."""
    return objects.once(_targets)


def _targets(objects: Objects) -> list[Target]:
    found: list[Target] = []
    for m in objects.manifests:
        spec = m.body.get("spec") or {}
        if m.kind == "ServiceMonitor":
            services = selected_services(objects, m)
            for ep in spec.get("endpoints") or []:
                port = str(ep.get("port") or ep.get("targetPort") or "")
                for svc in services:
                    if ep.get("port") and ep["port"] not in {p.get("name") for p in svc.ports}:
                        continue
                    pods = tuple(p for p in objects.pods if svc.selector and p.namespace == svc.namespace
                                 and selectors.matches(svc.selector, p.labels))
                    found.append(Target(f"ServiceMonitor/{m.name}", port, str(ep.get("path") or DEFAULT_PATH), svc,
                                        pods))
        elif m.kind == "PodMonitor":
            namespaces = namespaces_of(objects, m)
            labels = (spec.get("selector") or {}).get("matchLabels") or {}
            pods = tuple(p for p in objects.pods if (namespaces is None or p.namespace in namespaces)
                         and labels and selectors.matches(labels, p.labels))
            for ep in spec.get("podMetricsEndpoints") or []:
                found.append(Target(f"PodMonitor/{m.name}", str(ep.get("port") or ""),
                                    str(ep.get("path") or DEFAULT_PATH), None, pods))
    return found


def images(pod: Pod) -> list[str]:
    return [str(c.get("image") or "") for c in pod.containers()]


def mounted_configmaps(objects: Objects, pod: Pod) -> list[Manifest]:
    """The ConfigMaps a pod mounts (volumes and projected volumes), as rendered."""
    names: set[str] = set()
    for v in pod.spec.get("volumes") or []:
        if (v.get("configMap") or {}).get("name"):
            names.add(str(v["configMap"]["name"]))
        for source in (v.get("projected") or {}).get("sources") or []:
            if (source.get("configMap") or {}).get("name"):
                names.add(str(source["configMap"]["name"]))
    return [m for m in objects.manifests
            if m.kind == "ConfigMap" and m.name in names and objects.ns(m) == pod.namespace]


def config_texts(objects: Objects, pod: Pod) -> dict[str, str]:
    """`ConfigMap/name key` -> text of every file the pod mounts from a ConfigMap."""
    out: dict[str, str] = {}
    for m in mounted_configmaps(objects, pod):
        for key, text in sorted((m.body.get("data") or {}).items()):
            out[f"ConfigMap/{m.name} {key}"] = str(text)
    return out

