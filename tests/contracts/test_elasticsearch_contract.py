"""Elasticsearch: every request obskit sends, and every recorded Elasticsearch answer, against the
Elasticsearch 9.5 OpenAPI document in ../shared/api-specs (tests/contracts/elasticsearch_spec.py).

Requests are captured the way a server sees them: the official `elasticsearch` client (and httpx, for
`obskit doctor`) talks real HTTP to a loopback recorder (tests/replay.py). obskit sends no `_msearch`,
`_field_caps` or `_count`; the operations it uses are `info`, `search`, `open-point-in-time` and
`close-point-in-time`. OpenSearch answers (opensearch-2.17.json) are another product's API and are not
checked here (no OpenSearch specification in ../shared/api-specs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from obskit.config import ElasticsearchConfig, load_config
from obskit.doctor import run_doctor
from obskit.sources.elasticsearch import ElasticsearchLogs
from obskit.sources.window import Window
from tests.contracts.elasticsearch_spec import elasticsearch
from tests.integration.sources.test_elasticsearch_source import router
from tests.replay import FIXTURES, Request, Response, replay

SPEC = elasticsearch()  # skips this module, with the reason, when ../shared/api-specs is absent
WINDOW = Window(1_700_000_400, 1_700_000_700, 60)

# fixture key -> (method, path, status) of the operation whose answer it records
ANSWERS = {
    "root": ("GET", "/", 200),
    "counts": ("POST", "/logs-*/_search", 200),
    "pit_open": ("POST", "/logs-*/_pit", 200),
    "page1": ("POST", "/_search", 200),
    "page2": ("POST", "/_search", 200),
    "pit_close": ("DELETE", "/_pit", 200),
}
ERRORS = {"bad_media_type"}  # 4xx answers: every operation answers errors as _types.ErrorResponseBase
RECORDED = ["es-8.15.json", "es-9.1.json"]


def _requests(name: str, major: int, fields: str) -> list[Request]:
    with replay(router(name, major)) as (url, seen):
        logs = ElasticsearchLogs(ElasticsearchConfig(urls=[url], index="logs-shop-*,other", field_map=fields))
        logs.page_size = 2
        logs.counts('checkout "eu"', WINDOW, ("error", "warn", "info", "debug"))
        logs.sample("checkout", WINDOW, limit=10)
        logs.spread_sample(["checkout"], WINDOW, ("error",), 1)
        logs.error_lines(["5b8efff798038103d269b633813fc60c"], WINDOW)
    return seen


@pytest.mark.parametrize("fields", ["ecs", "fluentd-kubernetes"])
@pytest.mark.parametrize(("name", "major"), [("es-8.15.json", 8), ("es-9.1.json", 9)])
def test_every_request_the_source_sends_is_an_operation_of_the_spec(name: str, major: int, fields: str) -> None:
    seen = _requests(name, major, fields)
    operations = {SPEC.operation(r.method, r.path).id for r in seen}  # type: ignore[union-attr]
    assert operations == {"info", "search-3", "search-1", "open-point-in-time", "close-point-in-time"}
    problems = [p for r in seen for p in SPEC.check_request(r.method, r.path, r.query, r.headers, r.body)]
    assert problems == [], "\n".join(problems)
    assert len(seen) >= 10


def test_doctor_asks_the_info_operation() -> None:
    data = json.loads((FIXTURES / "doctor" / "es-root-8.json").read_text())
    with replay(lambda r: Response(200, data)) as (url, seen):
        run_doctor(load_config(None, env={"OBSKIT_ELASTICSEARCH_URL": url}).config, tools=False)
    assert [(r.method, r.path) for r in seen] == [("GET", "/")]
    assert SPEC.check_request("GET", "/", seen[0].query, seen[0].headers, seen[0].body) == []


@pytest.mark.parametrize(("body", "expected"), [
    ({"size": 0, "aggs": {"t": {"terms": {"field": "x"}}}}, "'aggs' was unexpected"),
    ({"query": {"term": {"service.name": {"valu": "x"}}}}, "query"),
    ({"query": {"bool": {"filtr": []}}}, "query"),
    ({"size": "ten"}, "size"),
    ({"sort": [{"_doc": {"order": "downwards"}}]}, "sort"),
    ({"_source": {"include": ["message"]}}, "_source"),
])
def test_a_body_the_spec_does_not_allow_is_refused(body: dict, expected: str) -> None:
    problems = SPEC.check_request("POST", "/logs-*/_search", {}, {}, body)
    assert problems and expected in "\n".join(problems)


def test_parameters_and_paths_the_spec_does_not_allow_are_refused() -> None:
    assert "required query parameter 'keep_alive'" in "\n".join(SPEC.check_request("POST", "/logs/_pit", {}, {}, None))
    assert "not declared" in "\n".join(SPEC.check_request("POST", "/logs/_search", {"num_traces": ["5"]}, {}, {}))
    assert "no operation" in "\n".join(SPEC.check_request("POST", "/_search/point_in_time", {}, {}, None))
    assert "takes none" in "\n".join(SPEC.check_request("GET", "/", {}, {}, {"x": 1}))


@pytest.mark.parametrize("name", RECORDED)
@pytest.mark.parametrize("key", sorted(ANSWERS) + sorted(ERRORS))
def test_recorded_answers_validate_against_the_response_schemas(name: str, key: str) -> None:
    data = json.loads((FIXTURES / "elasticsearch" / name).read_text())
    if key in ERRORS:
        problems = SPEC.check_schema("_types.ErrorResponseBase", data[key], strict=True)
    else:
        method, path, status = ANSWERS[key]
        problems = SPEC.check_response(method, path, status, data[key], strict=True)
    assert problems == [], "\n".join(problems)
    assert set(data) - {"_source", "headers"} == set(ANSWERS) | ERRORS  # no answer left unchecked


def test_doctor_fixture_validates_against_the_info_response() -> None:
    data = json.loads((FIXTURES / "doctor" / "es-root-8.json").read_text())
    assert SPEC.check_response("GET", "/", 200, data, strict=True) == []


def test_a_wrong_answer_fails_the_response_check() -> None:
    data = json.loads((FIXTURES / "elasticsearch" / "es-9.1.json").read_text())
    broken = {**data["pit_open"], "id": 42}
    assert SPEC.check_response("POST", "/logs/_pit", 200, broken)
    assert SPEC.check_response("GET", "/", 200, {**data["root"], "version": "9.1.5"})


def test_every_recorded_fixture_names_its_source() -> None:
    for path in sorted(Path(FIXTURES / "elasticsearch").glob("*.json")):
        source = json.loads(path.read_text()).get("_source", "")
        assert "Elasticsearch" in source or "OpenSearch" in source, path.name
