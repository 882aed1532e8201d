"""Deep links a report carries: Grafana Explore for PromQL and Elasticsearch queries. Everything is escaped.

Explore's URL state (Grafana 10+): `/explore?schemaVersion=1&orgId=N&panes=<JSON>` where the JSON maps a
pane id to {datasource, queries[], range{from,to}} with times in epoch milliseconds. The datasource is
referenced by UID; obskit's stack provisions the UIDs `prometheus` and `logs` (Elasticsearch).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from obskit.quoting import url_segment
from obskit.sources.window import Window
from obskit.sources.window import rfc3339 as window_rfc3339

# (datasource type, uid) as provisioned by charts/obskit-stack (templates/grafana-datasources.yaml)
DATASOURCES = {"promql": ("prometheus", "prometheus"), "lucene": ("elasticsearch", "logs")}


def explore_url(grafana: str | None, language: str, query: str | None, window: Window, org: int = 1) -> str | None:
    """Explore link for a PromQL (`promql`) or Lucene (`lucene`) query; None without a Grafana URL or query."""
    if not grafana or not query or language not in DATASOURCES:
        return None
    ds_type, uid = DATASOURCES[language]
    q: dict[str, object] = {"refId": "A", "datasource": {"type": ds_type, "uid": uid}}
    if language == "promql":
        q["expr"] = query
    else:
        q.update({"query": query, "metrics": [{"id": "1", "type": "logs"}]})
    panes = {"obskit": {"datasource": uid, "queries": [q],
                        "range": {"from": str(int(window.start * 1000)), "to": str(int(window.end * 1000))}}}
    fields = {"schemaVersion": "1", "orgId": str(org),
              "panes": json.dumps(panes, sort_keys=True, separators=(",", ":"))}
    params = "&".join(f"{key}={url_segment(value)}" for key, value in fields.items())
    return f"{grafana.rstrip('/')}/explore?{params}"


def rfc3339(ts: float | None) -> str | None:
    return None if ts is None else window_rfc3339(ts)


def clock(ts: float | None) -> str:
    return "-" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%H:%M:%S")
