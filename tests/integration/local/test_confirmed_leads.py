"""A gateway whose requests lead into thirty services: one in eight requests into one of them now fails
inside it (the gateway still answers), too few to pass the bar the tests into all thirty-one services share.
The service's own error logs confirm the lead: a symptom of the gateway, within that service. Hand-written
traces and log lines in a real local store."""

from __future__ import annotations

import json
import random
from pathlib import Path

from obskit.investigate import pipeline
from obskit.local.store import Store
from obskit.sources.local import local_sources
from obskit.sources.traces import Span, Trace
from obskit.sources.window import Window

T0 = 1_700_000_000.0
START, END = T0 + 600, T0 + 780  # 10 quiet minutes, then 3 minutes
ROUTES = ["orders", "users", "search", "booking"]
STORES = [f"store-{i:02d}" for i in range(30)]


def _request(n: int, start: float, into: str, failing: bool, rng: random.Random) -> Trace:
    tid = f"{n:032x}"
    route = ROUTES[n % len(ROUTES)]
    took = 0.02 * rng.lognormvariate(0.0, 0.2)
    root = Span(tid, f"{n:08x}{0:08x}", None, "gateway", "/*", "server", start, took + 0.01)
    hop = Span(tid, f"{n:08x}{1:08x}", root.span_id, route, f"{route} /handle", "server", start + 0.002, took + 0.006)
    leaf = Span(tid, f"{n:08x}{2:08x}", hop.span_id, into, f"{into} /check", "server", start + 0.004, took,
                error=failing)
    return Trace(tid, [root, hop, leaf])


def _traces(failing_share: int) -> list[Trace]:
    """Two requests a second; every eighth leads into "guard", the others into the stores in turn. From START,
    with `failing_share` k, every k-th request into guard fails inside it."""
    rng = random.Random(7)
    out, guard = [], 0
    for n in range(int((END - T0) * 2)):
        start = T0 + n / 2
        if n % 8 == 0:
            guard += 1
            fails = bool(failing_share) and start >= START and guard % failing_share == 0
            out.append(_request(n, start, "guard", fails, rng))
        else:
            out.append(_request(n, start, STORES[n % len(STORES)], False, rng))
    return out


def _store(db: Path, traces: list[Trace], lines: list[tuple[float, str]]) -> None:
    with Store(db) as store, store.transaction() as con:
        con.executemany("INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            (s.trace_id, s.span_id, s.parent_span_id, s.service, s.operation, s.kind, round(s.start * 1e9),
             round((s.start + s.duration) * 1e9), s.error, "", "{}", json.dumps({"service.name": s.service}))
            for t in traces for s in t.spans])
        con.executemany("INSERT INTO logs VALUES (?, ?, 17, 'error', ?, NULL, NULL, '{}', '{}')", [
            (round(ts * 1e9), service, f"lookup {i} failed: upstream quota exceeded")
            for i, (ts, service) in enumerate(lines)])


def _investigate(tmp_path: Path, failing_share: int, logged: bool) -> pipeline.Report:
    lines = [(T0 + 100 + 200 * i, "guard") for i in range(3)]  # a rare background error line
    if logged:
        lines += [(START + 2 + 4 * i, "guard") for i in range(40)]
    db = tmp_path / "store.duckdb"
    _store(db, _traces(failing_share), lines)
    return pipeline.investigate(local_sources(db), "gateway", Window(START, END, 15), Window(T0, START, 15))


def test_failures_inside_one_of_many_services_confirmed_by_its_error_logs_are_a_symptom(tmp_path: Path) -> None:
    report = _investigate(tmp_path, 8, logged=True)
    assert report.symptoms, report.verdict
    first = report.symptoms[0]
    assert first.within == ("guard",) and "confirmed by guard's own evidence: error logs" in first.summary
    assert report.suspects and report.suspects[0].service == "guard"


def test_the_same_failures_without_evidence_of_the_service_itself_are_no_symptom(tmp_path: Path) -> None:
    report = _investigate(tmp_path, 8, logged=False)
    assert report.symptoms == [], report.verdict
    assert report.verdict.startswith("No symptom on gateway")


def test_error_logs_of_a_service_whose_requests_meet_no_more_failures_are_no_symptom(tmp_path: Path) -> None:
    report = _investigate(tmp_path, 0, logged=True)
    assert report.symptoms == [], report.verdict


def test_fewer_failures_are_no_symptom_but_the_verdict_points_at_the_service_with_its_own_evidence(
        tmp_path: Path) -> None:
    # one request into guard in ten fails inside it: a lead short of even the smaller family's bar
    report = _investigate(tmp_path, 10, logged=True)
    assert report.symptoms == [] and report.suspects == [], report.verdict
    assert report.verdict.startswith("No symptom on gateway")
    assert "its requests into guard changed, short of a symptom" in report.verdict
    [(name, text)] = report.leads
    assert name == "guard" and "meet failures there" in text and "guard's own evidence: error logs" in text
    assert any(note.startswith("a lead below the bar: ") for note in report.notes)
    # without the service's own evidence the same lead is not said
    assert _investigate(tmp_path / "quiet", 10, logged=False).leads == []
