"""Prometheus: every HTTP API call obskit makes, against Prometheus v3.14's own OpenAPI 3.1 document (the golden
copy Prometheus tests its server against, ../shared/api-specs/prometheus/).

Prometheus runs here, so nothing is recorded by hand: the callers (the metrics source, `obskit doctor`, the
online alert-rule checks, the dashboards' metric-exists check) talk real HTTP to a loopback proxy in front
of a real, backfilled Prometheus (the Debian package, tests/servers.py); the proxy keeps each request and
the server's answer. Requests are checked strictly (declared parameters only, values of the declared
types); the real answers are checked against the response schemas too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from obskit.alerts.lint.online import PrometheusFacts
from obskit.config import PrometheusConfig, ServiceConfig, load_config
from obskit.conventions import metric_profiles
from obskit.dashboards.lint.metric_exists import SeriesLookup
from obskit.doctor import run_doctor
from obskit.sources.prometheus import PrometheusMetrics
from tests import servers
from tests.contracts.openapi import Contract, spec_path
from tests.integration.sources.test_prometheus_source import WINDOW, profile_lines, saturation_lines
from tests.replay import Request, Response, replay

SPEC = Contract(spec_path("prometheus", "prometheus-openapi-3.1-v3.14.0.yaml"), prefix="/api/v1")


@dataclass
class Exchange:
    request: Request
    status: int
    body: Any


@pytest.fixture(scope="module")
def exchanges(tmp_path_factory: pytest.TempPathFactory) -> list[Exchange]:
    profiles = metric_profiles()
    lines = profile_lines(profiles["otel-semconv"], "checkout", profiles["otel-semconv"].service_labels[0])
    lines += profile_lines(profiles["prometheus-client"], "cart.v2", "job") + saturation_lines("checkout")
    recorded: list[Exchange] = []
    with servers.prometheus(tmp_path_factory.mktemp("prom"), openmetrics="\n".join(lines) + "\n") as server, \
            httpx.Client(base_url=server.url, timeout=30) as upstream:

        def forward(request: Request) -> Response:
            answer = upstream.request(request.method, request.path, params=list(_pairs(request.query)))
            body = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else None
            recorded.append(Exchange(request, answer.status_code, body))
            return Response(answer.status_code, answer.content, {"content-type": answer.headers["content-type"]})

        with replay(forward) as (url, _):
            source = PrometheusMetrics(PrometheusConfig(url=url), [ServiceConfig(name="checkout")])
            assert source.red("checkout", WINDOW) and source.saturation("checkout", WINDOW)
            assert source.red_many(["checkout", "cart.v2", "nothing"], WINDOW)["cart.v2"]
            source.saturation_many(["checkout", "cart.v2"], WINDOW)
            assert "checkout" in source.service_names(WINDOW)
            run_doctor(load_config(None, env={"OBSKIT_PROMETHEUS_URL": url}).config, tools=False)
            facts = PrometheusFacts(url)
            facts.series('http_requests_total{job="cart.v2"}', lookback=86400)
            facts.metric_type("http_requests_total")
            with httpx.Client(base_url=url) as client:
                lookup = SeriesLookup(client, 7)
                lookup.has_series('http_requests_total{job="cart.v2"}')
                lookup.label_values("http_requests_total", "job")
    return recorded


def _pairs(query: dict[str, list[str]]) -> Any:
    for name, values in query.items():
        for value in values:
            yield name, value


def test_every_call_is_an_operation_of_the_spec(exchanges: list[Exchange]) -> None:
    used = {SPEC.operation(e.request.method, e.request.path).id for e in exchanges}  # type: ignore[union-attr]
    assert used == {"query-range", "series", "label-values", "get-metadata", "get-status-buildinfo"}, used
    problems = [p for e in exchanges for p in SPEC.check_request(e.request.method, e.request.path, e.request.query,
                                                                  e.request.headers, e.request.body)]
    assert problems == [], "\n".join(problems)
    assert len(exchanges) >= 20


def test_the_servers_answers_validate_against_the_response_schemas(exchanges: list[Exchange]) -> None:
    assert all(e.status == 200 for e in exchanges), [(e.request.path, e.status, e.body) for e in exchanges]
    problems = [p for e in exchanges for p in SPEC.check_response(e.request.method, e.request.path, e.status, e.body)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(("path", "query", "expected"), [
    ("/api/v1/query_range", {"query": ["up"], "start": ["1"], "end": ["2"]}, "required query parameter 'step'"),
    ("/api/v1/query_range", {"query": ["up"], "start": ["yesterday"], "end": ["2"], "step": ["15"]}, "start"),
    ("/api/v1/series", {"match": ["up"]}, "'match' is not declared"),
    ("/api/v1/series", {"match[]": ["up"], "limit": ["all"]}, "limit"),
    ("/api/v1/labels/job/values", {}, "no operation"),
])
def test_a_call_the_spec_does_not_allow_is_refused(path: str, query: dict, expected: str) -> None:
    problems = SPEC.check_request("GET", path, query)
    assert problems and expected in "\n".join(problems)


def test_a_wrong_answer_fails_the_response_check() -> None:
    good = {"status": "success", "data": {"resultType": "matrix", "result": [
        {"metric": {"job": "a"}, "values": [[1700000000, "1"]]}]}}
    assert SPEC.check_response("GET", "/api/v1/query_range", 200, good) == []
    bad = json.loads(json.dumps(good))
    bad["data"]["result"][0]["values"] = "1"
    assert SPEC.check_response("GET", "/api/v1/query_range", 200, bad)
