"""The local store's span SQL (span groups, span RED, dependencies, service names) on hand-written traces with
unspecified kinds: it must agree with the in-memory aggregation Jaeger samples go through."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from obskit.investigate.pipeline import recorded_until
from obskit.local.store import Store
from obskit.sources.local import local_sources
from obskit.sources.span_groups import span_groups
from obskit.sources.traces import Span, Trace
from obskit.sources.window import Window
from tests.unit.investigate.handmade import BASELINE_START, WINDOW_END, WINDOW_START, Shape, incident

WINDOW = Window(WINDOW_START, WINDOW_END, 15)


def write(db: Path, traces: list[Trace]) -> None:
    with Store(db) as store, store.transaction() as con:
        con.executemany("INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            (s.trace_id, s.span_id, s.parent_span_id, s.service, s.operation, s.kind, round(s.start * 1e9),
             round((s.start + s.duration) * 1e9), s.error, s.status_message, json.dumps(s.attributes),
             json.dumps({"service.name": s.service})) for t in traces for s in t.spans])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Trace]]:
    traces = incident(Shape(link={"catalog": 0.002, "currency": 0.150}, failing="catalog"))
    db = tmp_path_factory.mktemp("spans") / "store.duckdb"
    write(db, traces)
    return db, traces


def test_sql_span_groups_agree_with_the_in_memory_aggregation(store) -> None:
    db, traces = store
    sql = local_sources(db).traces.span_groups(WINDOW)
    memory = span_groups(traces, WINDOW)
    assert [(g.part, g.service, g.operation, g.caller, g.count, g.errors) for g in sql] == \
        [(g.part, g.service, g.operation, g.caller, g.count, g.errors) for g in memory]
    for a, b in zip(sql, memory, strict=True):
        assert math.isclose(a.total, b.total, rel_tol=1e-4) and math.isclose(a.p90, b.p90, rel_tol=1e-3)  # ns clocks
        assert [x[:3] for x in a.buckets] == [x[:3] for x in b.buckets]
    link = next(g for g in sql if g.part == "link" and g.service == "currency")
    assert link.caller == "frontend" and link.p50 > 0.1  # the wire time, blamed on the callee


def test_dependencies_come_from_parent_child_pairs_of_any_kind(store) -> None:
    db, _ = store
    edges = local_sources(db).traces.dependencies(Window(BASELINE_START, WINDOW_END, 60))
    assert [(e.caller, e.callee) for e in edges] == [("frontend", "catalog"), ("frontend", "currency")]
    assert edges[0].errors > 0


def test_span_red_for_services_without_request_metrics(store) -> None:
    db, _ = store
    red = local_sources(db).metrics.red_many(["catalog", "nobody"], WINDOW)
    assert red["nobody"] == []
    series = {s.name: s for s in red["catalog"]}
    # 90 catalog calls per 15 s step: enough for p50/p95 (a span above them), not for p99 (needs 100)
    assert set(series) == {"request_rate", "error_ratio", "latency_p50", "latency_p95"}
    assert len(series["error_ratio"].counts) == len(series["error_ratio"].points)
    assert all(s.labels == {"source": "spans"} for s in series.values())
    assert series["error_ratio"].points[0][1] == 1.0  # every catalog call fails in the window
    assert math.isclose(sum(v for _, v in series["request_rate"].points) * WINDOW.step, 3 * 2 * 180, rel_tol=0.02)


def test_service_names_from_spans(store) -> None:
    db, _ = store
    assert local_sources(db).traces.service_names(WINDOW) == ["catalog", "currency", "frontend"]


def test_a_client_span_without_child_is_link_time_of_its_peer(tmp_path: Path) -> None:
    spans = [Span("a" * 32, "1" * 16, None, "payments", "POST /pay", "server", WINDOW_START + 1, 0.05),
             Span("a" * 32, "2" * 16, "1" * 16, "payments", "INSERT", "client", WINDOW_START + 1.01, 0.04,
                  attributes={"peer.service": "postgres"})]
    write(tmp_path / "s.duckdb", [Trace("a" * 32, spans)])
    groups = local_sources(tmp_path / "s.duckdb").traces.span_groups(WINDOW)
    assert [(g.part, g.service, g.caller) for g in groups if g.part == "link"] == [("link", "postgres", "payments")]
    assert [(g.part, g.service, g.caller) for g in span_groups([Trace("a" * 32, spans)], WINDOW)
            if g.part == "link"] == [("link", "postgres", "payments")]


def test_post_call_gaps_in_sql_agree_with_the_in_memory_segments(tmp_path: Path) -> None:
    # callee spans straight under the caller's span (no client span): its self time in gaps after each callee
    traces = incident(Shape(direct=True, link={"catalog": 0.002, "currency": 0.150}), Shape(direct=True))
    write(tmp_path / "g.duckdb", traces)
    sql = [g for g in local_sources(tmp_path / "g.duckdb").traces.span_groups(WINDOW) if g.part in ("gap", "rest")]
    memory = [g for g in span_groups(traces, WINDOW) if g.part in ("gap", "rest")]
    assert [(g.part, g.service, g.caller, g.count) for g in sql] == [("gap", "catalog", "frontend", 3 * 360),
                                                                     ("gap", "currency", "frontend", 2 * 360),
                                                                     ("rest", "frontend", "", 360)]
    assert [(g.part, g.service, g.caller, g.count) for g in memory] == [(g.part, g.service, g.caller, g.count)
                                                                        for g in sql]
    for a, b in zip(sql, memory, strict=True):
        assert math.isclose(a.total, b.total, rel_tol=1e-4) and math.isclose(a.p50, b.p50, rel_tol=1e-3)
    gap = {g.service: g for g in sql}
    assert gap["currency"].p50 > 0.1 > gap["catalog"].p50  # half the wire time of the call after it and its own


def test_above_the_span_bound_whole_traces_are_sampled_and_shapes_hold(store, monkeypatch) -> None:
    from obskit.sources import local_span_groups

    db, _ = store
    full = {(g.part, g.service, g.operation, g.caller): g for g in local_sources(db).traces.span_groups(WINDOW)}
    total = sum(g.count for g in full.values() if g.part in ("self", "link"))
    monkeypatch.setattr(local_span_groups, "MAX_SPANS", total // 2)
    sampled = {(g.part, g.service, g.operation, g.caller): g for g in local_sources(db).traces.span_groups(WINDOW)}
    entries = [k for k in full if k[0] == "entry" and k[1] == "frontend"]
    assert entries and all(0 < sampled[k].count < full[k].count for k in entries)  # a sample, of whole traces:
    for key in entries:  # every sampled request keeps its calls, so per-request shares stay put
        calls = [k for k in full if k[0] == "link" and k[3] == "frontend"]
        for c in calls:
            ratio_full = full[c].count / full[key].count
            ratio_sampled = sampled[c].count / sampled[key].count
            assert math.isclose(ratio_full, ratio_sampled, rel_tol=0.35)
    link = sampled[("link", "currency", next(k[2] for k in full if k[0] == "link" and k[1] == "currency"),
                    "frontend")]
    assert link.p50 > 0.1  # the shape (the wire time at the callee) survives the sample


def _checkout_trace(n: int, start: float, stop_after_cart: bool) -> Trace:
    """web -> cart, then (unless it stops) web -> pricing -> tax, with a client span in between."""
    tid, sid = f"{n:032x}", lambda i: f"{n:08x}{i:08x}"
    spans = [Span(tid, sid(1), None, "web", "POST /checkout", "server", start, 0.5),
             Span(tid, sid(2), sid(1), "cart", "GET /cart", "server", start + 0.01, 0.05)]
    if not stop_after_cart:
        spans += [Span(tid, sid(3), sid(1), "web", "HTTP POST", "client", start + 0.1, 0.2),
                  Span(tid, sid(4), sid(3), "pricing", "POST /quote", "server", start + 0.11, 0.15),
                  Span(tid, sid(5), sid(4), "tax", "GET /rate", "server", start + 0.12, 0.02),
                  Span(tid, sid(6), sid(4), "tax", "GET /rate", "server", start + 0.15, 0.02)]
    return Trace(tid, spans)


def test_sql_call_points_agree_with_the_in_memory_ones(tmp_path: Path) -> None:
    from obskit.sources.span_groups import call_points
    traces = [_checkout_trace(i, WINDOW_START + i * 2, stop_after_cart=i % 3 == 0) for i in range(60)]
    traces.append(_checkout_trace(99, WINDOW_END - 0.05, stop_after_cart=False))  # its calls begin after the end
    write(tmp_path / "c.duckdb", traces)
    sql = local_sources(tmp_path / "c.duckdb").traces.call_points(WINDOW)
    memory = call_points(traces, WINDOW)
    assert sql == memory
    web = {p.calls: (p.reached, p.stopped) for p in sql if p.service == "web" and p.start == WINDOW_START}
    # the first 15 s: 8 requests, 3 of them stop after the cart
    assert web == {(): (8, 0), ("cart GET /cart",): (8, 3), ("cart GET /cart", "pricing POST /quote"): (5, 5)}
    last = [p for p in sql if p.service == "web" and p.calls[-1:] == ("pricing POST /quote",)][-1]
    assert last.start == WINDOW_START + (WINDOW.seconds // 15 - 1) * 15 and last.stopped >= 1  # not cut short
    assert {p.calls for p in sql if p.service == "pricing"} == {(), ("tax GET /rate",)}  # each distinct call once


def test_sql_entry_requests_agree_with_the_in_memory_ones_and_name_where_they_failed(store) -> None:
    # the store's incident fails in catalog while frontend answers: every request knows where it met failures
    db, traces = store
    from obskit.sources.span_groups import entry_requests
    sql = local_sources(db).traces.entry_requests("frontend", WINDOW)
    memory = entry_requests(traces, "frontend", WINDOW)
    assert [(r.operation, r.route, r.reached, r.failed_in) for r in sql] == \
        [(r.operation, r.route, r.reached, r.failed_in) for r in memory]
    assert any(r.failed_in == frozenset({"catalog"}) for r in sql)
    assert all(r.failed_in <= {s.split(" ", 1)[0] for s in r.reached} for r in sql)


def test_a_handler_span_beside_the_call_it_drives_is_not_self_time(tmp_path: Path) -> None:
    # a gateway instruments one forwarded request twice: a handler span and, beside it, the client call
    def forwarded(i: int, orders: float, busy: float) -> Trace:
        tid = f"{i:032x}"
        start = WINDOW_START + i
        return Trace(tid, [
            Span(tid, f"{i:08x}00000001", None, "gateway", "/*", "server", start, orders + 0.004),
            Span(tid, f"{i:08x}00000002", f"{i:08x}00000001", "gateway", "handle", "unspecified", start + 0.001,
                 orders + busy),
            Span(tid, f"{i:08x}00000003", f"{i:08x}00000001", "gateway", "HTTP POST", "unspecified", start + 0.001,
                 orders + 0.002),
            Span(tid, f"{i:08x}00000004", f"{i:08x}00000003", "orders", "/place", "server", start + 0.002, orders),
        ])
    traces = [forwarded(i, 0.5 + 0.01 * i, 0.003 if i % 2 else 0.0) for i in range(20)]
    write(tmp_path / "h.duckdb", traces)
    for groups in (local_sources(tmp_path / "h.duckdb").traces.span_groups(WINDOW), span_groups(traces, WINDOW)):
        handle = next(g for g in groups if g.part == "self" and g.operation == "handle")
        assert handle.count == 20 and handle.p90 < 0.003  # only what outlasts the call, never the orders' time
        assert next(g for g in groups if g.part == "self" and g.operation == "/place").p50 > 0.5


def test_entry_and_edge_queries_look_a_bounded_time_around_the_window(tmp_path: Path) -> None:
    """The queries look for callers and callees only around the window (bounded scans): a caller that started
    just before the window still names the request's caller; a failing span of the same trace long after the
    request (an id reused by a later job) is not what the request led to."""
    from obskit.sources.local_span_groups import CALL_TAIL
    t0 = WINDOW_START + 30
    spans = [Span("t1", "c1", None, "edge", "GET /", "server", WINDOW_START - 2.0, 40.0, False, "", {}),
             Span("t1", "e1", "c1", "api", "GET /items", "server", t0, 0.5, False, "", {}),
             Span("t1", "d1", "e1", "db", "SELECT", "server", t0 + 0.1, 0.2, False, "", {}),
             Span("t1", "late", "e1", "audit", "POST /log", "server", WINDOW_END + CALL_TAIL + 60, 0.1, True, "",
                  {})]
    db = tmp_path / "store.duckdb"
    write(db, [Trace("t1", spans)])
    traces = local_sources(db).traces
    [request] = traces.entry_requests("api", WINDOW)
    assert request.caller == "edge" and request.route == "db SELECT"
    assert request.reached == frozenset({"db SELECT"}) and request.failed_in == frozenset()
    edges = traces.dependencies(WINDOW)
    assert [(e.caller, e.callee) for e in edges] == [("api", "db"), ("edge", "api")]


def test_found_traces_hold_the_spans_around_the_window_only(tmp_path: Path) -> None:
    t0 = WINDOW_START + 30
    spans = [Span("t2", "a", None, "api", "GET /items", "server", t0, 0.5, False, "", {}),
             Span("t2", "b", "a", "db", "SELECT", "server", t0 + 0.1, 0.2, False, "", {}),
             Span("t2", "x", None, "api", "nightly job", "server", t0 + 86_400, 1.0, False, "", {})]  # id reused
    db = tmp_path / "store.duckdb"
    write(db, [Trace("t2", spans)])
    traces = local_sources(db).traces
    [found] = traces.find_traces("api", WINDOW)
    assert [s.span_id for s in found.spans] == ["a", "b"]
    assert [s.span_id for s in traces.get_trace("t2").spans] == ["a", "b", "x"]  # by id: the whole trace


def test_the_store_tells_its_latest_record_of_any_signal(tmp_path: Path, store) -> None:
    db, traces = store
    latest_span = max(s.start for t in traces for s in t.spans)
    srcs = local_sources(db)
    assert math.isclose(srcs.traces.recorded_until(), latest_span, abs_tol=1e-6)
    assert recorded_until(srcs) == srcs.traces.recorded_until()  # what the investigation asks
    empty = tmp_path / "empty.duckdb"
    Store(empty).close()
    assert recorded_until(local_sources(empty)) is None
    # a log line after the last span moves it
    with Store(empty) as st, st.transaction() as con:
        con.execute("INSERT INTO logs (ts_ns, service, level, body) VALUES (?, 'svc', 'info', 'late line')",
                    [round((latest_span + 60) * 1e9)])
    assert math.isclose(local_sources(empty).traces.recorded_until(), latest_span + 60, abs_tol=1e-6)
