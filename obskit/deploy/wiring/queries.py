"""Every metric the rendered stack queries: the expressions of every PrometheusRule (kube-prometheus-stack's
and obskit's) and the panel and variable queries of obskit's dashboards, and the series the recording rules
produce. Grafana macros and variables are substituted before parsing (obskit.dashboards.promql)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from obskit.dashboards import promql
from obskit.deploy.wiring.objects import Objects

LABEL_VALUES = re.compile(r"^\s*label_values\((.+),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$", re.DOTALL)
METRIC_NAME = re.compile(r"^[A-Za-z_:][A-Za-z0-9_:]*$")


@dataclass
class Queried:
    metrics: dict[str, set[str]] = field(default_factory=dict)  # metric -> where it is queried
    recorded: dict[str, str] = field(default_factory=dict)  # recording rule output -> where it is recorded
    unparsed: list[str] = field(default_factory=list)  # expressions that did not parse (reported, not guessed)

    def add(self, expr: str, where: str) -> None:
        try:
            node = promql.parse(expr)
        except ValueError as exc:
            self.unparsed.append(f"{where}: expression does not parse ({exc}): {expr!r}")
            return
        for item in promql.walk(node):
            if type(item).__name__ != "VectorSelector":
                continue
            name = item.name or next((m.value for m in item.matchers.matchers
                                      if m.name == "__name__" and str(m.op).endswith("Equal")), None)
            if name:
                self.metrics.setdefault(name, set()).add(where)


def collect(objects: Objects) -> Queried:
    """What the rendering queries, worked out once per index."""
    return objects.once(_collect)


def _collect(objects: Objects) -> Queried:
    found = Queried()
    for m in objects.manifests:
        if m.kind == "PrometheusRule":
            for group in (m.body.get("spec") or {}).get("groups") or []:
                for rule in group.get("rules") or []:
                    in_group = f"PrometheusRule/{m.name} group {group.get('name')}"
                    kind = "alert" if rule.get("alert") else "record"
                    where = f"{in_group} {kind} {rule.get(kind)}"
                    if rule.get("record"):
                        found.recorded.setdefault(str(rule["record"]), in_group)
                    found.add(str(rule.get("expr") or ""), where)
        elif is_obskit_dashboard(m.kind, m.name, (m.body.get("metadata") or {}).get("labels") or {}):
            for key, text in (m.body.get("data") or {}).items():
                _dashboard(found, f"ConfigMap/{m.name} {key}", str(text))
    return found


def is_obskit_dashboard(kind: str, name: str, labels: dict[str, str]) -> bool:
    return kind == "ConfigMap" and name.startswith("obskit-dashboard-") and str(labels.get("grafana_dashboard")) == "1"


def _dashboard(found: Queried, where: str, text: str) -> None:
    try:
        dashboard = json.loads(text)
    except json.JSONDecodeError as exc:
        found.unparsed.append(f"{where}: not JSON ({exc})")
        return

    for panel, _target, expr in promql.panel_queries(dashboard):
        found.add(expr, f"{where} panel {panel.get('title')!r}")
    for variable in (dashboard.get("templating") or {}).get("list") or []:
        source = (variable.get("datasource") or {}).get("type")
        if variable.get("type") != "query" or source not in (None, "prometheus"):
            continue
        query = variable.get("query")
        query = query.get("query") if isinstance(query, dict) else query
        match = LABEL_VALUES.match(str(query or ""))
        if match:
            found.add(match.group(1), f"{where} variable {variable.get('name')!r}")
