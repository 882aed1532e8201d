"""`obskit doctor` checks Kibana's /api/status when kibana.url is configured (OBSKIT_KIBANA_URL), against
recorded Kibana 8.18 responses (tests/fixtures/kibana/kibana-8.18.json) over real loopback HTTP."""

from __future__ import annotations

from obskit.config import load_config
from obskit.doctor import backends_ok, run_doctor
from tests.replay import Request, Response, fixture, replay

KIBANA = fixture("kibana", "kibana-8.18.json")


def _serving(name: str):  # type: ignore[no-untyped-def]
    def route(request: Request) -> Response:
        if request.path == "/api/status":
            return Response(KIBANA[name]["status"], KIBANA[name]["body"])
        return Response(404, {"statusCode": 404})

    return replay(route)


def test_kibana_available_reports_its_version_with_basic_auth() -> None:
    with _serving("status_available") as (url, seen):
        env = {"OBSKIT_KIBANA_URL": url, "OBSKIT_KIBANA_USERNAME": "elastic", "OBSKIT_KIBANA_PASSWORD": "CANARY-kb-7"}
        probes = run_doctor(load_config(None, env=env).config, tools=False)
    kibana = next(p for p in probes if p.name == "kibana")
    assert backends_ok(probes) and kibana.ok
    assert kibana.version == "8.18.0" and kibana.detail == "status available"
    assert seen[0].headers["authorization"].startswith("Basic ")
    assert all("CANARY" not in p.detail + p.version + p.target for p in probes)


def test_kibana_starting_is_a_failed_check_with_the_reason() -> None:
    with _serving("status_starting") as (url, _):
        probes = run_doctor(load_config(None, env={"OBSKIT_KIBANA_URL": url}).config, tools=False)
    kibana = next(p for p in probes if p.name == "kibana")
    assert not kibana.ok and not backends_ok(probes)
    assert "503" in kibana.detail


def test_no_kibana_configured_means_no_kibana_check() -> None:
    probes = run_doctor(load_config(None, env={}).config, tools=False)
    assert "kibana" not in {p.name for p in probes}
