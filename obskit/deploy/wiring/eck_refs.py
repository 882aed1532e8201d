"""deploy/eck-refs: every ECK resource that points at an Elasticsearch (`spec.elasticsearchRef`, as
Kibana, APM Server, Beats and Agents do) names one the rendering creates in the same namespace (or the
namespace the reference gives). ECK would otherwise wait for it forever and the resource never turns
ready. References by `secretName` (an Elasticsearch outside ECK) are not checked."""

from __future__ import annotations

from obskit.deploy.wiring.objects import Objects

ID = "deploy/eck-refs"


def check(objects: Objects) -> list[str]:
    clusters = {(objects.ns(m), m.name) for m in objects.manifests if m.kind == "Elasticsearch"}
    problems = []
    for m in objects.manifests:
        if ".k8s.elastic.co/" not in m.api_version:
            continue
        ref = (m.body.get("spec") or {}).get("elasticsearchRef") or {}
        if not ref.get("name"):
            continue
        target = (str(ref.get("namespace") or objects.ns(m)), str(ref["name"]))
        if target not in clusters:
            problems.append(f"{m.kind}/{m.name}: spec.elasticsearchRef names Elasticsearch {target[0]}/{target[1]}, "
                            "which the rendering does not create (ECK would wait for it forever)")
    return problems
