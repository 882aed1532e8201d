"""Error lines joined to the requests they were logged in: a service that catches an exception, logs it with
the request's trace id and answers anyway fails no span, yet the investigated service's requests meet failures
there. Hand-written traces (tests/unit/investigate/handmade.py) and log lines in a real local store."""

from __future__ import annotations

import json
from pathlib import Path

from obskit.investigate import pipeline
from obskit.investigate.traces import logged_failures
from obskit.local.store import Store
from obskit.sources.local import local_sources
from obskit.sources.traces import EntryRequest, Trace
from obskit.sources.window import Window
from tests.unit.investigate.handmade import BASELINE_START, WINDOW_END, WINDOW_START, Shape, incident

WINDOW = Window(WINDOW_START, WINDOW_END, 15)
BASELINE = Window(BASELINE_START, WINDOW_START, 15)


def _store(db: Path, traces: list[Trace], lines: list[tuple[float, str, str, str | None]]) -> None:
    with Store(db) as store, store.transaction() as con:
        con.executemany("INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            (s.trace_id, s.span_id, s.parent_span_id, s.service, s.operation, s.kind, round(s.start * 1e9),
             round((s.start + s.duration) * 1e9), s.error, s.status_message, json.dumps(s.attributes),
             json.dumps({"service.name": s.service})) for t in traces for s in t.spans])
        con.executemany("INSERT INTO logs VALUES (?, ?, ?, ?, ?, ?, ?, '{}', '{}')", [
            (round(ts * 1e9), service, 17 if level == "error" else 9, level, body, trace, None)
            for ts, service, level, body, trace in lines])


def _caught(traces: list[Trace], service: str, every: int, start: float, end: float,
            traced: bool = True) -> list[tuple[float, str, str, str | None]]:
    """An error line from `service` in every `every`-th request starting in [start, end), at its span there."""
    out = []
    for i, t in enumerate(traces):
        span = next(s for s in t.spans if s.service == service)
        if start <= t.spans[0].start < end and i % every == 0:
            out.append((span.start + span.duration / 2, service, "error",
                        f"caught TimeoutException in lookup {i}, answering with the cached value",
                        t.trace_id if traced else None))
    return out


def test_error_lines_logged_in_its_requests_are_failures_inside_the_service_that_logged_them(tmp_path: Path) -> None:
    traces = incident(Shape())  # no span fails anywhere, in either period
    lines = _caught(traces, "catalog", 40, BASELINE_START, WINDOW_START)  # a rare background error before
    lines += _caught(traces, "catalog", 2, WINDOW_START, WINDOW_END)  # half of the window's requests
    lines += _caught(traces, "frontend", 3, WINDOW_START, WINDOW_END)  # its own lines are no downstream failure
    db = tmp_path / "store.duckdb"
    _store(db, traces, lines)
    sources = local_sources(db)
    found = sources.logs.error_lines([traces[0].trace_id, traces[-1].trace_id, "f" * 32], Window(
        BASELINE_START, WINDOW_END + 60, 15))
    assert [svc for svc, _ in found[traces[0].trace_id]] == ["catalog"] and "f" * 32 not in found
    report = pipeline.investigate(sources, "frontend", WINDOW, BASELINE)
    inside = [s for s in report.symptoms if s.within]
    assert inside and inside[0].within == ("catalog",) and "meet failures there" in inside[0].summary
    assert report.suspects and report.suspects[0].service == "catalog"


def test_a_steady_background_of_error_lines_is_no_symptom(tmp_path: Path) -> None:
    traces = incident(Shape())
    lines = _caught(traces, "catalog", 3, BASELINE_START, WINDOW_END)  # a third of the requests, before and now
    db = tmp_path / "store.duckdb"
    _store(db, traces, lines)
    report = pipeline.investigate(local_sources(db), "frontend", WINDOW, BASELINE)
    assert not any(s.within for s in report.symptoms)


def test_error_lines_without_the_trace_id_are_not_joined_to_requests(tmp_path: Path) -> None:
    traces = incident(Shape())
    lines = _caught(traces, "catalog", 2, WINDOW_START, WINDOW_END, traced=False)
    db = tmp_path / "store.duckdb"
    _store(db, traces, lines)
    report = pipeline.investigate(local_sources(db), "frontend", WINDOW, BASELINE)
    assert not any(s.within for s in report.symptoms)


class _Lines:
    def __init__(self, lines: dict[str, list[tuple[str, float]]]) -> None:
        self.lines = lines
        self.asked: list[list[str]] = []

    def error_lines(self, trace_ids: list[str], window: Window) -> dict[str, list[tuple[str, float]]]:
        self.asked.append(trace_ids)
        return self.lines


def test_a_line_counts_for_a_service_the_request_reached_while_it_ran_and_never_for_the_service_itself() -> None:
    r = EntryRequest("GET /", "", 100.0, 0.5, False, "catalog Get", frozenset({"catalog Get", "currency Get"}),
                     frozenset(), trace_id="t1")
    logs = _Lines({"t1": [("catalog", 100.2), ("frontend", 100.2), ("payments", 100.2), ("currency", 130.0)]})
    now, before = logged_failures(logs, "frontend", [r], [], WINDOW)
    # catalog logged during the request; frontend is the service itself, payments was not reached, currency's
    # line came half a minute after the request ended
    assert now[0].failed_in == frozenset({"catalog"}) and before == []
    assert logs.asked == [["t1"]]
    # a logs source that cannot look lines up by trace leaves the requests as they are
    assert logged_failures(object(), "frontend", [r], [], WINDOW) == ([r], [])  # type: ignore[arg-type]
    assert logged_failures(None, "frontend", [r], [], WINDOW) == ([r], [])


class _Failing:
    def error_lines(self, trace_ids: list[str], window: Window) -> dict[str, list[tuple[str, float]]]:
        raise ConnectionError("logs backend down")


def test_a_failing_lookup_leaves_the_requests_as_the_spans_say() -> None:
    r = EntryRequest("GET /", "", 100.0, 0.5, False, "catalog Get", frozenset({"catalog Get"}), frozenset({"catalog"}),
                     trace_id="t1")
    assert logged_failures(_Failing(), "frontend", [r], [r], WINDOW) == ([r], [r])  # type: ignore[arg-type]
