"""deploy/unique-names: what the API server refuses in a pod and schema validation cannot see.

Per pod: volume names unique, every volumeMount names a volume. Per container: mountPaths unique,
env names unique (a duplicate env name is accepted but only one value wins; a chart and a values file
that both set FLUENTD_CONF is the usual cause)."""

from __future__ import annotations

from collections import Counter

from obskit.deploy.wiring.objects import Objects

ID = "deploy/unique-names"


def check(objects: Objects) -> list[str]:
    problems = []
    for pod in objects.pods:
        volumes = [v.get("name") for v in pod.spec.get("volumes") or []]
        problems += [f"{pod.owner}: volume {name!r} defined {n} times (the API server rejects the pod)"
                     for name, n in sorted(Counter(volumes).items()) if n > 1]
        for c in pod.containers():
            where = f"{pod.owner} container {c.get('name')}"
            mounts = c.get("volumeMounts") or []
            paths = Counter(str(m.get("mountPath", "")).rstrip("/") or "/" for m in mounts)
            problems += [f"{where}: mountPath {p!r} used {n} times (the API server rejects the pod)"
                         for p, n in sorted(paths.items()) if n > 1]
            problems += [f"{where}: volumeMount {m.get('name')!r} names no volume of the pod"
                         for m in mounts if m.get("name") not in volumes]
            env = Counter(e.get("name") for e in c.get("env") or [])
            problems += [f"{where}: env {name!r} set {n} times (only one value takes effect)"
                         for name, n in sorted(env.items()) if n > 1]
    return problems
