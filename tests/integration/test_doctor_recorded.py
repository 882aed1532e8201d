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
from tests.replay import replay_server

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "doctor"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def probe(probes, name):
    return next(p for p in probes if p.name == name)


def test_es_jaeger_grafana_versions_and_auth_headers() -> None:
    routes = {
        ("GET", "/"): (200, fixture("es-root-8.json")),
        ("GET", "/api/v3/services"): (200, fixture("jaeger-v3-services.json")),
        ("GET", "/api/health"): (200, fixture("grafana-health.json")),
    }
    with replay_server(routes) as srv:
        env = {"OBSKIT_ELASTICSEARCH_URL": srv.url, "OBSKIT_ELASTICSEARCH_API_KEY": "CANARY-key-123",
               "OBSKIT_JAEGER_URL": srv.url, "OBSKIT_GRAFANA_URL": srv.url, "OBSKIT_GRAFANA_TOKEN": "CANARY-tok-9"}
        probes = run_doctor(load_config(None, env=env).config, tools=False)
    assert backends_ok(probes)
    assert probe(probes, "elasticsearch").version == "8.15.3"
    assert probe(probes, "jaeger").detail == "4 services"
    assert probe(probes, "grafana").version == "11.3.0"
    sent = {r.path: r.headers for r in srv.requests}
    assert sent["/"]["Authorization"] == "ApiKey CANARY-key-123"
    assert sent["/api/health"]["Authorization"] == "Bearer CANARY-tok-9"
    assert all("CANARY" not in (p.detail + p.version + p.target) for p in probes)


def test_opensearch_and_legacy_jaeger_fallback() -> None:
    routes = {
        ("GET", "/"): (200, fixture("opensearch-root-2.json")),
        ("GET", "/api/services"): (200, {"data": ["a", "b"], "total": 2, "limit": 0, "offset": 0, "errors": None}),
    }
    with replay_server(routes) as srv:
        env = {"OBSKIT_ELASTICSEARCH_URL": srv.url, "OBSKIT_JAEGER_URL": srv.url}
        probes = run_doctor(load_config(None, env=env).config, tools=False)
    assert probe(probes, "elasticsearch").detail.startswith("opensearch")
    assert probe(probes, "jaeger").version == "legacy api"


def test_grafana_401_is_named() -> None:
    with replay_server({("GET", "/api/health"): (401, {"message": "Unauthorized"})}) as srv:
        probes = run_doctor(load_config(None, env={"OBSKIT_GRAFANA_URL": srv.url}).config, tools=False)
    grafana = probe(probes, "grafana")
    assert not grafana.ok and grafana.detail.startswith("401 Unauthorized")
    assert not backends_ok(probes)


def test_kubernetes_version_through_kubeconfig(tmp_path: Path) -> None:
    version = (200, fixture("kube-version.json"))
    with replay_server({("GET", "/version/"): version, ("GET", "/version"): version}) as srv:
        kubeconfig = {
            "apiVersion": "v1", "kind": "Config", "current-context": "other",
            "clusters": [{"name": "c", "cluster": {"server": srv.url}}],
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
    assert srv.requests[0].headers["Authorization"] == "Bearer CANARY-kube-token"


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
