"""`obskit doctor` judges each reported version against obskit/sources/versions.yaml (real HTTP, loopback)."""

from __future__ import annotations

from obskit.config import load_config
from obskit.doctor import backends_ok, run_doctor
from tests.replay import Request, Response, replay


def _doctor(answers: dict[str, object]):  # type: ignore[no-untyped-def]
    def route(request: Request) -> Response:
        return Response(200, answers[request.path]) if request.path in answers else Response(404, {})

    with replay(route) as (url, _):
        env = {"OBSKIT_PROMETHEUS_URL": url, "OBSKIT_ELASTICSEARCH_URL": url, "OBSKIT_GRAFANA_URL": url,
               "OBSKIT_KIBANA_URL": url}
        return {p.name: p for p in run_doctor(load_config(None, env=env).config, tools=False)}


KIBANA = {"status": {"overall": {"level": "available"}}}


def test_versions_the_stack_deploys_pass() -> None:
    probes = _doctor({"/api/v1/status/buildinfo": {"status": "success", "data": {"version": "3.14.0"}},
                      "/": {"cluster_name": "logs", "version": {"number": "9.5.0"}},
                      "/api/health": {"database": "ok", "version": "13.2.0"},
                      "/api/status": {**KIBANA, "version": {"number": "9.5.0"}}})
    assert backends_ok(list(probes.values()))
    assert probes["grafana"].detail == "database ok" and probes["prometheus"].version == "3.14.0"


def test_older_versions_fail_with_the_reason_and_newer_ones_pass_with_a_note() -> None:
    probes = _doctor({"/api/v1/status/buildinfo": {"status": "success", "data": {"version": "2.20.1"}},
                      "/": {"cluster_name": "logs", "version": {"number": "7.17.9"}},
                      "/api/health": {"database": "ok", "version": "14.0.0"},
                      "/api/status": {**KIBANA, "version": {"number": "7.17.0"}}})
    assert not backends_ok(list(probes.values()))
    assert not probes["prometheus"].ok and "2.20.1 is older than 2.24" in probes["prometheus"].detail
    assert not probes["elasticsearch"].ok and "older than 8.0" in probes["elasticsearch"].detail
    assert not probes["kibana"].ok and "older than 8.0" in probes["kibana"].detail
    assert probes["grafana"].ok and "newer than 13.2" in probes["grafana"].detail
