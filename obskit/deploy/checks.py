"""Wiring checks on a rendering: the promises the stack makes, checked before anything is applied.

Each check returns problems (strings naming the object); an empty list means the promise holds.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from obskit.deploy import wiring
from obskit.deploy.chart import Manifest, Rendering
from obskit.deploy.profiles import Profile, lookup
from obskit.deploy.wiring.objects import Objects

POD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet", "Pod"}
CONFIGMAP_LIMIT = 1024 * 1024
SECRET_KEYS = re.compile(r"(password|passwd|token|api[_-]?key|secret|credentials?)$", re.IGNORECASE)
# Keys that name a Secret object rather than hold a secret (Alertmanager's configSecret, existingSecret).
SECRET_OBJECT_KEYS = re.compile(r"^(configSecret|existingSecret|secretName)$|SecretName$")
# A value that points at a secret instead of holding it.
SECRET_REFERENCE = re.compile(r"^(\$\{?[A-Za-z_:]+\}?|\$__file\{.*\}|\"?#\{ENV\[.*\]\}\"?|)$")


def default_datasources(manifests: list[Manifest]) -> list[str]:
    defaults = []
    for m in _labelled(manifests, "ConfigMap", "grafana_datasource", "1"):
        for text in (m.body.get("data") or {}).values():
            for ds in (yaml.safe_load(text) or {}).get("datasources") or []:
                if ds.get("isDefault"):
                    defaults.append(f"{ds.get('uid')} in ConfigMap/{m.name}")
    return [] if len(defaults) == 1 else [f"expected exactly one default datasource, found {len(defaults)}: {defaults}"]


def rule_release_labels(manifests: list[Manifest], release: str) -> list[str]:
    return [
        f"PrometheusRule/{m.name}: label release={release!r} missing (kube-prometheus-stack would ignore it)"
        for m in manifests
        if m.kind == "PrometheusRule" and (m.body["metadata"].get("labels") or {}).get("release") != release
    ]


def dashboard_configmaps(manifests: list[Manifest]) -> list[str]:
    problems = []
    for m in manifests:
        if m.kind != "ConfigMap" or not m.name.startswith("obskit-dashboard"):
            continue
        if (m.body["metadata"].get("labels") or {}).get("grafana_dashboard") != "1":
            problems.append(f"ConfigMap/{m.name}: label grafana_dashboard must be the string \"1\"")
        size = len(yaml.safe_dump(m.body).encode())
        if size >= CONFIGMAP_LIMIT:
            problems.append(f"ConfigMap/{m.name}: {size} bytes, over the 1 MiB ConfigMap limit")
    return problems


def secret_literals(manifests: list[Manifest], known_secrets: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    """Known secret values must not appear; secret-looking keys must hold references, not values."""
    problems = []
    for m in manifests:
        text = yaml.safe_dump(m.body)
        problems += [f"{m.kind}/{m.name}: contains a secret value literally" for s in known_secrets if s and s in text]
        for path, key, value in _scalars(m.body):
            if (SECRET_KEYS.search(key) and not SECRET_OBJECT_KEYS.search(key) and isinstance(value, str)
                    and not SECRET_REFERENCE.match(value.strip())):
                problems.append(f"{m.kind}/{m.name}: {path} holds a literal value; use a secretKeyRef/env/file")
        for path, line in _embedded_lines(m.body):
            match = re.match(r"\s*(\w+)\s*[:=]?\s+(.+)$", line)
            if match and SECRET_KEYS.search(match.group(1)) and not SECRET_REFERENCE.match(match.group(2).strip()):
                problems.append(f"{m.kind}/{m.name}: {path}: {match.group(1)} holds a literal value")
    return problems


def container_resources(manifests: list[Manifest]) -> list[str]:
    problems = []
    for m in manifests:
        if m.kind not in POD_KINDS:
            continue
        spec = m.body.get("spec") or {}
        pod = spec if m.kind == "Pod" else (spec.get("template") or {}).get("spec") or {}
        if m.kind == "Job":
            pod = (spec.get("template") or {}).get("spec") or {}
        for c in (pod.get("containers") or []) + (pod.get("initContainers") or []):
            res = c.get("resources") or {}
            for part in ("requests", "limits"):
                if not res.get(part):
                    problems.append(f"{m.kind}/{m.name} container {c.get('name')}: no resources.{part}")
    return problems


def profile_container_resources(profile: Profile, values: dict[str, Any]) -> list[str]:
    problems = []
    for path in profile.containers:
        res = lookup(values, path) or {}
        for part in ("requests", "limits"):
            if not (res.get(part) or {}).get("memory") or not (res.get(part) or {}).get("cpu"):
                problems.append(f"{path}.{part}: cpu and memory required in profile {profile.name}")
    return problems


def elasticsearch_heap(values: dict[str, Any]) -> list[str]:
    problems = []
    for i, node_set in enumerate((values.get("eck-elasticsearch") or {}).get("nodeSets") or []):
        for c in ((node_set.get("podTemplate") or {}).get("spec") or {}).get("containers") or []:
            opts = next((e.get("value", "") for e in c.get("env") or [] if e.get("name") == "ES_JAVA_OPTS"), "")
            heap = re.search(r"-Xmx(\d+)([kmgKMG])", opts)
            limit = ((c.get("resources") or {}).get("limits") or {}).get("memory")
            if not heap or not limit:
                problems.append(f"eck-elasticsearch.nodeSets[{i}]: set ES_JAVA_OPTS -Xmx and a memory limit")
                continue
            heap_bytes = int(heap.group(1)) * {"k": 2**10, "m": 2**20, "g": 2**30}[heap.group(2).lower()]
            if heap_bytes * 2 > quantity_bytes(str(limit)):
                problems.append(f"eck-elasticsearch.nodeSets[{i}]: heap {heap.group(0)} is over 50 % of limit {limit}")
    return problems


def elasticsearch_mmap(values: dict[str, Any]) -> list[str]:
    """mmap on (Elasticsearch's default) needs vm.max_map_count >= 262144 on the node, else ES exits."""
    problems = []
    for i, node_set in enumerate((values.get("eck-elasticsearch") or {}).get("nodeSets") or []):
        if (node_set.get("config") or {}).get("node.store.allow_mmap") is False:
            continue
        inits = ((node_set.get("podTemplate") or {}).get("spec") or {}).get("initContainers") or []
        if not any("vm.max_map_count" in " ".join(map(str, c.get("command") or [])) for c in inits):
            problems.append(f"eck-elasticsearch.nodeSets[{i}]: mmap is on but no init container sets "
                            "vm.max_map_count; add one, or set config.node.store.allow_mmap: false")
    return problems


def fluentd_buffer(manifests: list[Manifest]) -> list[str]:
    for m in manifests:
        if m.kind == "ConfigMap" and m.name.startswith("obskit-fluentd-pipeline"):
            text = "\n".join((m.body.get("data") or {}).values())
            buffer = re.search(r"<buffer>(.*?)</buffer>", text, re.DOTALL)
            if not buffer:
                return ["ConfigMap/obskit-fluentd-pipeline: no <buffer> section"]
            missing = [k for k in ("@type file", "total_limit_size", "overflow_action", "retry_max_times")
                       if k not in buffer.group(1)]
            return [f"ConfigMap/obskit-fluentd-pipeline: <buffer> lacks {k}" for k in missing]
    return ["ConfigMap/obskit-fluentd-pipeline not rendered"]


def name_consistency(values: dict[str, Any]) -> list[str]:
    """obskit.names (used by our templates) must match the names the subcharts will create."""
    names = (values.get("obskit") or {}).get("names") or {}
    expected = {
        "prometheus": (lookup(values, "kube-prometheus-stack.fullnameOverride"), "{}-prometheus"),
        "alertmanager": (lookup(values, "kube-prometheus-stack.fullnameOverride"), "{}-alertmanager"),
        "grafana": (lookup(values, "kube-prometheus-stack.grafana.fullnameOverride"), "{}"),
        "elasticsearch": (lookup(values, "eck-elasticsearch.fullnameOverride"), "{}"),
        "jaeger": (lookup(values, "jaeger.fullnameOverride"), "{}"),
        "fluentd": (lookup(values, "fluentd.fullnameOverride"), "{}"),
        "kibana": (lookup(values, "eck-kibana.fullnameOverride"), "{}"),
    }
    problems = []
    for key, (override, pattern) in expected.items():
        if override and names.get(key) != pattern.format(override):
            problems.append(f"obskit.names.{key} is {names.get(key)!r} but the subchart creates "
                            f"{pattern.format(override)!r}; set both together")
    es = names.get("elasticsearch")
    for path in ("kube-prometheus-stack.grafana.envValueFrom.ELASTIC_PASSWORD.secretKeyRef.name",
                 "prometheus-elasticsearch-exporter.extraEnvSecrets.ES_PASSWORD.secret"):
        if es and lookup(values, path) not in (None, f"{es}-es-elastic-user"):
            problems.append(f"{path} should be {es}-es-elastic-user (the ECK Secret of obskit.names.elasticsearch)")
    uri = lookup(values, "prometheus-elasticsearch-exporter.es.uri")
    if es and uri and not str(uri).startswith(f"https://{es}-es-http"):
        problems.append(f"prometheus-elasticsearch-exporter.es.uri is {uri!r}; the exporter must read "
                        f"https://{es}-es-http:9200 (obskit.names.elasticsearch)")
    return problems


def all_problems(rendering: Rendering, release: str, profile: Profile, *,
                 objects: Objects | None = None) -> list[str]:
    """The promises of obskit's own templates, and given `objects` (the index of a rendering with every
    subchart) the wiring checks of obskit/deploy/wiring/ on the whole stack."""
    ms = rendering.manifests
    values = rendering.values
    problems = default_datasources(ms) + rule_release_labels(ms, release) + dashboard_configmaps(ms)
    problems += name_consistency(values) + secret_literals(ms) + fluentd_buffer(ms) + elasticsearch_heap(values)
    problems += elasticsearch_mmap(values)
    if profile.containers:
        problems += profile_container_resources(profile, values) + container_resources(ms)
    if objects is not None:
        problems += wiring.findings(objects)
    return problems


def quantity_bytes(quantity: str) -> int:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
    match = re.fullmatch(r"(\d+)([A-Za-z]*)", quantity.strip())
    if not match or match.group(2) not in {**units, "": 1}:
        raise ValueError(f"not a Kubernetes memory quantity: {quantity!r}")
    return int(match.group(1)) * units.get(match.group(2), 1)


def _labelled(manifests: list[Manifest], kind: str, label: str, value: str) -> list[Manifest]:
    return [m for m in manifests if m.kind == kind and (m.body["metadata"].get("labels") or {}).get(label) == value]


def _scalars(node: Any, path: str = ""):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _scalars(value, f"{path}.{key}" if path else str(key))
            if not isinstance(value, dict | list):
                yield (f"{path}.{key}" if path else str(key)), str(key), value
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _scalars(value, f"{path}[{i}]")


def _embedded_lines(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Lines of config files carried in ConfigMap/Secret data (Fluentd conf, YAML documents)."""
    for field in ("data", "stringData"):
        for key, text in (body.get(field) or {}).items():
            for line in str(text).splitlines():
                yield f"{field}.{key}", line
