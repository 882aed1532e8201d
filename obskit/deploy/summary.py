"""A reviewable digest of a full rendering: every object with a short content digest, grouped by chart,
and a wiring summary (images, what each workload mounts and reads, which pods each Service selects,
where each datasource and ServiceMonitor points). A pin change shows as a small, readable diff of this
file instead of thousands of lines of upstream templates."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import yaml

from obskit.deploy import chart
from obskit.deploy.wiring import selectors
from obskit.deploy.wiring.objects import Objects, index
from obskit.yamlblock import BlockDumper


def summarise(rendering: chart.Rendering, namespace: str) -> dict[str, Any]:
    objects = index(rendering.manifests, namespace, rendering.values)
    by_chart: dict[str, list[str]] = {}
    for m in rendering.manifests:
        by_chart.setdefault(chart.chart_of(m.template), []).append(
            f"{m.kind} {objects.ns(m)}/{m.name} {digest(m.body)}")
    return {
        "dependencies": {d.name: d.version for d in rendering.dependencies},
        "objects": {name: sorted(lines) for name, lines in sorted(by_chart.items())},
        "wiring": {
            "workloads": _workloads(objects),
            "services": _services(objects),
            "servicemonitors": _service_monitors(objects),
            "datasources": _datasources(rendering.manifests),
        },
    }


def dump(summary: dict[str, Any]) -> str:
    return yaml.dump(summary, Dumper=BlockDumper, sort_keys=True, default_flow_style=False, width=1000)


def digest(body: dict[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def _workloads(objects: Objects) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pod in objects.pods:
        if not pod.spec:
            continue  # operator-created pods: see the custom resource's digest
        containers = {}
        for c in pod.containers():
            containers[str(c.get("name"))] = {
                "image": c.get("image"),
                "mounts": sorted(f"{m.get('mountPath')} <- {m.get('name')}" for m in c.get("volumeMounts") or []),
                "env_from_secrets": sorted(
                    f"{e['name']} <- {e['valueFrom']['secretKeyRef'].get('name')}"
                    for e in c.get("env") or [] if (e.get("valueFrom") or {}).get("secretKeyRef")),
                "resources": "requests+limits" if (c.get("resources") or {}).get("limits") and
                             (c.get("resources") or {}).get("requests") else "incomplete",
            }
        volumes = {}
        for v in pod.spec.get("volumes") or []:
            kind = next((k for k in v if k != "name"), "?")
            target = v.get(kind) or {}
            ref = target.get("name") or target.get("secretName") or target.get("path") or ""
            volumes[str(v.get("name"))] = f"{kind} {ref}".strip()
        out[f"{pod.namespace}/{pod.owner}"] = {"containers": containers, "volumes": volumes}
    return out


def _services(objects: Objects) -> dict[str, Any]:
    out = {}
    for svc in objects.services:
        if svc.source != "rendered":
            continue
        pods = sorted(p.owner for p in objects.pods
                      if svc.selector and p.namespace == svc.namespace and selectors.matches(svc.selector, p.labels))
        out[f"{svc.namespace}/{svc.name}"] = {"ports": sorted(f"{p.get('name')}:{p.get('port')}" for p in svc.ports),
                                              "selects": pods}
    return out


def _service_monitors(objects: Objects) -> dict[str, Any]:
    out = {}
    for m in objects.manifests:
        if m.kind == "ServiceMonitor":
            spec = m.body.get("spec") or {}
            out[f"{objects.ns(m)}/{m.name}"] = {
                "labels": (m.body.get("metadata") or {}).get("labels", {}).get("release"),
                "ports": [e.get("port") or e.get("targetPort") for e in spec.get("endpoints") or []],
                "selector": (spec.get("selector") or {}).get("matchLabels"),
            }
    return out


def _datasources(manifests: list[chart.Manifest]) -> dict[str, Any]:
    out = {}
    for m in manifests:
        labels = (m.body.get("metadata") or {}).get("labels") or {}
        if m.kind == "ConfigMap" and str(labels.get("grafana_datasource")) == "1":
            for text in (m.body.get("data") or {}).values():
                for ds in (yaml.safe_load(text) or {}).get("datasources") or []:
                    out[str(ds.get("uid") or ds.get("name"))] = {
                        "type": ds.get("type"), "url": ds.get("url"), "default": bool(ds.get("isDefault"))}
    return out
