"""An index of a rendering as the API server would hold it: every object in its namespace, plus what
operators and the cluster create (provided.yaml), and the pod templates of every workload."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from obskit.deploy.chart import Manifest

PROVIDED_FILE = Path(__file__).parent / "provided.yaml"
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}
T = TypeVar("T")


@dataclass(frozen=True)
class Pod:
    """A pod template: who owns it, its labels and spec."""

    owner: str  # Kind/name
    namespace: str
    labels: dict[str, str]
    spec: dict[str, Any]

    def containers(self) -> Iterator[dict[str, Any]]:
        yield from (self.spec.get("initContainers") or [])
        yield from (self.spec.get("containers") or [])


@dataclass(frozen=True)
class Service:
    namespace: str
    name: str
    labels: dict[str, str]
    selector: dict[str, str] | None
    ports: list[dict[str, Any]]
    source: str  # "rendered" or what provides it


@dataclass
class Objects:
    namespace: str
    manifests: list[Manifest]
    pods: list[Pod] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    configmaps: set[tuple[str, str]] = field(default_factory=set)
    secrets: set[tuple[str, str]] = field(default_factory=set)
    derived: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False, compare=False)

    def ns(self, m: Manifest) -> str:
        return m.namespace or self.namespace

    def once(self, compute: Callable[..., T], *members: Any) -> T:
        """`compute(self, *members)`, worked out once per index and kept: the views several checks read
        (scrape targets, parsed Fluentd configs and datasource files, the queried metrics). `members` are
        objects of this index (a Pod), told apart by identity."""
        key = (compute, *(id(m) for m in members))
        if key not in self.derived:
            self.derived[key] = compute(self, *members)
        return self.derived[key]  # type: ignore[no-any-return]

    def service(self, namespace: str, name: str) -> Service | None:
        return next((s for s in self.services if s.namespace == namespace and s.name == name), None)


def index(manifests: list[Manifest], namespace: str, values: dict[str, Any]) -> Objects:
    objects = Objects(namespace, manifests)
    provided = yaml.safe_load(PROVIDED_FILE.read_text())
    admin = ((values.get("obskit") or {}).get("grafanaAdminSecret"))
    if admin:
        objects.secrets.add((namespace, str(admin)))
    for m in manifests:
        ns = objects.ns(m)
        meta = m.body.get("metadata") or {}
        if m.kind == "ConfigMap":
            objects.configmaps.add((ns, m.name))
        elif m.kind == "Secret":
            objects.secrets.add((ns, m.name))
        elif m.kind == "Service":
            spec = m.body.get("spec") or {}
            objects.services.append(Service(ns, m.name, dict(meta.get("labels") or {}), spec.get("selector"),
                                            list(spec.get("ports") or []), "rendered"))
        elif m.kind in WORKLOADS:
            objects.pods.append(_pod(m, ns))
            objects.secrets.update((ns, name) for name in _job_created_secrets(objects.pods[-1], provided))
        created = (provided.get("custom_resources") or {}).get(m.kind)
        if created:
            _add_created(objects, created, m.name, ns, m.kind)
    for svc in provided.get("services") or []:
        objects.services.append(Service(svc["namespace"], svc["name"], dict(svc.get("labels") or {}), None,
                                        list(svc.get("ports") or []), "cluster"))
    return objects


def _pod(m: Manifest, ns: str) -> Pod:
    spec = m.body.get("spec") or {}
    if m.kind == "Pod":
        return Pod(f"{m.kind}/{m.name}", ns, dict((m.body.get("metadata") or {}).get("labels") or {}), spec)
    if m.kind == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    template = spec.get("template") or {}
    return Pod(f"{m.kind}/{m.name}", ns, dict((template.get("metadata") or {}).get("labels") or {}),
               template.get("spec") or {})


def _job_created_secrets(pod: Pod, provided: dict[str, Any]) -> list[str]:
    if not pod.owner.startswith(("Job/", "CronJob/")):
        return []
    names = []
    for rule in provided.get("secret_creating_jobs") or []:
        for c in pod.containers():
            if rule["image"] in str(c.get("image", "")):
                prefix = f"{rule['argument']}="
                names += [str(a)[len(prefix):] for a in c.get("args") or [] if str(a).startswith(prefix)]
    return names


def _add_created(objects: Objects, created: dict[str, Any], name: str, ns: str, kind: str) -> None:
    def fill(text: str) -> str:
        return text.replace("{name}", name)

    for secret in created.get("secrets") or []:
        objects.secrets.add((ns, fill(secret)))
    for svc in created.get("services") or []:
        labels = {k: fill(v) for k, v in (created.get("pod_labels") or {}).items()}
        objects.services.append(Service(ns, fill(svc["name"]), {}, labels, list(svc.get("ports") or []),
                                        f"created by the operator from {kind}/{name}"))
    labels = {k: fill(str(v)) for k, v in (created.get("pod_labels") or {}).items()}
    objects.pods.append(Pod(f"{kind}/{name} (operator-created pods)", ns, labels, {}))
