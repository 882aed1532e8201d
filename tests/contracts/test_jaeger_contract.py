"""Jaeger api_v3: every request obskit sends, and every recorded api_v3 answer, against the jaeger-idl v0.9.0
OpenAPI document in ../shared/api-specs (the IDL Jaeger 2.19 serves).

Known differences between that document and the 2.19 HTTP gateway (../shared/api-specs/README.md) are
checked as the gateway behaves: answers are `{"result": <TracesData>}` (the `result` is validated against
`TracesData`), "no traces" is HTTP 404 with a `GRPCGatewayError` body (the proto's message, transcribed
below since the OpenAPI document leaves it out), and only the GET routes exist, so the requests obskit
sends must be GETs of /api/v3/traces[/{traceId}] and /api/v3/services (never /api/v3/dependencies). The
legacy UI API (/api/...) has no machine-readable specification and is not checked here.
"""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from obskit.config import JaegerConfig, load_config
from obskit.doctor import run_doctor
from obskit.sources.jaeger import JaegerTraces
from obskit.sources.window import Window
from tests.contracts.openapi import Contract, spec_path
from tests.integration.sources.test_jaeger_source import v3_router
from tests.replay import FIXTURES, Request, Response, fixture, replay

SPEC = Contract(spec_path("jaeger", "api_v3-query_service.openapi-idl-v0.9.0.yaml"))
WINDOW = Window(1_700_000_400, 1_700_000_700, 60)
# routes of the 2.19.0 gateway (http_gateway.go): GET only, no dependencies
SERVED = {("GET", "/api/v3/traces"), ("GET", "/api/v3/traces/{traceId}"), ("GET", "/api/v3/trace-summaries"),
          ("GET", "/api/v3/services"), ("GET", "/api/v3/operations")}
# jaeger-idl v0.9.0 proto/api_v3/query_service.proto, message GRPCGatewayError (lines 303-314), as JSON
GATEWAY_ERROR = {"type": "object", "additionalProperties": False, "required": ["error"], "properties": {
    "error": {"type": "object", "additionalProperties": False, "properties": {
        "grpcCode": {"type": "integer"}, "httpCode": {"type": "integer"}, "message": {"type": "string"},
        "httpStatus": {"type": "string"}}}}}


def _conversation() -> list[Request]:
    data = fixture("jaeger", "jaeger-2.x-api_v3.json")
    with replay(v3_router(data)) as (url, seen):
        source = JaegerTraces(JaegerConfig(url=url))
        source.find_traces("checkout", WINDOW, errors_only=True, min_duration=0.25, limit=20)
        source.find_traces("check out/../x?y", WINDOW)
        source.get_trace(data["trace_id"].upper())
        source.get_trace("0" * 32)
        source.dependencies(WINDOW)
        source.span_groups(Window(1_700_000_000, 1_700_003_600, 60), "checkout")
        source.service_names(WINDOW)
    return seen


def test_every_request_the_source_sends_conforms_and_is_served_by_2_19() -> None:
    seen = _conversation()
    operations = {(r.method, SPEC.operation(r.method, r.path).template) for r in seen}  # type: ignore[union-attr]
    assert operations <= SERVED, operations - SERVED
    assert operations == {("GET", "/api/v3/services"), ("GET", "/api/v3/traces"), ("GET", "/api/v3/traces/{traceId}")}
    problems = [p for r in seen for p in SPEC.check_request(r.method, r.path, r.query, r.headers, r.body)]
    assert problems == [], "\n".join(problems)
    searches = [r for r in seen if r.path == "/api/v3/traces"]
    assert searches and all({"query.startTimeMin", "query.startTimeMax"} <= set(r.query) for r in searches)  # required
    assert len(seen) >= 30


def test_doctor_asks_the_services_operation() -> None:
    with replay(lambda r: Response(200, {"services": ["a"]})) as (url, seen):
        run_doctor(load_config(None, env={"OBSKIT_JAEGER_URL": url}).config, tools=False)
    assert [(r.method, r.path) for r in seen] == [("GET", "/api/v3/services")]
    assert SPEC.check_request("GET", "/api/v3/services", seen[0].query) == []


@pytest.mark.parametrize(("query", "expected"), [
    ({"query.service_name": ["a"], "query.startTimeMin": ["2023-11-14T22:20:00Z"],
      "query.startTimeMax": ["2023-11-14T22:25:00Z"]}, "'query.service_name' is not declared"),
    ({"query.serviceName": ["a"], "query.startTimeMin": ["yesterday"], "query.startTimeMax": ["2023-11-14T22:25:00Z"]},
     "query.startTimeMin"),
    ({"query.serviceName": ["a"], "query.durationMin": ["500us"]}, "query.durationMin"),
    ({"query.serviceName": ["a"], "query.searchDepth": ["many"]}, "query.searchDepth"),
])
def test_a_search_the_spec_does_not_allow_is_refused(query: dict, expected: str) -> None:
    problems = SPEC.check_request("GET", "/api/v3/traces", query)
    assert problems and expected in "\n".join(problems)


def test_the_snake_case_search_obskit_sent_before_is_refused() -> None:
    """The parameters of the earlier implementation: accepted by the gateway as deprecated aliases only."""
    old = {"query.service_name": ["checkout"], "query.start_time_min": ["2023-11-14T22:20:00.000000Z"],
           "query.start_time_max": ["2023-11-14T22:25:00.000000Z"], "query.num_traces": ["200"]}
    assert len([p for p in SPEC.check_request("GET", "/api/v3/traces", old) if "not declared" in p]) == 4


SNAPSHOTS = {"FindTraces.json": "/api/v3/traces", "GetTrace.json": "/api/v3/traces/00000000000000000000000000000001",
             "FindTraceSummaries.json": "/api/v3/trace-summaries", "GetServices.json": "/api/v3/services",
             "GetOperations.json": "/api/v3/operations"}


def _unwrapped(body: dict) -> dict:
    assert set(body) == {"result"}, "the 2.19 gateway wraps traces in {'result': ...}"
    return body["result"]


@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_jaegers_own_gateway_snapshots_validate(name: str) -> None:
    body = fixture("jaeger", "snapshots-2.19.0", name)
    path = SNAPSHOTS[name]
    instance = _unwrapped(body) if path.startswith("/api/v3/traces") else body
    assert SPEC.check_response("GET", path, 200, instance, strict=True) == []


def test_the_snapshots_are_the_shared_copies() -> None:
    for name in SNAPSHOTS:
        ours = json.loads((FIXTURES / "jaeger" / "snapshots-2.19.0" / name).read_text())
        assert ours == json.loads(spec_path("jaeger", "examples", name).read_text()), name


def test_recorded_api_v3_fixture_validates() -> None:
    data = fixture("jaeger", "jaeger-2.x-api_v3.json")
    assert set(data) == {"_source", "trace_id", "services", "traces", "not_found"}  # every answer checked below
    assert SPEC.check_response("GET", "/api/v3/services", 200, data["services"], strict=True) == []
    for path in ("/api/v3/traces", f"/api/v3/traces/{data['trace_id']}"):
        assert SPEC.check_response("GET", path, 200, _unwrapped(data["traces"]), strict=True) == []
    assert list(Draft202012Validator(GATEWAY_ERROR).iter_errors(data["not_found"])) == []
    assert data["not_found"]["error"]["httpCode"] == 404
    assert "2.19" in data["_source"]


def test_doctor_fixture_validates() -> None:
    body = json.loads((FIXTURES / "doctor" / "jaeger-v3-services.json").read_text())
    assert SPEC.check_response("GET", "/api/v3/services", 200, body, strict=True) == []


def test_string_enums_fail_the_response_check() -> None:
    """What the hand-written fixture held before: OTLP/JSON enums are integers on the wire."""
    body = fixture("jaeger", "snapshots-2.19.0", "FindTraces.json")["result"]
    body["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["kind"] = "SPAN_KIND_SERVER"
    assert any("kind" in p for p in SPEC.check_response("GET", "/api/v3/traces", 200, body, strict=True))
