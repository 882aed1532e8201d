"""deploy/log-fields: every log field a reader of the rendering relies on is one the rendered Fluentd writes.
Readers: Grafana's Elasticsearch datasources (timeField, logMessageField, logLevelField, dataLinks fields),
Jaeger datasources' traces-to-logs query (`field:"${__trace.traceId}"`), and Kibana data views
(timeFieldName). Written: the keys of Fluentd's record_transformer <record> sections (de-dotted as its
dedot filter does), `@timestamp` when an elasticsearch output has logstash_format or include_timestamp,
and `kubernetes.*` when the kubernetes_metadata filter runs. A datasource reading a field nobody writes
finds nothing: logs without levels, trace <-> log links that never resolve."""

from __future__ import annotations

import json
import re
from typing import Any

from obskit.deploy.wiring import datasources, fluentd
from obskit.deploy.wiring.objects import Objects

ID = "deploy/log-fields"
KUBERNETES_FIELDS = {"kubernetes.namespace_name", "kubernetes.pod_name", "kubernetes.container_name",
                     "kubernetes.pod_id", "kubernetes.host", "kubernetes.container_image", "kubernetes.labels"}
QUERY_FIELD = re.compile(r"([A-Za-z0-9_.@]+):\"\$\{__trace\.traceId\}\"")


def written(objects: Objects) -> dict[str, str]:
    """Field -> where the rendered Fluentd config writes it (empty when no Fluentd is rendered)."""
    out: dict[str, str] = {}
    for pod in fluentd.pods(objects):
        sections = fluentd.sections(objects, pod)
        dedot = next((s.params.get("de_dot_separator", "_") for s in sections
                      if s.type == "dedot" and s.params.get("de_dot", "true") != "false"), None)
        for s in sections:
            if s.name == "filter" and s.type == "record_transformer":
                for record in (c for c in s.children if c.name == "record"):
                    for key in record.params:
                        out.setdefault(key.replace(".", dedot) if dedot is not None else key, record.where)
            elif s.type == "kubernetes_metadata":
                out.update({f: s.where for f in sorted(KUBERNETES_FIELDS)})
            elif s.type == "elasticsearch" and (s.params.get("logstash_format") == "true"
                                                or s.params.get("include_timestamp") == "true"):
                out.setdefault("@timestamp", s.where)
    return out


def read(objects: Objects) -> list[tuple[str, str]]:
    """(field, who reads it) for every datasource and data view of the rendering."""
    out: list[tuple[str, str]] = []
    files: dict[int, list[datasources.File]] = {}
    for file in datasources.provisioned(objects):
        files.setdefault(id(file.manifest), []).append(file)
    for m in objects.manifests:
        if datasources.is_provisioning(m):
            for file in files.get(id(m), []):  # a file that is not YAML: deploy/datasource-urls reports it
                for ds in (d for d in file.datasources() if isinstance(d, dict)):
                    out += [(f, f"{m.kind}/{m.name} {file.key}: datasource {ds.get('name')!r} {what}")
                            for f, what in _fields_of(ds)]
        elif m.kind == "ConfigMap":
            for key, text in (m.body.get("data") or {}).items():
                view = _json(str(text)).get("data_view") if key.endswith(".json") else None
                if isinstance(view, dict) and view.get("timeFieldName"):
                    out.append((str(view["timeFieldName"]), f"ConfigMap/{m.name} {key}: Kibana data view "
                                f"{view.get('id')!r} timeFieldName"))
    return out


def check(objects: Objects) -> list[str]:
    produced = written(objects)
    if not produced:
        return []  # no Fluentd in the rendering: logs come from elsewhere
    problems = []
    for field, reader in read(objects):
        if field not in produced and not any(field.startswith(f + ".") for f in produced):
            problems.append(f"{reader} reads log field {field!r}, which the rendered Fluentd config never writes "
                            f"(it writes: {', '.join(sorted(produced))})")
    return problems


def _fields_of(ds: dict[str, Any]) -> list[tuple[str, str]]:
    data = ds.get("jsonData") or {}
    out = []
    if ds.get("type") == "elasticsearch":
        out += [(str(data[k]), k) for k in ("timeField", "logMessageField", "logLevelField") if data.get(k)]
        out += [(str(link["field"]), "dataLinks.field") for link in data.get("dataLinks") or [] if link.get("field")]
    query = str((data.get("tracesToLogsV2") or {}).get("query") or "")
    out += [(f, "tracesToLogsV2.query") for f in QUERY_FIELD.findall(query)]
    return out


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
