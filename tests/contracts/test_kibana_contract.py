"""Kibana: the data-view request the deploy Job sends, and the recorded Kibana answers, against Kibana's data
views OpenAPI document in ../shared/api-specs (kibana/data_views-bundled.yaml).

The request is captured from the real thing: the Job's script as the chart renders it (the ConfigMap in
tests/golden/deploy/prod.yaml, kept current by the deploy golden test) runs under `sh` with the system's
curl against a loopback recorder. `GET /api/status` (the Job's readiness wait and `obskit doctor`) has no
per-plugin specification upstream; its recorded answers are documented in tests/fixtures/kibana/README.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.contracts.openapi import Contract, spec_path
from tests.replay import Request, Response, fixture, replay

SPEC = Contract(spec_path("kibana", "data_views-bundled.yaml"))
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "deploy" / "prod.yaml"
KIBANA = fixture("kibana", "kibana-8.18.json")


def _rendered() -> dict[str, str]:
    docs = [d for d in yaml.safe_load_all(GOLDEN.read_text()) if d]
    return next(d["data"] for d in docs if d.get("kind") == "ConfigMap"
                and d["metadata"]["name"] == "obskit-kibana-data-views")


Run = tuple[subprocess.CompletedProcess[str], list[Request]]


def _run_job(tmp_path: Path, answer: str = "data_view_created") -> Run:
    if shutil.which("curl") is None:
        pytest.fail("curl is not installed (the Job's image runs the script with curl)", pytrace=False)
    data = _rendered()
    views = tmp_path / "data-views"
    views.mkdir()
    for name, text in data.items():
        (views / name).write_text(text)

    def route(request: Request) -> Response:
        if request.path == "/api/status":
            return Response(200, KIBANA["status_available"]["body"])
        return Response(KIBANA[answer]["status"], KIBANA[answer]["body"])

    with replay(route) as (url, seen):
        env = {"PATH": os.environ["PATH"], "KIBANA_URL": url, "ELASTIC_PASSWORD": "CANARY-pw",
               "DATA_VIEWS_DIR": str(views), "KIBANA_CA": str(tmp_path / "unused-ca.crt"), "WAIT_SECONDS": "0"}
        done = subprocess.run(["sh", str(views / "apply-data-views.sh")], env=env, capture_output=True, text=True,
                              timeout=60)
    return done, seen


def test_the_jobs_data_view_request_conforms(tmp_path: Path) -> None:
    done, seen = _run_job(tmp_path)
    assert done.returncode == 0, done.stderr
    posts = [r for r in seen if r.method == "POST"]
    assert [r.path for r in posts] == ["/api/data_views/data_view"]
    problems = SPEC.check_request(posts[0].method, posts[0].path, posts[0].query, posts[0].headers, posts[0].body)
    assert problems == [], "\n".join(problems)
    assert posts[0].body["override"] is True and posts[0].body["data_view"]["title"]
    assert "data view obskit-logs: applied" in done.stdout


def test_a_rejected_data_view_fails_the_job(tmp_path: Path) -> None:
    done, _ = _run_job(tmp_path, "data_view_rejected")
    assert done.returncode == 1 and "Kibana answered 400" in done.stderr


@pytest.mark.parametrize(("body", "headers", "expected"), [
    ({"data_view": {"title": "logs-*", "timeField": "@timestamp"}}, {"kbn-xsrf": "x"}, "timeField"),
    ({"data_view": {"name": "no title"}}, {"kbn-xsrf": "x"}, "'title' is a required property"),
    ({"data_view": {"title": "logs-*"}}, {}, "required header 'kbn-xsrf'"),
    ({"data_view": {"title": "logs-*"}, "override": "yes"}, {"kbn-xsrf": "x"}, "override"),
])
def test_a_body_the_spec_does_not_allow_is_refused(body: dict, headers: dict, expected: str) -> None:
    problems = SPEC.check_request("POST", "/api/data_views/data_view", {}, headers, body)
    assert problems and expected in "\n".join(problems)


@pytest.mark.parametrize(("key", "status"), [("data_view_created", 200), ("data_view_rejected", 400)])
def test_recorded_data_view_answers_validate(key: str, status: int) -> None:
    assert KIBANA[key]["status"] == status
    problems = SPEC.check_response("POST", "/api/data_views/data_view", status, KIBANA[key]["body"], strict=True)
    assert problems == [], "\n".join(problems)


def test_a_wrong_answer_fails_the_response_check() -> None:
    body = {"data_view": {**KIBANA["data_view_created"]["body"]["data_view"], "timeFieldName": 7}}
    assert SPEC.check_response("POST", "/api/data_views/data_view", 200, body, strict=True)
