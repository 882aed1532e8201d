"""deploy/references: every ConfigMap and Secret a pod uses (volumes, projected volumes, env, envFrom)
is rendered, created by an operator from a rendered custom resource, or created by `obskit deploy`.
References marked `optional: true` are skipped: the kubelet starts the pod without them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from obskit.deploy.wiring.objects import Objects, Pod

ID = "deploy/references"


def check(objects: Objects) -> list[str]:
    problems = []
    for pod in objects.pods:
        for kind, name, where in _references(pod):
            known = objects.configmaps if kind == "ConfigMap" else objects.secrets
            if (pod.namespace, name) not in known:
                problems.append(f"{pod.owner}: {where} references {kind} {pod.namespace}/{name}, which is neither "
                                "rendered nor created by an operator or obskit deploy (the pod would not start)")
    return problems


def _references(pod: Pod) -> Iterator[tuple[str, str, str]]:
    for v in pod.spec.get("volumes") or []:
        yield from _volume_refs(v, f"volume {v.get('name')}")
    for c in pod.containers():
        for e in c.get("env") or []:
            source = e.get("valueFrom") or {}
            for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                ref = source.get(key)
                if ref and not ref.get("optional"):
                    yield kind, str(ref.get("name")), f"container {c.get('name')} env {e.get('name')}"
        for e in c.get("envFrom") or []:
            for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                ref = e.get(key)
                if ref and not ref.get("optional"):
                    yield kind, str(ref.get("name")), f"container {c.get('name')} envFrom"


def _volume_refs(volume: dict[str, Any], where: str) -> Iterator[tuple[str, str, str]]:
    cm, secret = volume.get("configMap"), volume.get("secret")
    if cm and not cm.get("optional"):
        yield "ConfigMap", str(cm.get("name")), where
    if secret and not secret.get("optional"):
        yield "Secret", str(secret.get("secretName")), where
    for source in (volume.get("projected") or {}).get("sources") or []:
        yield from _volume_refs({"configMap": source.get("configMap"), "secret": _projected(source)}, where)


def _projected(source: dict[str, Any]) -> dict[str, Any] | None:
    secret = source.get("secret")
    return {**secret, "secretName": secret.get("name")} if secret else None
