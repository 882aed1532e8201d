"""`obskit doctor` against recorded Elasticsearch, OpenSearch, Jaeger, Grafana and Kubernetes responses.

Real clients (httpx, the kubernetes client) over real loopback HTTP; the fixtures' shapes come from the
products' API references (tests/fixtures/doctor/README.md). Not a substitute for the live suite.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from obskit.config import load_config
from obskit.doctor import backends_ok, run_doctor
from tests.replay import Request, Response, replay

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "doctor"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def replay_server(routes: dict[tuple[str, str], tuple[int, object]]):
    """Serve fixed (method, path) -> (status, body) answers; 404 for anything else."""

    def route(request: Request) -> Response:
        status, body = routes.get((request.method, request.path), (404, {"error": "no route"}))
        return Response(status, body)

    return replay(route)


def probe(probes, name):
    return next(p for p in probes if p.name == name)


def test_es_jaeger_grafana_versions_and_auth_headers() -> None:
    routes = {
        ("GET", "/"): (200, fixture("es-root-8.json")),
        ("GET", "/api/v3/services"): (200, fixture("jaeger-v3-services.json")),
        ("GET", "/api/health"): (200, fixture("grafana-health.json")),
    }
    with replay_server(routes) as (url, seen):
        env = {"OBSKIT_ELASTICSEARCH_URL": url, "OBSKIT_ELASTICSEARCH_API_KEY": "CANARY-key-123",
               "OBSKIT_JAEGER_URL": url, "OBSKIT_GRAFANA_URL": url, "OBSKIT_GRAFANA_TOKEN": "CANARY-tok-9"}
        probes = run_doctor(load_config(None, env=env).config, tools=False)
    assert backends_ok(probes)
    assert probe(probes, "elasticsearch").version == "8.15.3"
    assert probe(probes, "jaeger").detail == "4 services"
    assert probe(probes, "grafana").version == "11.3.0"
    sent = {r.path: r.headers for r in seen}
    assert sent["/"]["authorization"] == "ApiKey CANARY-key-123"
    assert sent["/api/health"]["authorization"] == "Bearer CANARY-tok-9"
    assert all("CANARY" not in (p.detail + p.version + p.target) for p in probes)


def test_opensearch_and_legacy_jaeger_fallback() -> None:
    routes = {
        ("GET", "/"): (200, fixture("opensearch-root-2.json")),
        ("GET", "/api/services"): (200, {"data": ["a", "b"], "total": 2, "limit": 0, "offset": 0, "errors": None}),
    }
    with replay_server(routes) as (url, seen):
        env = {"OBSKIT_ELASTICSEARCH_URL": url, "OBSKIT_JAEGER_URL": url}
        probes = run_doctor(load_config(None, env=env).config, tools=False)
    assert probe(probes, "elasticsearch").detail.startswith("opensearch")
    assert probe(probes, "jaeger").version == "legacy api"


def test_grafana_401_is_named() -> None:
    with replay_server({("GET", "/api/health"): (401, {"message": "Unauthorized"})}) as (url, seen):
        probes = run_doctor(load_config(None, env={"OBSKIT_GRAFANA_URL": url}).config, tools=False)
    grafana = probe(probes, "grafana")
    assert not grafana.ok and grafana.detail.startswith("401 Unauthorized")
    assert not backends_ok(probes)


def test_kubernetes_version_through_kubeconfig(tmp_path: Path) -> None:
    version = (200, fixture("kube-version.json"))
    with replay_server({("GET", "/version/"): version, ("GET", "/version"): version}) as (url, seen):
        kubeconfig = {
            "apiVersion": "v1", "kind": "Config", "current-context": "other",
            "clusters": [{"name": "c", "cluster": {"server": url}}],
            "users": [{"name": "u", "user": {"token": "CANARY-kube-token"}}],
            "contexts": [{"name": "replay", "context": {"cluster": "c", "user": "u"}},
                         {"name": "other", "context": {"cluster": "c", "user": "u"}}],
        }
        path = tmp_path / "kubeconfig"
        path.write_text(yaml.safe_dump(kubeconfig))
        (tmp_path / "obskit.yaml").write_text(f"kubernetes:\n  context: replay\n  kubeconfig: {path}\n")
        probes = run_doctor(load_config(tmp_path / "obskit.yaml", env={}).config, tools=False)
    kube = probe(probes, "kubernetes")
    assert kube.ok, kube.detail
    assert kube.version == "v1.31.2" and kube.target == "context replay"
    assert seen[0].headers["authorization"] == "Bearer CANARY-kube-token"


def test_kubernetes_refused_is_named(tmp_path: Path) -> None:
    kubeconfig = {
        "apiVersion": "v1", "kind": "Config", "current-context": "dead",
        "clusters": [{"name": "c", "cluster": {"server": "http://127.0.0.1:9"}}],
        "users": [{"name": "u", "user": {}}],
        "contexts": [{"name": "dead", "context": {"cluster": "c", "user": "u"}}],
    }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(kubeconfig))
    (tmp_path / "obskit.yaml").write_text(f"kubernetes:\n  kubeconfig: {path}\n")
    probes = run_doctor(load_config(tmp_path / "obskit.yaml", env={}).config, timeout=2, tools=False)
    kube = probe(probes, "kubernetes")
    assert not kube.ok and kube.detail == "connection refused", kube.detail
