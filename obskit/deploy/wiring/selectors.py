"""deploy/service-selectors: every Service of the release's namespace selects the pods of at least one
rendered workload (or of a custom resource whose operator creates the pods). A selector that matches
nothing leaves the Service without endpoints: datasources and scrapes aimed at it fail.
Services in other namespaces (kube-system Services for control-plane metrics) select cluster
components the chart does not render, and are not checked."""

from __future__ import annotations

from obskit.deploy.wiring.objects import Objects

ID = "deploy/service-selectors"


def check(objects: Objects) -> list[str]:
    problems = []
    for svc in objects.services:
        if svc.source != "rendered" or svc.namespace != objects.namespace or not svc.selector:
            continue
        if not any(p.namespace == svc.namespace and matches(svc.selector, p.labels) for p in objects.pods):
            problems.append(f"Service {svc.namespace}/{svc.name}: selector {_show(svc.selector)} matches no pod "
                            "of the rendering (the Service would have no endpoints)")
    return problems


def matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def _show(selector: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
