"""Validate rendered objects: core kinds with kubernetes-validate (strict) for every Kubernetes minor
we support (coreschema.py), custom resources against the openAPI schemas of the CRDs the charts ship
(crdschema.py).

kubernetes-validate ships schemas for core APIs only. When the CRDs are not at hand (obskit's own
templates rendered without the dependency charts), PrometheusRule, ServiceMonitor and Elasticsearch
fall back to structural checks of the fields their operators require.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from obskit.deploy import coreschema, crdschema
from obskit.deploy.chart import Manifest

KUBERNETES_VERSIONS = [f"1.{minor}.0" for minor in range(30, 38)]


@dataclass(frozen=True)
class Violation:
    object: str
    kubernetes_version: str
    message: str


def _label(m: Manifest) -> str:
    return f"{m.kind}/{m.name} ({m.template})"


def validate(manifests: Iterable[Manifest], versions: list[str] = KUBERNETES_VERSIONS,
             crd_schemas: crdschema.Schemas | None = None) -> list[Violation]:
    out: list[Violation] = []
    for m in manifests:
        schema = (crd_schemas or {}).get((m.api_version, m.kind))
        if schema is not None:
            out += [Violation(_label(m), "crd", msg) for msg in crdschema.problems(m.body, schema)]
            continue
        structural = STRUCTURAL.get((m.api_version, m.kind))
        if structural is not None:
            out += [Violation(_label(m), "crd", msg) for msg in structural(m.body)]
            continue
        for version in versions:
            try:
                out += [Violation(_label(m), version, msg) for msg in coreschema.problems(m.body, version)]
            except coreschema.NoSchema:
                out.append(Violation(_label(m), version, f"no schema for {m.api_version} {m.kind} (unknown kind?)"))
    return out


def _prometheus_rule(body: dict[str, Any]) -> list[str]:
    groups = (body.get("spec") or {}).get("groups")
    if not isinstance(groups, list) or not groups:
        return ["spec.groups: expected a non-empty list"]
    problems = []
    for i, group in enumerate(groups):
        if not isinstance(group, dict) or not isinstance(group.get("name"), str):
            problems.append(f"spec.groups[{i}].name: required string")
            continue
        for j, rule in enumerate(group.get("rules") or []):
            where = f"spec.groups[{i}].rules[{j}]"
            if not isinstance(rule, dict) or "expr" not in rule:
                problems.append(f"{where}.expr: required")
            elif ("record" in rule) == ("alert" in rule):
                problems.append(f"{where}: exactly one of record or alert")
            elif "labels" in rule and not all(isinstance(v, str) for v in (rule["labels"] or {}).values()):
                problems.append(f"{where}.labels: values must be strings")
    return problems


def _service_monitor(body: dict[str, Any]) -> list[str]:
    spec = body.get("spec") or {}
    problems = []
    if not isinstance(spec.get("selector"), dict):
        problems.append("spec.selector: required object")
    endpoints = spec.get("endpoints")
    if not isinstance(endpoints, list) or not endpoints:
        problems.append("spec.endpoints: expected a non-empty list")
    else:
        for i, ep in enumerate(endpoints):
            if not isinstance(ep, dict) or not (ep.get("port") or ep.get("targetPort")):
                problems.append(f"spec.endpoints[{i}]: port or targetPort required")
    return problems


def _elasticsearch(body: dict[str, Any]) -> list[str]:
    spec = body.get("spec") or {}
    problems = []
    if not isinstance(spec.get("version"), str):
        problems.append("spec.version: required string")
    node_sets = spec.get("nodeSets")
    if not isinstance(node_sets, list) or not node_sets:
        problems.append("spec.nodeSets: expected a non-empty list")
    else:
        for i, ns in enumerate(node_sets):
            if not isinstance(ns, dict) or not ns.get("name") or not isinstance(ns.get("count"), int):
                problems.append(f"spec.nodeSets[{i}]: name and integer count required")
    return problems


STRUCTURAL: dict[tuple[str, str], Callable[[dict[str, Any]], list[str]]] = {
    ("monitoring.coreos.com/v1", "PrometheusRule"): _prometheus_rule,
    ("monitoring.coreos.com/v1", "ServiceMonitor"): _service_monitor,
    ("elasticsearch.k8s.elastic.co/v1", "Elasticsearch"): _elasticsearch,
}
