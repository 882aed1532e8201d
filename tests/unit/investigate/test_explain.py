"""Suspects explain a symptom: only what the symptom service reaches, kinds that fit, confidence, paths."""

from __future__ import annotations

from obskit.investigate.correlate import explain, fitting_kinds, inconclusive
from obskit.investigate.graph import ServiceGraph
from obskit.investigate.model import Suspect, Symptom
from obskit.sources.traces import Edge

GRAPH = ServiceGraph.from_edges([Edge("frontend", "checkout", 10), Edge("checkout", "payments", 10),
                                 Edge("batch", "reports", 5)])
SLOW = [Symptom("traces", "latency", 8.0, 100.0, "GET /: p90 900 ms vs 100 ms")]


def test_a_service_the_symptom_service_does_not_reach_is_never_its_cause() -> None:
    ranked = explain("frontend", GRAPH, [Suspect("reports", "latency", 0.9, 90.0),
                                         Suspect("payments", "latency", 0.6, 95.0)], SLOW, False)
    assert [s.service for s in ranked] == ["payments"]
    assert ranked[0].path == ["payments", "checkout", "frontend"]


def test_a_suspect_whose_kind_explains_no_symptom_is_discounted() -> None:
    ranked = explain("frontend", GRAPH, [Suspect("checkout", "errors", 0.8, 95.0),
                                         Suspect("payments", "saturation", 0.6, 95.0)], SLOW, False)
    assert [s.service for s in ranked] == ["payments", "checkout"]
    assert fitting_kinds(SLOW) == frozenset({"latency", "saturation", "crash", "deploy"})


def test_close_or_weak_suspects_are_inconclusive_and_a_short_baseline_lowers_confidence() -> None:
    close = explain("frontend", GRAPH, [Suspect("checkout", "latency", 0.8, 95.0),
                                        Suspect("payments", "latency", 0.75, 95.0)], SLOW, False)
    assert inconclusive(close)
    clear = explain("frontend", GRAPH, [Suspect("checkout", "latency", 0.9, 95.0),
                                        Suspect("payments", "latency", 0.1, 95.0)], SLOW, False)
    assert not inconclusive(clear)
    short = explain("frontend", GRAPH, [Suspect("checkout", "latency", 0.9, 95.0),
                                        Suspect("payments", "latency", 0.1, 95.0)], SLOW, True)
    assert short[0].confidence < clear[0].confidence


def test_without_candidates_the_symptom_service_itself_is_named() -> None:
    ranked = explain("frontend", GRAPH, [], SLOW, False)
    assert [(s.service, s.kind) for s in ranked] == [("frontend", "latency")]
    assert ranked[0].evidence and "p90 900 ms" in ranked[0].evidence[0]


def test_equal_evidence_puts_the_deeper_service_first_and_is_inconclusive() -> None:
    errors = [Symptom("traces", "errors", 6.0, 100.0, "GET /: requests stop")]
    ranked = explain("frontend", GRAPH, [Suspect("frontend", "errors", 0.6, 95.0),
                                         Suspect("payments", "errors", 0.6, 95.0)], errors, False)
    assert [s.service for s in ranked] == ["payments", "frontend"]
    assert inconclusive(ranked)
