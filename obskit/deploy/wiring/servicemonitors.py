"""deploy/servicemonitor-ports: every ServiceMonitor selects at least one Service (rendered, operator-
created or present in every cluster) in the namespaces it names, and every endpoint `port` is a port
name of a selected Service. prometheus-operator scrapes nothing for a port name no Service has."""

from __future__ import annotations

from typing import Any

from obskit.deploy.chart import Manifest
from obskit.deploy.wiring.objects import Objects, Service

ID = "deploy/servicemonitor-ports"


def check(objects: Objects) -> list[str]:
    problems = []
    for m in objects.manifests:
        if m.kind != "ServiceMonitor":
            continue
        spec = m.body.get("spec") or {}
        namespaces = namespaces_of(objects, m)
        selected = selected_services(objects, m)
        if not selected:
            problems.append(f"ServiceMonitor/{m.name}: selects no Service (selector {spec.get('selector')}, "
                            f"namespaces {sorted(namespaces) if namespaces is not None else 'any'})")
            continue
        names = {p.get("name") for s in selected for p in s.ports}
        for i, ep in enumerate(spec.get("endpoints") or []):
            port = ep.get("port")
            if port and port not in names:
                problems.append(f"ServiceMonitor/{m.name}: endpoints[{i}].port {port!r} is not a port name of the "
                                f"selected Service(s) {', '.join(s.name for s in selected)} (known: "
                                f"{', '.join(sorted(str(n) for n in names))})")
    return problems


def selected_services(objects: Objects, monitor: Manifest) -> list[Service]:
    """The Services (rendered, operator-created or the cluster's) a ServiceMonitor selects, in index order."""
    namespaces = namespaces_of(objects, monitor)
    selector = (monitor.body.get("spec") or {}).get("selector") or {}
    return [s for s in objects.services if (namespaces is None or s.namespace in namespaces) and _selects(selector, s)]


def namespaces_of(objects: Objects, monitor: Manifest) -> set[str] | None:
    """The namespaces a ServiceMonitor or PodMonitor looks in (None: any)."""
    selector = (monitor.body.get("spec") or {}).get("namespaceSelector") or {}
    if selector.get("any"):
        return None
    names = selector.get("matchNames")
    return set(names) if names else {objects.ns(monitor)}


def _selects(selector: dict[str, Any], svc: Service) -> bool:
    if not all(svc.labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        value, values = svc.labels.get(expr.get("key", "")), expr.get("values") or []
        ok = {"In": value in values, "NotIn": value not in values, "Exists": value is not None,
              "DoesNotExist": value is None}.get(expr.get("operator", ""), False)
        if not ok:
            return False
    return bool(selector.get("matchLabels") or selector.get("matchExpressions"))
