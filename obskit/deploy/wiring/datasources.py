"""deploy/datasource-urls: every Grafana datasource provisioned through the sidecar (ConfigMaps and
Secrets labelled grafana_datasource) points at a Service of the rendering (or one an operator creates)
and at one of its ports. In-cluster hosts are `<service>`, `<service>.<namespace>` or
`<service>.<namespace>.svc[.cluster.local]`; URLs outside the cluster are not checked."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import yaml

from obskit.deploy.chart import Manifest
from obskit.deploy.wiring.objects import Objects

ID = "deploy/datasource-urls"
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class File:
    """One provisioning file of a datasource ConfigMap/Secret, parsed."""

    manifest: Manifest
    key: str
    doc: Any  # the YAML document, {} when empty
    error: yaml.YAMLError | None = None  # the file is not YAML (doc is then None)

    def datasources(self) -> list[Any]:
        return (self.doc.get("datasources") if isinstance(self.doc, dict) else None) or []


def provisioned(objects: Objects) -> list[File]:
    """Every file of the ConfigMaps and Secrets labelled grafana_datasource, in rendering order, parsed once
    per index (this check and deploy/log-fields read them)."""
    return objects.once(_provisioned)


def is_provisioning(m: Manifest) -> bool:
    labels = (m.body.get("metadata") or {}).get("labels") or {}
    return m.kind in ("ConfigMap", "Secret") and str(labels.get("grafana_datasource")) == "1"


def check(objects: Objects) -> list[str]:
    problems = []
    for file in provisioned(objects):
        m, key = file.manifest, file.key
        if file.error is not None:
            problems.append(f"{m.kind}/{m.name} {key}: not valid YAML: {file.error}")
            continue
        for ds in file.datasources():
            problem = _resolve(objects, str(ds.get("url") or ""), objects.ns(m))
            if problem:
                problems.append(f"{m.kind}/{m.name} {key}: datasource {ds.get('name')!r} url {ds.get('url')!r}: "
                                f"{problem}")
    return problems


def _provisioned(objects: Objects) -> list[File]:
    found = []
    for m in objects.manifests:
        if not is_provisioning(m):
            continue
        for key, text in _files(m.body):
            try:
                found.append(File(m, key, yaml.safe_load(text) or {}))
            except yaml.YAMLError as exc:
                found.append(File(m, key, None, exc))
    return found


def _files(body: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    out = [(k, str(v)) for k, v in (body.get("data") or {}).items() if body.get("kind") == "ConfigMap"]
    if body.get("kind") == "Secret":
        out += [(k, base64.b64decode(str(v)).decode(errors="replace")) for k, v in (body.get("data") or {}).items()]
        out += [(k, str(v)) for k, v in (body.get("stringData") or {}).items()]
    return out


def _resolve(objects: Objects, url: str, own_namespace: str) -> str | None:
    if not url:
        return "no url"
    parts = urlsplit(url)
    host = parts.hostname or ""
    labels = host.split(".")
    if len(labels) > 2 and labels[2:] not in (["svc"], ["svc", "cluster", "local"]):
        return None  # outside the cluster
    namespace = labels[1] if len(labels) > 1 else own_namespace
    svc = objects.service(namespace, labels[0])
    if svc is None:
        return f"no Service {namespace}/{labels[0]} in the rendering (nor one an operator creates)"
    port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    if port not in {p.get("port") for p in svc.ports}:
        return f"Service {namespace}/{svc.name} has no port {port} (ports: {sorted(p.get('port') for p in svc.ports)})"
    return None
