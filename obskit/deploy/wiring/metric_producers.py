"""deploy/metric-producers: every metric a rendered PrometheusRule (kube-prometheus-stack's and obskit's) or
obskit dashboard queries has a producer in the rendering: a component the catalog (producers.yaml) says
emits it, deployed and scraped with what it needs (a Fluentd input, an exporter queue), or a recording rule.
Metrics of applications (the conventions' RED names) are mapped to producers outside the rendering.
`mapping()` is the full metric -> producer table `obskit deploy --dry-run --format json` lists."""

from __future__ import annotations

from typing import Any

from obskit.deploy.wiring import producers, queries, scrape
from obskit.deploy.wiring.objects import Objects

ID = "deploy/metric-producers"


def mapping(objects: Objects) -> dict[str, Any]:
    """metric -> {queried_by, producers}; a metric without producers has an empty list. Worked out once per
    index: the check and `obskit deploy --dry-run --format json` read the same table."""
    return objects.once(_mapping)


def _mapping(objects: Objects) -> dict[str, Any]:
    queried = queries.collect(objects)
    present = producers.present(objects)
    out: dict[str, Any] = {}
    for metric in sorted(queried.metrics):
        found = [f"{p.producer.id}: {w}" for p in present.values() if p.emits(metric) for w in p.where]
        if metric in queried.recorded:
            found.append(f"recording rule: {queried.recorded[metric]}")
        out[metric] = {"queried_by": sorted(queried.metrics[metric]), "producers": sorted(found),
                       "rendered": any(not f.endswith("outside the rendering") for f in found)}
    return out


def check(objects: Objects) -> list[str]:
    queried = queries.collect(objects)
    problems = list(queried.unparsed)
    table = mapping(objects)
    targets = scrape.targets(objects)
    for metric, row in table.items():
        if row["producers"]:
            continue
        where = sorted(row["queried_by"])
        shown = "; ".join(where[:3]) + (f" (and {len(where) - 3} more)" if len(where) > 3 else "")
        problems.append(f"metric {metric} has no producer in the rendering{_why(objects, metric, targets)}; "
                        f"queried by {shown}")
    return problems


def _why(objects: Objects, metric: str, targets: list[scrape.Target]) -> str:
    """What the catalog's producers of the metric lack in this rendering (closest target first)."""
    reasons = []
    for producer in producers.catalog():
        if not producer.emits(metric) or producer.outside:
            continue
        best = min((producers.unmet(objects, producer, t) for t in targets), key=len, default=None)
        lack = ", ".join(best) if best else "a scrape target (ServiceMonitor/PodMonitor)"
        reasons.append(f"{producer.id} ({producer.what}) would emit it but the rendering lacks {lack}")
    return (": " + "; ".join(reasons)) if reasons else \
        " (no component in the catalog obskit/deploy/wiring/producers.yaml emits it)"
