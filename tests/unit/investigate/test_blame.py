"""Blame attribution over hand-written spans (kinds unspecified, parent/child links only)."""

from __future__ import annotations

from obskit.investigate import blame, correlate
from obskit.investigate.graph import ServiceGraph
from obskit.sources.span_groups import span_groups
from obskit.sources.traces import Edge
from obskit.sources.window import Window
from tests.unit.investigate.handmade import BASELINE_START, WINDOW_END, WINDOW_START, Shape, incident

WINDOW = Window(WINDOW_START, WINDOW_END, 15)
BASELINE = Window(BASELINE_START, WINDOW_START, 15)
GRAPH = ServiceGraph.from_edges([Edge("frontend", "catalog", 1), Edge("frontend", "currency", 1)])


def findings(shape: Shape):
    traces = incident(shape)
    return blame.analyze(span_groups(traces, WINDOW), span_groups(traces, BASELINE), "frontend", WINDOW, BASELINE)


def top(shape: Shape) -> tuple[str, str]:
    suspects, _ = correlate.rank("frontend", GRAPH, findings(shape), WINDOW.step)
    assert suspects, "nothing found"
    return suspects[0].service, suspects[0].kind


def test_quiet_requests_blame_nobody() -> None:
    assert findings(Shape()) == []


def test_network_delay_at_a_callee_blames_the_callee_not_its_caller() -> None:
    shape = Shape(link={"catalog": 0.002, "currency": 0.150})
    found = findings(shape)
    assert [(f.service, f.signal) for f in found] == [("currency", "link delay")]
    assert "frontend -> currency" in found[0].summary
    assert top(shape) == ("currency", "latency")


def test_cpu_in_the_symptom_service_blames_it_when_no_callee_explains_it() -> None:
    assert top(Shape(frontend_self=0.200)) == ("frontend", "latency")


def test_slow_callee_work_is_the_callee_self_time() -> None:
    found = findings(Shape(callee_self={"catalog": 0.090, "currency": 0.001}))
    assert {(f.service, f.signal) for f in found} == {("catalog", "self time")}


def test_a_caller_stalling_every_outgoing_call_is_blamed_itself() -> None:
    shape = Shape(calls={"catalog": 1, "currency": 1, "cart": 1, "ads": 1},
                  link={"catalog": 0.2, "currency": 0.2, "cart": 0.2, "ads": 0.2},
                  callee_self={"catalog": 0.003, "currency": 0.001, "cart": 0.002, "ads": 0.002})
    traces = incident(shape, Shape(calls=shape.calls, link={k: 0.002 for k in shape.link},
                                   callee_self=shape.callee_self))
    now, before = span_groups(traces, WINDOW), span_groups(traces, BASELINE)
    found = blame.analyze(now, before, "frontend", WINDOW, BASELINE)
    assert [(f.service, f.signal) for f in found] == [("frontend", "link delay")]


def test_own_errors_go_to_the_deepest_failing_service() -> None:
    found = findings(Shape(failing="catalog"))
    errors = [f for f in found if f.signal == "own errors"]
    assert [f.service for f in errors] == ["catalog"]
    assert errors[0].onset is not None and WINDOW_START <= errors[0].onset < WINDOW_START + 2 * WINDOW.step


def test_a_changed_call_pattern_blames_the_caller_and_suspects_the_callee_weakly() -> None:
    shape = Shape(calls={"catalog": 3, "currency": 0})
    found = findings(shape)
    assert ("frontend", "call pattern") in {(f.service, f.signal) for f in found}
    assert ("currency", "answers changed caller") in {(f.service, f.signal) for f in found}
    suspects, _ = correlate.rank("frontend", GRAPH, found, WINDOW.step)
    assert [s.service for s in suspects[:2]] == ["frontend", "currency"]


def test_onset_is_where_the_change_began_not_the_window_end() -> None:
    found = findings(Shape(link={"catalog": 0.002, "currency": 0.150}))
    assert found[0].onset == WINDOW_START


def test_a_slow_network_at_a_service_delays_both_directions_and_is_blamed_once() -> None:
    from obskit.sources.traces import Span, Trace

    def chain(n: int, start: float, delay: float) -> Trace:
        tid = f"{n:032x}"
        ids = [f"{n:08x}{i:08x}" for i in range(5)]
        wire = 0.001 + delay
        spans = [Span(tid, ids[0], None, "frontend", "GET /", "server", start, 0.0),
                 Span(tid, ids[1], ids[0], "frontend", "b.Get", "unspecified", start, 0.0),
                 Span(tid, ids[2], ids[1], "b", "b.Get", "unspecified", start + wire / 2, 0.0),
                 Span(tid, ids[3], ids[2], "b", "d.Get", "unspecified", start + wire, 0.0),
                 Span(tid, ids[4], ids[3], "d", "d.Get", "unspecified", start + wire + wire / 2, 0.002)]
        spans[3].duration = 0.002 + wire
        spans[2].duration = 0.001 + spans[3].duration
        spans[1].duration = spans[2].duration + wire
        spans[0].duration = spans[1].duration + 0.001
        return Trace(tid, spans)

    traces = []
    t, n = BASELINE_START, 0
    while t < WINDOW_END:
        traces.append(chain(n, t, 0.1 * (1 + (n % 7) / 10) if t >= WINDOW_START else 0.0005 * (1 + (n % 7) / 10)))
        t, n = t + 0.5, n + 1
    found = blame.analyze(span_groups(traces, WINDOW), span_groups(traces, BASELINE), "frontend", WINDOW, BASELINE)
    assert [(f.service, f.signal) for f in found] == [("b", "link delay")]


def test_a_slow_answer_path_without_client_spans_blames_the_callee_from_the_post_call_gaps() -> None:
    # no caller span around the calls: the wire time is the frontend's self time, but it sits in the gaps
    # after the currency spans while the frontend's other self time stayed put
    shape = Shape(direct=True, link={"catalog": 0.002, "currency": 0.150})
    traces = incident(shape, Shape(direct=True))
    found = blame.analyze(span_groups(traces, WINDOW), span_groups(traces, BASELINE), "frontend", WINDOW, BASELINE)
    assert [(f.service, f.signal) for f in found] == [("currency", "link delay")]
    assert "frontend -> currency" in found[0].summary


def test_work_in_the_caller_stretching_all_its_self_time_stays_the_callers_without_client_spans() -> None:
    # the same rise of the frontend's self time, but spread over all its segments (CPU): not a callee's gap
    traces = incident(Shape(direct=True, frontend_self=0.400), Shape(direct=True, frontend_self=0.040))
    found = blame.analyze(span_groups(traces, WINDOW), span_groups(traces, BASELINE), "frontend", WINDOW, BASELINE)
    assert [(f.service, f.signal) for f in found] == [("frontend", "self time")]


def test_a_count_change_is_dated_by_a_sustained_rise_not_by_one_early_background_failure() -> None:
    steps = [WINDOW.start + i * WINDOW.step for i in range(int(WINDOW.seconds // WINDOW.step))]
    counts = {steps[1]: 1}  # a background failure, as the baseline has some (2 expected over the window)
    counts.update({ts: 9 for ts in steps[6:]})  # from the 7th step on, every step fails
    assert blame._sustained_onset(counts, WINDOW, expected=2.0) == steps[6]
    assert blame._sustained_onset({steps[3]: 1}, WINDOW, expected=0.0) == steps[3]  # nothing sustained: the first


def test_one_slow_callee_beside_callees_a_little_slower_is_not_a_stalled_caller() -> None:
    # the slow callee stretches what runs beside it a little: three callees moved, one of them for real
    shape = Shape(calls={"catalog": 1, "currency": 1, "cart": 1},
                  link={"catalog": 0.2, "currency": 0.012, "cart": 0.012},
                  callee_self={"catalog": 0.003, "currency": 0.001, "cart": 0.002})
    traces = incident(shape, Shape(calls=shape.calls, link={k: 0.002 for k in shape.link},
                                   callee_self=shape.callee_self))
    found = blame.analyze(span_groups(traces, WINDOW), span_groups(traces, BASELINE), "frontend", WINDOW, BASELINE)
    assert max(found, key=lambda f: f.score).service == "catalog"
    assert "frontend" not in {f.service for f in found}


def test_answers_changed_names_requests_whose_timing_moved_and_only_those() -> None:
    shape = Shape(callee_self={"catalog": 0.090, "currency": 0.001})
    traces = incident(shape)
    changed = blame.answers_changed(span_groups(traces, WINDOW), span_groups(traces, BASELINE))
    assert any(s == "catalog" and c == "frontend" for s, _, c in changed)
    assert not any(s == "currency" for s, _, _ in changed)
    quiet = incident(Shape())
    assert blame.answers_changed(span_groups(quiet, WINDOW), span_groups(quiet, BASELINE)) == set()
