"""deploy/config-hosts: in-cluster addresses written into configuration files (ConfigMap data: the
Fluentd output, Jaeger's storage config, ...) name a Service of the rendering and one of its ports.
Recognised: `<service>.<namespace>.svc[.cluster.local]` anywhere (with `port N` / `:N` when given),
and `scheme://<service>:<port>` with a single-label host. Loopback hosts are skipped."""

from __future__ import annotations

import re

from obskit.deploy.wiring.objects import Objects

ID = "deploy/config-hosts"
FQDN = re.compile(r"\b([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(?:\.cluster\.local)?\b"
                  r"(?::(\d+)|[^\n]*\n\s*port\s+(\d+))?")
SHORT_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://([a-z0-9]([-a-z0-9]*[a-z0-9])?):(\d+)")
LOCAL = {"localhost"}


def check(objects: Objects) -> list[str]:
    problems = []
    for m in objects.manifests:
        if m.kind != "ConfigMap" or (m.body.get("metadata") or {}).get("labels", {}).get("grafana_datasource"):
            continue  # datasources have their own check
        own = objects.ns(m)
        for key, text in (m.body.get("data") or {}).items():
            found = [(g[0], g[2], g[4] or g[5]) for g in FQDN.findall(str(text))]
            found += [(g[0], own, g[2]) for g in SHORT_URL.findall(str(text)) if g[0] not in LOCAL]
            for service, namespace, port in found:
                svc = objects.service(namespace, service)
                where = f"ConfigMap/{m.name} {key}: {service}.{namespace}" + (f":{port}" if port else "")
                if svc is None:
                    problems.append(f"{where}: no Service {namespace}/{service} in the rendering "
                                    "(nor one an operator creates)")
                elif port and int(port) not in {p.get("port") for p in svc.ports}:
                    problems.append(f"{where}: Service {namespace}/{service} has no port {port}")
    return problems
