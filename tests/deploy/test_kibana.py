"""Kibana in the stack (eck-kibana, prod on, dev off) and the logs data view as code: the Job's own script,
taken from the rendered ConfigMap, run with the real `sh` and `curl` against recorded Kibana 8.18
responses (tests/fixtures/kibana/kibana-8.18.json) on loopback."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from obskit.conventions import stack_fields
from obskit.deploy import checks
from obskit.deploy.stack import StackRendering
from tests.replay import Request, Response, fixture, replay

KIBANA = fixture("kibana", "kibana-8.18.json")
PASSWORD = "s3cr3t-canary-9f2"


def _answer(name: str) -> Response:
    return Response(KIBANA[name]["status"], KIBANA[name]["body"])


def _job_files(stack: StackRendering, tmp_path: Path) -> Path:
    """The data-view ConfigMap as the Job mounts it."""
    cm = next(m for m in stack.rendering.manifests if m.kind == "ConfigMap" and m.name == "obskit-kibana-data-views")
    target = tmp_path / "data-views"
    target.mkdir()
    for key, text in cm.body["data"].items():
        (target / key).write_text(text)
    return target


def _run(files: Path, url: str) -> subprocess.CompletedProcess[str]:
    if not shutil.which("curl"):
        pytest.fail("the data-view test runs the Job's script with curl; install curl (the Job's image has it)")
    env = {"PATH": "/usr/bin:/bin", "KIBANA_URL": url, "ELASTIC_PASSWORD": PASSWORD, "DATA_VIEWS_DIR": str(files),
           "KIBANA_CA": str(files / "apply-data-views.sh"), "WAIT_ATTEMPTS": "3", "WAIT_SECONDS": "0"}
    return subprocess.run(["sh", str(files / "apply-data-views.sh")], env=env, capture_output=True, text=True,
                          timeout=60)


def test_prod_runs_kibana_wired_to_the_rendered_elasticsearch(rendered) -> None:  # type: ignore[no-untyped-def]
    prod = rendered("prod")
    kibana = next(m for m in prod.rendering.manifests if m.kind == "Kibana")
    es = next(m for m in prod.rendering.manifests if m.kind == "Elasticsearch")
    assert kibana.body["spec"]["elasticsearchRef"] == {"name": es.name}
    assert kibana.body["spec"]["version"] == es.body["spec"]["version"]
    container = kibana.body["spec"]["podTemplate"]["spec"]["containers"][0]
    assert container["name"] == "kibana"
    assert container["resources"]["requests"] and container["resources"]["limits"]
    job = next(m for m in prod.rendering.manifests if m.kind == "Job" and m.name == "obskit-kibana-data-views")
    assert job.body["metadata"]["annotations"]["helm.sh/hook"] == "post-install,post-upgrade"
    assert checks.container_resources([job]) == []
    assert prod.problems == [] and prod.violations == []
    dev = rendered("dev")
    assert not [m for m in dev.rendering.manifests if m.kind == "Kibana" or "kibana" in m.name]


def test_the_data_view_is_the_configured_logs_index(rendered) -> None:  # type: ignore[no-untyped-def]
    prod = rendered("prod")
    cm = next(m for m in prod.rendering.manifests if m.name == "obskit-kibana-data-views")
    body = json.loads(cm.body["data"]["obskit-logs.json"])
    datasources = prod.rendering.values["obskit"]["datasources"]
    assert body == {"data_view": {"id": "obskit-logs", "name": "Logs", "title": datasources["logsIndex"],
                                  "timeFieldName": stack_fields.load().fields["timestamp"]}, "override": True}


def test_the_job_waits_for_kibana_then_applies_the_data_view_idempotently(rendered, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = _job_files(rendered("prod"), tmp_path)
    starts = iter(["status_starting", "status_available"])

    def route(request: Request) -> Response:
        if request.method == "GET" and request.path == "/api/status":
            return _answer(next(starts, "status_available"))
        if request.method == "POST" and request.path == "/api/data_views/data_view":
            return _answer("data_view_created")
        return Response(404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"})

    with replay(route) as (url, seen):
        first = _run(files, url)
        second = _run(files, url)  # an upgrade runs the Job again: same request, same result
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert first.stdout == second.stdout == "data view obskit-logs: applied\n"
    posts = [r for r in seen if r.method == "POST"]
    assert len(posts) == 2 and posts[0].body == posts[1].body
    assert posts[0].body["override"] is True and posts[0].body["data_view"]["timeFieldName"] == "@timestamp"
    assert posts[0].headers["kbn-xsrf"] and posts[0].headers["content-type"] == "application/json"
    assert posts[0].headers["authorization"].startswith("Basic ")
    assert [r.path for r in seen[:2]] == ["/api/status", "/api/status"]  # waited through the 503
    assert PASSWORD not in first.stdout + first.stderr + second.stdout + second.stderr


def test_the_job_fails_plainly_when_kibana_refuses_or_never_starts(rendered, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = _job_files(rendered("prod"), tmp_path)

    def refusing(request: Request) -> Response:
        return _answer("status_available" if request.path == "/api/status" else "data_view_rejected")

    with replay(refusing) as (url, _):
        refused = _run(files, url)
    assert refused.returncode == 1
    assert "data view obskit-logs: Kibana answered 400:" in refused.stderr
    assert "expected value of type" in refused.stderr

    def starting(request: Request) -> Response:
        return _answer("status_starting")

    with replay(starting) as (url, seen):
        never = _run(files, url)
    assert never.returncode == 1 and "not ready after 3 attempts" in never.stderr
    assert not [r for r in seen if r.method == "POST"]
    assert PASSWORD not in refused.stderr + never.stderr


def test_kibana_without_its_elasticsearch_is_a_wiring_finding(rendered) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from obskit.deploy.wiring import eck_refs
    from obskit.deploy.wiring.objects import index

    prod = rendered("prod")
    ms: list[Any] = []
    for m in prod.rendering.manifests:
        if m.kind == "Kibana":
            m = replace(m, body={**m.body, "spec": {**m.body["spec"], "elasticsearchRef": {"name": "logs"}}})
        ms.append(m)
    assert eck_refs.check(index(ms, "observability", {})) == [
        "Kibana/obskit-kb: spec.elasticsearchRef names Elasticsearch observability/logs, which the rendering does "
        "not create (ECK would wait for it forever)"]
