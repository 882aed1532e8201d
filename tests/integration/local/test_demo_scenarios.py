"""Each demo scenario, at a low request rate, leaves the fault signature its ground truth names in the
local store, read back through the source protocols (local_sources)."""

from __future__ import annotations

import statistics
from pathlib import Path

import duckdb
import pytest

from obskit.local.demo import SCENARIOS, GroundTruth, run_scenario
from obskit.sources import Sources
from obskit.sources.local import local_sources
from obskit.sources.window import Window

END = 1_699_999_980.0  # fixed clock: deterministic data
RATE = 4.0


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[GroundTruth, Sources]]:
    out = {}
    for name in SCENARIOS:
        db = tmp_path_factory.mktemp("demo") / f"{name}.duckdb"
        truth = run_scenario(name, db, seed=3, end=END, rate=RATE)
        out[name] = (truth, local_sources(db))
    return out


def windows(truth: GroundTruth) -> tuple[Window, Window]:
    start = truth.window["from"]
    return Window(start - 1800, start - 60, 60), Window(start + 300, truth.window["to"], 60)


def mean(sources: Sources, service: str, series: str, window: Window, saturation: bool = False) -> float:
    assert sources.metrics is not None
    found = (sources.metrics.saturation if saturation else sources.metrics.red)(service, window)
    values = [v for s in found if s.name == series for _, v in s.points]
    assert values, f"no {series} for {service}"
    return statistics.fmean(values)


def test_ground_truth_is_recorded(demos: dict) -> None:
    truth, _ = demos["slow-database"]
    assert truth.root_cause.service == "postgres" and truth.root_cause.kind == "latency"
    assert truth.window == {"from": END - 1200, "to": END}
    row = duckdb.connect(truth.db, read_only=True).execute(
        "SELECT scenario, symptom_service, root_service, root_kind, window_from, window_to FROM ground_truth"
    ).fetchall()
    assert row == [("slow-database", "frontend", "postgres", "latency", END - 1200, END)]


def test_slow_database(demos: dict) -> None:
    truth, src = demos["slow-database"]
    before, during = windows(truth)
    assert mean(src, "postgres", "latency_p50", during) > 20 * mean(src, "postgres", "latency_p50", before)
    assert mean(src, "payments", "latency_p95", during) > 5 * mean(src, "payments", "latency_p95", before)
    assert mean(src, "frontend", "latency_p99", during) > 2 * mean(src, "frontend", "latency_p99", before)
    edges = {(e.caller, e.callee) for e in src.traces.dependencies(during)}
    assert {("frontend", "checkout"), ("checkout", "payments"), ("payments", "postgres")} <= edges


def test_bad_deploy(demos: dict) -> None:
    truth, src = demos["bad-deploy"]
    before, during = windows(truth)
    rollouts = src.cluster.rollouts("checkout", None, Window(truth.window["from"] - 60, truth.window["to"]))
    assert [r.change.split(" -> ")[1] for r in rollouts] == ["registry.example/checkout:1.5.0"]
    assert mean(src, "checkout", "error_ratio", during) > 0.15 > mean(src, "checkout", "error_ratio", before)
    versions = {s.attributes.get("service.version") for t in src.traces.find_traces(
        "checkout", during, errors_only=True, limit=20) for s in t.spans if s.service == "checkout"}
    assert "1.5.0" in versions


def test_memory_leak(demos: dict) -> None:
    truth, src = demos["memory-leak"]
    before, during = windows(truth)
    pods = src.cluster.pods("cart", None)
    assert sum(p.restarts for p in pods) >= 2
    assert {p.last_termination_reason for p in pods} == {"OOMKilled"}
    assert any(e.reason == "OOMKilling" for e in src.cluster.events("cart", None, during))
    restarts = [v for s in src.metrics.saturation("cart", during) if s.name == "restarts" for _, v in s.points]
    assert sum(restarts) >= 2
    assert mean(src, "cart", "memory_vs_limit", before, saturation=True) < 0.6
    assert mean(src, "frontend", "error_ratio", during) > mean(src, "frontend", "error_ratio", before)


def test_inventory_outage(demos: dict) -> None:
    truth, src = demos["inventory-outage"]
    before, during = windows(truth)
    assert mean(src, "inventory", "error_ratio", during) > 0.5
    assert mean(src, "frontend", "error_ratio", during) > 0.3 > mean(src, "frontend", "error_ratio", before)
    errors = src.logs.sample("checkout", during, limit=50)
    assert errors and all(r.trace_id for r in errors)
    assert any("inventory POST /reserve failed: HTTP 503" in r.message for r in errors)


def test_cpu_throttling(demos: dict) -> None:
    truth, src = demos["cpu-throttling"]
    before, during = windows(truth)
    assert mean(src, "shipping", "cpu_throttling", during, saturation=True) > 0.4
    assert mean(src, "shipping", "cpu_throttling", before, saturation=True) < 0.05
    assert mean(src, "shipping", "latency_p50", during) > 3 * mean(src, "shipping", "latency_p50", before)


def test_root_cause_moves_before_the_symptom(demos: dict) -> None:
    truth, src = demos["slow-database"]
    start = truth.window["from"]
    window = Window(start - 600, start + 600, 30)

    def onset(service: str) -> float:
        series = next(s for s in src.metrics.red(service, window) if s.name == "latency_p95")
        base = statistics.fmean(v for t, v in series.points if t < start)
        return min(t for t, v in series.points if t >= start and v > 3 * base)

    assert onset("postgres") <= onset("payments") <= onset("frontend")


def test_traces_are_linked_and_logs_carry_trace_context(demos: dict) -> None:
    truth, src = demos["inventory-outage"]
    _, during = windows(truth)
    traces = src.traces.find_traces("frontend", during, errors_only=True, limit=10)
    assert traces
    for trace in traces:
        ids = {s.span_id for s in trace.spans}
        roots = [s for s in trace.spans if s.parent_span_id is None]
        assert len(roots) == 1 and roots[0].service == "frontend" and roots[0].kind == "server"
        assert all(s.parent_span_id in ids for s in trace.spans if s.parent_span_id)
    linked = [r for r in src.logs.sample("checkout", during, limit=200) if src.traces.get_trace(r.trace_id)]
    assert linked, "error logs point at stored traces"


def test_same_seed_same_data(tmp_path: Path) -> None:
    counts = []
    for i in range(2):
        db = tmp_path / f"{i}.duckdb"
        run_scenario("bad-deploy", db, seed=9, end=END, rate=0.5)
        con = duckdb.connect(str(db), read_only=True)
        counts.append(con.execute("SELECT count(*), sum(end_ns - start_ns), min(trace_id) FROM spans").fetchone())
        con.close()
    assert counts[0] == counts[1]


def test_slow_payments_metrics_only(demos: dict) -> None:
    """No spans, no logs: 5-minute summaries give RED, servicegraph series give the call graph."""
    truth, src = demos["slow-payments-metrics"]
    con = duckdb.connect(truth.db, read_only=True)
    assert con.execute("SELECT (SELECT count(*) FROM spans) + (SELECT count(*) FROM logs)").fetchone() == (0,)
    assert con.execute("SELECT DISTINCT type FROM metric_points WHERE name = 'http.server.request.duration'"
                       ).fetchall() == [("summary",)]
    con.close()
    before, during = windows(truth)
    assert mean(src, "payments", "latency_p50", during) > 10 * mean(src, "payments", "latency_p50", before)
    assert mean(src, "checkout", "latency_mean", during) > 4 * mean(src, "checkout", "latency_mean", before)
    assert mean(src, "cart", "latency_p95", during) < 1.5 * mean(src, "cart", "latency_p95", before)
    # the rate is requests per second over each 5-minute summary, not the period's count per minute
    assert mean(src, "frontend", "request_rate", before) == pytest.approx(RATE, rel=0.1)
    edges = {(e.caller, e.callee): e for e in src.metrics.dependencies(during)}
    assert {("frontend", "checkout"), ("checkout", "payments"), ("payments", "postgres")} <= set(edges)
    assert {e.origin for e in edges.values()} == {"servicegraph"}
    assert edges[("checkout", "payments")].latency > 0.3 > edges[("checkout", "cart")].latency
    assert src.traces.dependencies(during) == []
