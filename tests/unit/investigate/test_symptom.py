"""Symptom first: the investigated service's own requests, per operation, against its baseline."""

from __future__ import annotations

import random

from obskit.investigate.model import Finding
from obskit.investigate.symptom import assess, baseline_note, from_findings, from_spans
from obskit.sources.traces import EntryRequest
from obskit.sources.window import Window

T0 = 1_700_000_000.0


def requests(n: int, start: float, seconds: float, *, op: str = "GET /checkout", spread: float = 0.3,
             failed_every: int = 0, seed: int = 1, caller: str = "") -> list[EntryRequest]:
    rng = random.Random(seed)
    return [EntryRequest(op, caller, start + i, seconds * rng.lognormvariate(0.0, spread),
                         bool(failed_every) and i % failed_every == 0) for i in range(n)]


def test_a_quiet_window_has_no_symptom() -> None:
    before = requests(600, T0, 0.1, seed=1)
    now = requests(180, T0 + 600, 0.1, seed=2)
    assert from_spans(now, before) == []


def test_a_slower_operation_is_a_latency_symptom_with_its_onset() -> None:
    before = requests(600, T0, 0.1, seed=1)
    now = requests(60, T0 + 600, 0.1, seed=2) + requests(120, T0 + 660, 0.3, seed=3)
    found = from_spans(now, before)
    assert [s.kind for s in found] == ["latency"]
    assert found[0].onset is not None and T0 + 655 <= found[0].onset <= T0 + 665  # when it began, not before
    assert "GET /checkout" in found[0].summary


def test_a_slow_operation_mixed_with_fast_ones_is_compared_per_operation() -> None:
    # the workload mix moves towards a slow report operation: no operation changed, so no symptom
    before = requests(500, T0, 0.05, op="GET /item", seed=1) + requests(50, T0, 2.0, op="GET /report", seed=2)
    now = requests(60, T0 + 600, 0.05, op="GET /item", seed=3) + requests(120, T0 + 600, 2.0, op="GET /report",
                                                                          seed=4)
    assert from_spans(now, before) == []


def test_steady_background_errors_are_not_a_symptom_but_a_rise_is() -> None:
    before = requests(600, T0, 0.1, failed_every=20, seed=1)  # 5 % all day
    steady = requests(180, T0 + 600, 0.1, failed_every=20, seed=2)
    assert from_spans(steady, before) == []
    failing = requests(180, T0 + 600, 0.1, failed_every=3, seed=2)
    found = from_spans(failing, before)
    assert [s.kind for s in found] == ["errors"]
    assert "failed" in found[0].summary


def test_too_few_requests_are_not_tested_but_few_can_be_enough() -> None:
    assert assess(requests(4, T0 + 600, 1.0), requests(4, T0, 0.1))[:2] == ([], 0)
    found, tested, _ = assess(requests(12, T0 + 600, 1.0, seed=2), requests(12, T0, 0.1))
    assert tested == 1 and [s.kind for s in found] == ["latency"]  # ten times slower: a dozen requests suffice


def test_own_metric_and_error_log_findings_are_symptoms_others_are_not() -> None:
    findings = [
        Finding("metrics", "checkout", "latency", "latency_p99", 9.0, T0, "p99 latency 900 ms vs baseline 90 ms"),
        Finding("logs", "checkout", "errors", "new error template", 7.0, T0, "1 new template"),
        Finding("logs", "checkout", "errors", "new log template", 7.0, T0, "a WARN template"),
        Finding("metrics", "payments", "latency", "latency_p99", 9.0, T0, "elsewhere"),
    ]
    found = from_findings(findings, "checkout")
    assert [(s.source, s.kind) for s in found] == [("metrics", "latency"), ("logs", "errors")]


def test_a_short_baseline_is_named() -> None:
    assert baseline_note(Window(T0, T0 + 240, 15), 40) is not None
    assert "4 min" in (baseline_note(Window(T0, T0 + 240, 15), 40) or "")
    assert baseline_note(Window(T0, T0 + 1800, 15), 400) is None


def routed(n: int, start: float, seconds: float, route: str, seed: int) -> list[EntryRequest]:
    """Requests of a gateway: one generic operation, the route is the service it forwards to."""
    rng = random.Random(seed)
    return [EntryRequest("/*", "", start + i, seconds * rng.lognormvariate(0.0, 0.3), False, route)
            for i in range(n)]


def test_a_gateway_whose_traffic_moves_to_a_slow_route_has_no_symptom() -> None:
    before = routed(400, T0, 0.05, "search /find", 1) + routed(40, T0, 1.5, "booking /book", 2)
    now = routed(40, T0 + 600, 0.05, "search /find", 3) + routed(120, T0 + 600, 1.5, "booking /book", 4)
    assert from_spans(now, before) == []


def test_a_gateway_route_that_slows_down_is_a_symptom() -> None:
    before = routed(400, T0, 0.05, "search /find", 1) + routed(40, T0, 1.5, "booking /book", 2)
    now = routed(100, T0 + 600, 0.05, "search /find", 3) + routed(40, T0 + 600, 4.0, "booking /book", 4)
    found = from_spans(now, before)
    assert [s.kind for s in found] == ["latency"] and "over 2 routes" in found[0].summary


def test_requests_that_end_sooner_than_usual_are_an_error_symptom() -> None:
    # a wrong or empty answer returns early: less work per request, no error status anywhere
    before = requests(400, T0, 0.2, seed=1)
    now = requests(150, T0 + 600, 0.02, seed=2)
    found = from_spans(now, before)
    assert [s.kind for s in found] == ["errors"] and "sooner than usual" in found[0].summary


def leading(n: int, start: float, reached: frozenset[str], route: str = "orders /place", seed: int = 1,
            seconds: float = 0.1) -> list[EntryRequest]:
    rng = random.Random(seed)
    return [EntryRequest("POST /order", "", start + i, seconds * rng.lognormvariate(0.0, 0.2), False, route, reached)
            for i in range(n)]


FULL = frozenset({"orders /place", "payments /charge", "mailer /confirm"})
SHORT = frozenset({"orders /place"})  # a wrong answer from orders: nothing is charged or mailed


def test_requests_that_stop_reaching_a_downstream_operation_are_a_symptom() -> None:
    before = leading(300, T0, FULL)
    now = leading(60, T0 + 600, FULL, seed=2) + leading(100, T0 + 660, SHORT, seed=3)
    found = from_spans(now, before)
    assert [s.kind for s in found] == ["errors"]
    assert "reach" in found[0].summary and "less often" in found[0].summary
    assert found[0].onset is not None and T0 + 655 <= found[0].onset <= T0 + 670


def test_paths_that_differ_by_route_are_compared_per_route() -> None:
    # the search route never reaches payments; more searches in the window change the mix, not the paths
    before = leading(200, T0, FULL) + leading(100, T0, frozenset({"catalog /search"}), route="catalog /search")
    now = leading(40, T0 + 600, FULL, seed=2) + leading(140, T0 + 600, frozenset({"catalog /search"}),
                                                        route="catalog /search", seed=3)
    assert from_spans(now, before) == []


def gateway(n: int, start: float, seconds: float, routes: list[str], *, into: str = "", failed_in: str = "",
            seed: int = 1) -> list[EntryRequest]:
    """Gateway requests spread over routes; those `into` services ("a+b") reach them (and meet failures there when
    `failed_in`); the gateway itself answers every one of them without an error."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        route = routes[i % len(routes)]
        reached = {route, *(f"{name} /check" for name in into.split("+"))} if into else {route}
        out.append(EntryRequest("/*", "", start + i * 2, seconds * rng.lognormvariate(0.0, 0.3), False, route,
                                frozenset(reached), frozenset({failed_in} if failed_in and i % 2 == 0 else ())))
    return out


ROUTES = ["orders /place", "users /login", "search /find", "booking /book"]


def test_requests_into_one_slow_downstream_service_are_a_symptom_when_the_routes_are_flat() -> None:
    # a few requests of two busy routes go through a slow guard service: too few to move either route
    before = gateway(200, T0, 0.1, ROUTES) + gateway(12, T0 + 1, 0.3, ROUTES[:2], into="guard", seed=2)
    now = gateway(90, T0 + 600, 0.1, ROUTES, seed=3) + gateway(16, T0 + 601, 2.0, ROUTES[:2], into="guard", seed=4)
    found = from_spans(now, before)
    assert [s.kind for s in found] == ["latency"], found
    assert "lead into guard take longer" in found[0].summary


def test_requests_into_a_downstream_service_as_usual_are_no_symptom() -> None:
    before = gateway(200, T0, 0.1, ROUTES) + gateway(12, T0 + 1, 0.3, ROUTES[:2], into="guard", seed=2)
    now = gateway(90, T0 + 600, 0.1, ROUTES, seed=3) + gateway(16, T0 + 601, 0.3, ROUTES[:2], into="guard", seed=4)
    assert from_spans(now, before) == []


def test_failures_inside_a_downstream_service_are_a_symptom_though_the_gateway_answers() -> None:
    before = gateway(200, T0, 0.1, ROUTES) + gateway(30, T0 + 1, 0.3, ROUTES[:2], into="guard", seed=2)
    now = gateway(90, T0 + 600, 0.1, ROUTES, seed=3) + gateway(30, T0 + 601, 0.3, ROUTES[:2], into="guard",
                                                                failed_in="guard", seed=4)
    found = from_spans(now, before)
    assert [s.kind for s in found] == ["errors"], found
    assert "lead into guard meet failures there: 50% of 30 vs 0% of 30" in found[0].summary


def test_services_reached_by_the_same_requests_are_one_test_named_together() -> None:
    before = gateway(200, T0, 0.1, ROUTES) + gateway(12, T0 + 1, 0.3, ROUTES[:2], into="guard+vault", seed=2)
    now = gateway(90, T0 + 600, 0.1, ROUTES, seed=3) + gateway(16, T0 + 601, 2.0, ROUTES[:2], into="guard+vault",
                                                                seed=4)
    found = from_spans(now, before)
    assert [s.kind for s in found] == ["latency"] and "lead into guard / vault take longer" in found[0].summary


def paused(requests_: list[EntryRequest], every: int, extra: float) -> list[EntryRequest]:
    """Every `every`-th request waits `extra` seconds more (a pause on a few requests: GC, a lock, a retry)."""
    return [EntryRequest(r.operation, r.caller, r.start, r.seconds + (extra if i % every == 0 else 0.0), r.failed)
            for i, r in enumerate(requests_)]


def test_a_pause_on_a_few_requests_is_a_far_tail_symptom_when_the_baseline_can_place_its_p99() -> None:
    # one request in seven waits 150 ms more: the median and p90 hardly move, the p99 does
    before = requests(600, T0, 0.05, spread=0.15, seed=1)
    now = paused(requests(240, T0 + 600, 0.05, spread=0.15, seed=2), 7, 0.15)
    found = from_spans(now, before)
    assert [s.kind for s in found] == ["latency"] and "p99" in found[0].summary
    # the same requests without the pause: nothing
    assert from_spans(requests(240, T0 + 600, 0.05, spread=0.15, seed=2), before) == []


def test_the_far_tail_is_not_tested_on_a_baseline_too_small_to_place_its_p99() -> None:
    before = requests(150, T0, 0.05, spread=0.15, seed=1)  # under p99_min_requests: its p99 is its maximum
    now = paused(requests(240, T0 + 600, 0.05, spread=0.15, seed=2), 7, 0.15)
    assert [s for s in from_spans(now, before) if "p99" in s.summary] == []


def test_a_move_of_a_millisecond_is_no_symptom_however_significant() -> None:
    # durations recorded in whole milliseconds: a fast operation whose requests now take one tick longer
    def ticks(n: int, start: float, base_ms: int, seed: int) -> list[EntryRequest]:
        rng = random.Random(seed)
        return [EntryRequest("GET /ids", "", start + i, (base_ms + rng.choice((0, 0, 1, 1, 2))) / 1000, False)
                for i in range(n)]
    before = ticks(600, T0, 4, seed=1)
    assert from_spans(ticks(300, T0 + 600, 5, seed=2), before) == []  # 4-6 ms -> 5-7 ms
    found = from_spans(ticks(300, T0 + 600, 9, seed=2), before)  # -> 9-11 ms: five ticks
    assert [s.kind for s in found] == ["latency"], found


def test_slow_requests_that_come_in_bursts_in_the_baseline_widen_what_counts_as_a_change() -> None:
    # one request in ten is slow in both baselines: spread evenly, or in runs of twenty (a pause, a busy
    # neighbour); the window's slow requests come as one run of forty (22 % of 180)
    def with_slow(n: int, start: float, slow_at) -> list[EntryRequest]:
        rng = random.Random(int(start))
        return [EntryRequest("GET /orders", "", start + i, (0.4 if slow_at(i) else 0.05) * rng.uniform(0.9, 1.1),
                             False) for i in range(n)]
    even = with_slow(600, T0, lambda i: i % 10 == 0)
    bursty = with_slow(600, T0, lambda i: i % 200 < 20)
    now = with_slow(180, T0 + 600, lambda i: 60 <= i < 100)
    assert [s.kind for s in from_spans(now, even)] == ["latency"]
    assert from_spans(now, bursty) == []  # a run like the baseline's own
    # every request three times slower is a change against either
    slower = [EntryRequest(r.operation, "", r.start, r.seconds * 3, False) for r in now]
    assert [s.kind for s in from_spans(slower, bursty)] == ["latency"]
