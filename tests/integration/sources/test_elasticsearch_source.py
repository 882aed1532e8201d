"""ElasticsearchLogs through the official client over real HTTP, against recorded responses of
Elasticsearch 8.15 and 9.1 and OpenSearch 2.17 (tests/fixtures/elasticsearch/*.json name their source).
The replay server behaves like the real product where it matters: an 8.x server refuses
`compatible-with=9`, and OpenSearch does not send X-Elastic-Product."""

from __future__ import annotations

import pytest

from obskit.config import ElasticsearchConfig
from obskit.sources.elasticsearch import ElasticsearchLogs, lucene_phrase
from obskit.sources.errors import SourceError
from obskit.sources.window import Window
from tests.replay import Request, Response, fixture, replay

WINDOW = Window(1_700_000_400, 1_700_000_700, 60)


def router(name: str, major: int):
    data = fixture("elasticsearch", name)
    headers = data["headers"]
    opensearch = "opensearch" in name

    def route(req: Request) -> Response:
        accept = req.headers.get("accept", "")
        if not opensearch and "compatible-with" in accept and f"compatible-with={major}" not in accept:
            return Response(400, data["bad_media_type"], headers)
        if opensearch and "vnd.elasticsearch" in accept:
            return Response(406, {"error": "Content-Type header [vnd.elasticsearch] is not supported",
                                  "status": 406}, headers)
        if req.method == "GET" and req.path == "/":
            return Response(200, data["root"], headers)
        if req.path.endswith("/_pit") or req.path.endswith("/_search/point_in_time") and req.method == "POST":
            return Response(200, data["pit_open"], headers)
        if req.method == "DELETE":
            return Response(200, data["pit_close"], headers)
        if req.path.endswith("_search"):
            body = req.body or {}
            if body.get("size") == 0 and "aggregations" in body:
                return Response(200, data["counts"], headers)
            return Response(200, data["page2" if "search_after" in body else "page1"], headers)
        return Response(404, {"error": "no route"}, headers)

    return route


CASES = [("es-8.15.json", 8, "ecs"), ("es-9.1.json", 9, "ecs"), ("opensearch-2.17.json", 2, "fluentd-kubernetes")]


@pytest.mark.parametrize(("name", "major", "fields"), CASES)
def test_counts_are_aggregations_folded_into_levels(name: str, major: int, fields: str) -> None:
    with replay(router(name, major)) as (url, seen):
        logs = ElasticsearchLogs(ElasticsearchConfig(urls=[url], index="logs-shop-*", field_map=fields))
        counts = logs.counts("checkout", WINDOW)
    assert [(c.ts, c.level, c.count) for c in counts] == [
        (1_700_000_400.0, "error", 5), (1_700_000_400.0, "warn", 2), (1_700_000_460.0, "error", 3)]
    search = next(r for r in seen if r.path.endswith("_search"))
    assert search.path == "/logs-shop-*/_search"
    service_field = "service.name" if fields == "ecs" else "kubernetes.labels.app"
    assert {"term": {service_field: {"value": "checkout"}}} in search.body["query"]["bool"]["filter"]
    assert search.body["aggregations"]["t"]["date_histogram"]["fixed_interval"] == "60000ms"
    if "opensearch" in name:
        assert all("vnd.elasticsearch" not in r.headers.get("accept", "") for r in seen)
    else:
        assert f"compatible-with={major}" in search.headers["accept"]


@pytest.mark.parametrize(("name", "major", "fields"), CASES)
def test_sample_pages_with_pit_and_search_after(name: str, major: int, fields: str) -> None:
    with replay(router(name, major)) as (url, seen):
        logs = ElasticsearchLogs(ElasticsearchConfig(urls=[url], index="logs-shop-*", field_map=fields))
        logs.page_size = 2  # the recorded answers hold two hits, then one
        logs_sample = logs.sample("checkout", WINDOW, limit=10)
    assert [r.message for r in logs_sample] == ["payment failed #0", "payment failed #1", "slow query"]
    assert [r.level for r in logs_sample] == ["error", "error", "warn"]
    assert logs_sample[0].trace_id == "5b8efff798038103d269b633813fc60c"
    assert logs_sample[0].attributes == {"pod": "checkout-7f9c-abcde", "namespace": "shop"}
    assert logs_sample[0].ts == 1_700_000_589.0
    searches = [r for r in seen if r.path.endswith("/_search") and r.body and r.body.get("size")]
    assert len(searches) == 2 and "pit" in searches[0].body and "search_after" in searches[1].body
    assert searches[1].body["search_after"] == [1_700_000_588_000, 99]
    assert any(r.method == "DELETE" for r in seen), "the point in time is closed"


@pytest.mark.parametrize(("name", "major", "fields"), CASES)
def test_error_lines_of_given_traces_are_one_search_on_the_trace_id_field(name: str, major: int, fields: str) -> None:
    with replay(router(name, major)) as (url, seen):
        logs = ElasticsearchLogs(ElasticsearchConfig(urls=[url], index="logs-shop-*", field_map=fields))
        assert logs.error_lines([], WINDOW) == {}  # nothing asked: nothing sent
        asked = len(seen)
        lines = logs.error_lines(["5b8efff798038103d269b633813fc60c", "0af7651916cd43dd8448eb211c80319c"] * 2, WINDOW)
    # the recorded page: two error lines of checkout in one trace
    assert lines == {"5b8efff798038103d269b633813fc60c": [("checkout", 1_700_000_589.0), ("checkout", 1_700_000_588.0)]}
    searches = [r for r in seen[asked:] if r.path.endswith("/_search")]
    assert len(searches) == 1 and searches[0].path == "/logs-shop-*/_search"
    filters = searches[0].body["query"]["bool"]["filter"]
    trace_field = "trace.id" if fields == "ecs" else "trace_id"
    assert {"terms": {trace_field: ["0af7651916cd43dd8448eb211c80319c", "5b8efff798038103d269b633813fc60c"]}} in filters
    level_terms = next(f["terms"] for f in filters if "terms" in f and trace_field not in f["terms"])
    assert "error" in next(iter(level_terms.values())) and "warn" not in next(iter(level_terms.values()))
    assert searches[0].body["size"] == 10_000


def test_sample_is_bounded() -> None:
    with replay(router("es-8.15.json", 8)) as (url, seen):
        logs = ElasticsearchLogs(ElasticsearchConfig(urls=[url]))
        assert len(logs.sample("checkout", WINDOW, limit=1)) == 1
    assert [r.body["size"] for r in seen if r.path.endswith("_search")] == [1]


def test_spread_sample_takes_even_slices_when_the_window_holds_more_than_the_limit() -> None:
    with replay(router("es-8.15.json", 8)) as (url, seen):
        logs = ElasticsearchLogs(ElasticsearchConfig(urls=[url]))
        sample = logs.spread_sample(["checkout"], WINDOW, ("error", "warn"), 2)
    assert list(sample) == ["checkout"] and len(sample["checkout"]) == 6  # one per slice, after the full try
    ranges = [next(f["range"] for f in r.body["query"]["bool"]["filter"] if "range" in f)
              for r in seen if r.path.endswith("_search") and r.body and r.body.get("size")]
    bounds = [(int(list(r.values())[0]["gte"]), int(list(r.values())[0]["lt"])) for r in ranges]
    assert bounds[0] == (1_700_000_400_000, 1_700_000_700_000)
    assert bounds[1:] == [(1_700_000_400_000 + i * 50_000, 1_700_000_450_000 + i * 50_000) for i in range(6)]


def test_old_server_and_http_errors_are_source_errors() -> None:
    def old(req: Request) -> Response:
        return Response(200, {"version": {"number": "7.17.9"}, "tagline": "You Know, for Search"},
                        {"content-type": "application/json", "x-elastic-product": "Elasticsearch"})

    with replay(old) as (url, _), pytest.raises(SourceError, match="7.17.9 is not supported"):
        ElasticsearchLogs(ElasticsearchConfig(urls=[url])).counts("x", WINDOW)

    data = fixture("elasticsearch", "es-8.15.json")

    def broken(req: Request) -> Response:
        if req.path == "/":
            return Response(200, data["root"], data["headers"])
        return Response(400, {"error": {"type": "search_phase_execution_exception",
                                        "reason": "all shards failed"}, "status": 400}, data["headers"])

    with replay(broken) as (url, _), pytest.raises(SourceError, match="all shards failed"):
        ElasticsearchLogs(ElasticsearchConfig(urls=[url])).counts("x", WINDOW)


def test_query_text_escapes_the_service() -> None:
    logs = ElasticsearchLogs(ElasticsearchConfig(urls=["http://127.0.0.1:9"]))
    text = logs.query_text('a" OR service.name:*')
    assert text.startswith('service.name:"a\\" OR service.name:*" AND log.level:(')
    assert lucene_phrase("back\\slash") == '"back\\\\slash"'


@pytest.mark.parametrize(("name", "major", "fields"), CASES)
@pytest.mark.parametrize(("env", "expected"), [
    ({"OBSKIT_ELASTICSEARCH_API_KEY": "CANARY-key"}, "ApiKey CANARY-key"),
    ({"OBSKIT_ELASTICSEARCH_USERNAME": "elastic", "OBSKIT_ELASTICSEARCH_PASSWORD": "pw"}, "Basic ZWxhc3RpYzpwdw=="),
])
def test_every_request_carries_the_credentials(name: str, major: int, fields: str, env: dict, expected: str) -> None:
    """The version probe and OpenSearch calls go through the bare transport: they must authenticate too."""
    from obskit.config import load_config

    with replay(router(name, major)) as (url, seen):
        config = load_config(None, env={"OBSKIT_ELASTICSEARCH_URL": url, **env}).config.elasticsearch
        ElasticsearchLogs(config.model_copy(update={"field_map": fields})).counts("checkout", WINDOW)
    assert seen and [r.headers.get("authorization") for r in seen] == [expected] * len(seen)


def test_connection_refused_is_said_plainly() -> None:
    from tests.servers import free_port

    logs = ElasticsearchLogs(ElasticsearchConfig(urls=[f"http://127.0.0.1:{free_port()}"]))
    with pytest.raises(SourceError) as err:
        logs.counts("x", WINDOW)
    assert err.value.reason == "connection refused"
