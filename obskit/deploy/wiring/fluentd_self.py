"""deploy/fluentd-self-exclusion: the Fluentd that ships container logs does not read its own. Kubernetes
names a pod's log file /var/log/containers/<pod>_<namespace>_<container>-<container id>.log, and a
DaemonSet's pods <daemonset>-<5 chars>. For every Fluentd workload of the rendering, every `tail` source
whose `path` would read those files must leave them out, by `exclude_path` or by a `<match>` on their tag
that drops them (`@type null`) or sends them to the @FLUENT_LOG label. Otherwise, when Elasticsearch
fails, Fluentd's own error lines loop back into the output that fails."""

from __future__ import annotations

import fnmatch
import re

from obskit.deploy.wiring import fluentconf, fluentd
from obskit.deploy.wiring.objects import Objects

ID = "deploy/fluentd-self-exclusion"
SAMPLE_SUFFIX = {"DaemonSet": "-x7k2q", "Deployment": "-5d8f7c9b6d-x7k2q", "StatefulSet": "-0"}
CONTAINER_ID = "0123456789abcdef" * 4


def check(objects: Objects) -> list[str]:
    problems = []
    for pod in fluentd.pods(objects):
        kind, name = pod.owner.split("/", 1)
        roots = fluentd.roots(objects, pod)
        for tail in (s for s in fluentd.sections(objects, pod) if s.name == "source" and s.type == "tail"):
            for container in (str(c.get("name")) for c in pod.spec.get("containers") or []):
                file = (f"/var/log/containers/{name}{SAMPLE_SUFFIX.get(kind, '-x7k2q')}_{pod.namespace}_"
                        f"{container}-{CONTAINER_ID}.log")
                if not _reads(tail.params.get("path", ""), file) or _excluded(tail, roots, file):
                    continue
                problems.append(f"{pod.owner}: tail source at {tail.where} reads its own container's log "
                                f"({file}, the name Kubernetes gives {kind} {name}'s pods): add "
                                f"exclude_path [\"/var/log/containers/{name}-*_{pod.namespace}_*.log\"]")
    return problems


def _globs(value: str) -> list[str]:
    return [g.strip().strip('"').strip("'") for g in value.strip().strip("[]").split(",") if g.strip()]


def _reads(path_param: str, file: str) -> bool:
    return any(fnmatch.fnmatchcase(file, g) for g in _globs(path_param))


def _excluded(tail: fluentconf.Section, roots: list[fluentconf.Section], file: str) -> bool:
    """Left out by exclude_path, or dropped by the first <match> its records meet (in the label the source
    routes to, else at the top level): @type null, or relabel to @FLUENT_LOG."""
    if any(fnmatch.fnmatchcase(file, g) for g in _globs(tail.params.get("exclude_path", ""))):
        return True
    tag_pattern = tail.params.get("tag", "")
    tag = tag_pattern.replace("*", file.lstrip("/").replace("/", ".")) if "*" in tag_pattern else tag_pattern
    label = tail.params.get("@label")
    scopes = [c for root in roots for c in root.children if c.name == "label" and c.arg == label] if label else roots
    for match in (c for scope in scopes for c in scope.children if c.name == "match"):
        if not any(_tag_matches(p, tag) for p in match.arg.split()):
            continue
        return match.type == "null" or (match.type == "relabel" and match.params.get("@label") == "@FLUENT_LOG")
    return False


def _tag_matches(pattern: str, tag: str) -> bool:
    """Fluentd's <match> pattern: `*` one tag part (dot-free), `a.**` a and anything below it, `**` anything,
    {a,b} alternatives."""
    regex = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith(".**", i):
            regex, i = regex + r"(?:\..*)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        elif pattern[i] == "*":
            regex, i = regex + r"[^.]*", i + 1
        elif pattern[i] == "{" and "}" in pattern[i:]:
            end = pattern.index("}", i)
            regex, i = regex + "(?:" + "|".join(re.escape(a) for a in pattern[i + 1:end].split(",")) + ")", end + 1
        else:
            regex, i = regex + re.escape(pattern[i]), i + 1
    return re.fullmatch(regex, tag) is not None
