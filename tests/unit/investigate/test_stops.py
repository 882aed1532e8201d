"""Requests that stop right after an answer (obskit/investigate/stops.py), on hand-written call sequences."""

from __future__ import annotations

import random

from obskit.investigate import stops
from obskit.sources.span_groups import aggregate_points
from obskit.sources.traces import CallPoint
from obskit.sources.window import Window

T0 = 1_700_000_000.0
BROWSE = ("catalog GET /items", "pricing POST /quote", "ads GET /banner")
BUY = ("cart POST /add",)


def requests(start: float, n: int, mix: dict[tuple[str, ...], float], seed: int) -> list[CallPoint]:
    """n requests of "shop GET /", one a second from `start`, each taking one of the paths of `mix`."""
    rng = random.Random(seed)
    paths, weights = list(mix), list(mix.values())
    made = [("shop", "GET /", start + i, rng.choices(paths, weights)[0]) for i in range(n)]
    return aggregate_points(made, Window(start, start + n, 15))


def test_requests_that_stop_after_an_answer_name_the_callee_and_are_the_targets_symptom() -> None:
    before = requests(T0, 300, {BROWSE: 0.8, BUY: 0.2}, seed=1)
    now = requests(T0 + 600, 200, {BROWSE: 0.3, BROWSE[:1]: 0.5, BUY: 0.2}, seed=2)
    findings, symptoms = stops.analyze(now, before, "shop")
    named = {(f.service, f.signal) for f in findings}
    assert ("catalog", stops.AFTER) in named  # its answer ended the requests
    assert ("shop", stops.CALLER) in named  # or the caller's handling of it: the weaker hypothesis
    assert ("pricing", stops.AFTER) not in named and ("shop", stops.EARLY) not in named
    assert symptoms and symptoms[0].kind == "errors" and "after catalog GET /items answers" in symptoms[0].summary
    assert T0 + 600 <= symptoms[0].onset < T0 + 620  # from the first requests of the window


def test_a_shift_towards_requests_that_call_less_is_workload_not_a_stop() -> None:
    before = requests(T0, 300, {BROWSE: 0.8, BUY: 0.2}, seed=3)
    now = requests(T0 + 600, 300, {BROWSE: 0.2, BUY: 0.8}, seed=4)  # people buy instead of browsing
    assert stops.analyze(now, before, "shop") == ([], [])


def test_requests_that_end_before_calling_anything_are_the_service_s_own() -> None:
    before = requests(T0, 300, {BROWSE: 0.9, (): 0.1}, seed=5)
    now = requests(T0 + 600, 300, {BROWSE: 0.4, (): 0.6}, seed=6)
    findings, symptoms = stops.analyze(now, before, "shop")
    assert [(f.service, f.signal) for f in findings] == [("shop", stops.EARLY)]
    assert "before calling any other service" in symptoms[0].summary


def test_same_behaviour_in_both_periods_names_nothing() -> None:
    mix = {BROWSE: 0.6, BROWSE[:2]: 0.1, BUY: 0.3}
    for seed in range(10):
        assert stops.analyze(requests(T0 + 600, 200, mix, seed), requests(T0, 400, mix, seed + 100), "shop") == \
            ([], [])


def test_a_point_too_few_requests_reach_is_not_tested() -> None:
    before = requests(T0, 8, {BROWSE: 1.0}, seed=7)
    now = requests(T0 + 600, 8, {BROWSE[:1]: 1.0}, seed=8)  # every request stops, but 8 prove nothing
    assert stops.analyze(now, before, "shop") == ([], [])


def test_other_services_stops_are_findings_not_symptoms_of_the_target() -> None:
    before = requests(T0, 300, {BROWSE: 1.0}, seed=9)
    now = requests(T0 + 600, 300, {BROWSE[:2]: 1.0}, seed=10)  # stop after pricing
    findings, symptoms = stops.analyze(now, before, "gateway")
    assert ("pricing", stops.AFTER) in {(f.service, f.signal) for f in findings}
    assert symptoms == []


def test_a_stop_after_answers_that_look_as_before_names_the_caller_as_strongly() -> None:
    before = requests(T0, 300, {BROWSE: 0.8, BUY: 0.2}, seed=1)
    now = requests(T0 + 600, 200, {BROWSE: 0.3, BROWSE[:1]: 0.5, BUY: 0.2}, seed=2)
    # the catalog's answers to shop changed (timing or status): the caller stays the weaker hypothesis
    findings, _ = stops.analyze(now, before, "shop", {("catalog", "GET /items", "shop")})
    assert ("shop", stops.CALLER) in {(f.service, f.signal) for f in findings}
    # they look as before: the caller failing on a normal answer is as likely as a wrong answer
    findings, _ = stops.analyze(now, before, "shop", set())
    named = {(f.service, f.signal) for f in findings}
    assert ("shop", stops.NORMAL) in named and ("catalog", stops.AFTER) in named
    assert ("shop", stops.CALLER) not in named
