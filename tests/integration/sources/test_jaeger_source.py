"""JaegerTraces over real HTTP against recorded Jaeger answers (api_v3 of Jaeger 2.x, legacy of 1.x)."""

from __future__ import annotations

import pytest

from obskit.config import JaegerConfig
from obskit.sources.errors import SourceError
from obskit.sources.jaeger import JaegerTraces
from obskit.sources.window import Window
from tests.replay import Request, Response, fixture, replay

WINDOW = Window(1_700_000_400, 1_700_000_700, 60)


def v3_router(data: dict):
    def route(req: Request) -> Response:
        if req.path == "/api/v3/services":
            return Response(200, data["services"])
        if req.path == "/api/v3/traces":
            return Response(200, data["traces"])
        if req.path == f"/api/v3/traces/{data['trace_id']}":
            return Response(200, data["traces"])
        if req.path.startswith("/api/v3/traces/"):
            return Response(404, data["not_found"])
        return Response(404, {"error": "no route"})  # 2.19 routes neither /api/v3/dependencies nor POSTs
    return route


def legacy_router(data: dict):
    def route(req: Request) -> Response:
        if req.path == "/api/services":
            return Response(200, data["services"])
        if req.path == "/api/traces":
            return Response(200, data["traces"])
        if req.path == "/api/traces/5b8efff798038103d269b633813fc60c":
            return Response(200, data["traces"])
        if req.path == "/api/dependencies":
            return Response(200, data["dependencies"])
        return Response(404, {"data": None, "errors": [{"code": 404, "msg": "not found"}]})
    return route


def test_api_v3_is_detected_and_decoded_as_otlp() -> None:
    data = fixture("jaeger", "jaeger-2.x-api_v3.json")
    with replay(v3_router(data)) as (url, seen):
        source = JaegerTraces(JaegerConfig(url=url))
        traces = source.find_traces("checkout", WINDOW, errors_only=True, min_duration=0.0005, limit=5)
        one = source.get_trace(data["trace_id"].upper())
        missing = source.get_trace("0" * 32)
        edges = source.dependencies(WINDOW)
    assert source.api() == "v3"
    assert len(traces) == 1 and one is not None and missing is None
    spans = {s.operation: s for s in traces[0].spans}
    assert spans["POST /charge"].parent_span_id == spans["POST /checkout"].span_id
    assert spans["POST /charge"].kind == "client" and spans["POST /charge"].error
    assert spans["POST /checkout"].service == "checkout"
    search = next(r for r in seen if r.path == "/api/v3/traces")
    assert search.query["query.serviceName"] == ["checkout"]
    assert search.query["query.startTimeMin"] == ["2023-11-14T22:20:00.000000Z"]
    assert search.query["query.durationMin"] == ["0.000500s"]
    assert search.query["query.searchDepth"] == ["5"]
    assert not any(k.startswith("query.") and "_" in k for r in seen for k in r.query)  # no deprecated aliases
    assert [(e.caller, e.callee) for e in edges] == [("checkout", "payments")]  # from the sampled trace
    assert all(r.path.startswith("/api/v3/") for r in seen)  # nothing outside api_v3 (no /api/dependencies)
    assert source.trace_url("ABC") == f"{url}/trace/abc"


def test_legacy_api_is_used_when_v3_is_absent() -> None:
    data = fixture("jaeger", "jaeger-1.x-legacy.json")
    with replay(legacy_router(data)) as (url, seen):
        source = JaegerTraces(JaegerConfig(url=url))
        traces = source.find_traces("check out/../x?y", WINDOW, errors_only=True, min_duration=0.5)
    assert source.api() == "legacy"
    spans = traces[0].spans
    assert [(s.service, s.kind, s.parent_span_id) for s in spans] == [
        ("checkout", "server", None), ("payments", "server", "eee19b7ec3c1b174")]
    assert spans[0].error and spans[0].status_message == "payments failed"
    assert spans[0].duration == pytest.approx(0.0009)
    search = next(r for r in seen if r.path == "/api/traces")
    assert search.query["service"] == ["check out/../x?y"]  # encoded as a parameter, not spliced
    assert search.query["minDuration"] == ["500000us"] and search.query["tags"] == ['{"error": "true"}']


def test_unreachable_and_garbage_answers() -> None:
    from tests.servers import free_port

    with pytest.raises(SourceError, match="connection refused"):
        JaegerTraces(JaegerConfig(url=f"http://127.0.0.1:{free_port()}"), timeout=2).find_traces("x", WINDOW)

    def garbage(req: Request) -> Response:
        if req.path == "/api/v3/services":
            return Response(200, {"services": []})
        return Response(200, {"result": {"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "nothex"}]}]}]}})

    with replay(garbage) as (url, _), pytest.raises(SourceError, match="not OTLP JSON"):
        JaegerTraces(JaegerConfig(url=url)).find_traces("x", WINDOW)


def test_api_v3_span_groups_and_service_names_from_traces_sampled_across_the_window() -> None:
    data = fixture("jaeger", "jaeger-2.x-api_v3.json")
    with replay(v3_router(data)) as (url, seen):
        source = JaegerTraces(JaegerConfig(url=url))
        names = source.service_names(WINDOW)
        groups = source.span_groups(Window(1_700_000_000, 1_700_003_600, 60), "checkout")
    assert names == ["checkout", "frontend", "payments"]
    searches = [r for r in seen if r.path == "/api/v3/traces"]
    starts = sorted(r.query["query.startTimeMin"][0] for r in searches)
    assert len(starts) == 6 and len(set(starts)) == 6  # six slices of the window, one search each
    assert {r.query["query.serviceName"][0] for r in searches} == {"checkout"}
    assert {(g.part, g.service) for g in groups} >= {("entry", "checkout")}
    assert all(g.count >= 1 for g in groups)


def test_legacy_dependencies_fall_back_to_parent_child_pairs_of_sampled_traces() -> None:
    data = fixture("jaeger", "jaeger-1.x-legacy.json")
    with replay(legacy_router(data)) as (url, _):
        counted = JaegerTraces(JaegerConfig(url=url)).dependencies(WINDOW)
    assert counted and all(e.calls > 1 for e in counted)  # from /api/dependencies
    empty = {**data, "dependencies": {"data": [], "total": 0, "limit": 0, "offset": 0, "errors": None}}
    with replay(legacy_router(empty)) as (url, seen):
        edges = JaegerTraces(JaegerConfig(url=url)).dependencies(WINDOW)
    assert [(e.caller, e.callee) for e in edges] == [("checkout", "payments")]
    assert any(r.path == "/api/traces" for r in seen)


def test_api_v3_no_traces_is_a_404_and_means_none() -> None:
    data = fixture("jaeger", "jaeger-2.x-api_v3.json")

    def nothing(req: Request) -> Response:
        if req.path == "/api/v3/services":
            return Response(200, data["services"])
        return Response(404, data["not_found"])

    with replay(nothing) as (url, _):
        source = JaegerTraces(JaegerConfig(url=url))
        assert source.find_traces("checkout", WINDOW) == []
        assert source.get_trace(data["trace_id"]) is None
        assert source.dependencies(WINDOW) == []


def test_api_v3_answers_of_jaegers_own_gateway_snapshots_decode() -> None:
    """The bodies Jaeger 2.19's gateway test records (numeric kind and status code, envelope)."""
    find = fixture("jaeger", "snapshots-2.19.0", "FindTraces.json")
    services = fixture("jaeger", "snapshots-2.19.0", "GetServices.json")

    def route(req: Request) -> Response:
        if req.path == "/api/v3/services":
            return Response(200, services)
        if req.path.startswith("/api/v3/traces"):
            return Response(200, find)
        return Response(404, {"error": {"httpCode": 404, "message": "not found"}})

    with replay(route) as (url, _):
        source = JaegerTraces(JaegerConfig(url=url))
        traces = source.find_traces("foo", WINDOW)
        one = source.get_trace("00000000000000000000000000000001")
        names = source.service_names(WINDOW)
    assert names == ["foo"] and one is not None
    span = traces[0].spans[0]
    assert (span.trace_id, span.span_id, span.operation) == ("0" * 31 + "1", "0" * 15 + "2", "foobar")
    assert span.kind == "server" and span.error  # kind 2 = SERVER, status code 2 = ERROR


PERIOD = Window(1_700_000_000, 1_700_003_600, 60)


def sampled(*calls: str) -> tuple[dict[str, object], list[str]]:
    """What the named methods return for checkout over PERIOD, and the paths Jaeger was asked for."""
    data = fixture("jaeger", "jaeger-2.x-api_v3.json")
    with replay(v3_router(data)) as (url, seen):
        source = JaegerTraces(JaegerConfig(url=url))
        out = {name: (getattr(source, name)("checkout", PERIOD) if name == "entry_requests"
                      else getattr(source, name)(PERIOD, "checkout")) for name in calls}
    return out, [r.path for r in seen]


def test_span_groups_entry_requests_and_call_points_of_one_period_share_one_sample() -> None:
    got, paths = sampled("span_groups", "entry_requests", "call_points")
    assert paths.count("/api/v3/traces") == 6  # six slices per period, each searched once
    groups, requests, points = got["span_groups"], got["entry_requests"], got["call_points"]
    assert groups and requests and all(r.operation for r in requests)
    entries = sum(g.count for g in groups if g.part == "entry")
    assert sum(p.reached for p in points if not p.calls) == entries and all(p.service and p.operation for p in points)


def test_another_period_is_sampled_on_its_own() -> None:
    data = fixture("jaeger", "jaeger-2.x-api_v3.json")
    with replay(v3_router(data)) as (url, seen):
        source = JaegerTraces(JaegerConfig(url=url))
        source.span_groups(PERIOD, "checkout")
        source.span_groups(Window(PERIOD.start - 3600, PERIOD.start, 60), "checkout")
    assert [r.path for r in seen].count("/api/v3/traces") == 12
