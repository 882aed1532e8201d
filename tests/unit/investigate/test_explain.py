"""Suspects explain a symptom: only what the symptom service reaches, kinds that fit, confidence, paths."""

from __future__ import annotations

import math

import pytest

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


def test_confidence_is_calibrated_and_the_suspects_share_at_most_one() -> None:
    from obskit.investigate.correlate import CALIBRATION_SHIFT, calibrated
    # strengths from rank: the lead counts 0.5 + half its strength, the others half theirs (0.9, 0.3, 0.1)
    ranked = explain("frontend", GRAPH, [Suspect("checkout", "latency", 0.8, 95.0),
                                         Suspect("payments", "latency", 0.6, 95.0),
                                         Suspect("frontend", "latency", 0.2, 95.0)], SLOW, False)
    assert [s.score for s in ranked] == [0.9, 0.3, 0.1]
    first = ranked[0]
    # suspect #1: its separation's log-odds shifted; the rest of the probability shared by separation
    odds = first.separation / (1 - first.separation) * math.exp(CALIBRATION_SHIFT)
    assert first.confidence == pytest.approx(odds / (1 + odds), abs=1e-3) and first.confidence > first.separation
    assert sum(s.confidence for s in ranked) == pytest.approx(1.0, abs=2e-3)
    assert ranked[1].confidence / ranked[2].confidence == pytest.approx(
        ranked[1].separation / ranked[2].separation, rel=0.05)
    assert [calibrated(x) for x in (0.1, 0.3, 0.5, 0.7)] == sorted(calibrated(x) for x in (0.1, 0.3, 0.5, 0.7))
    assert calibrated(0.0) < 0.01 and calibrated(1.0) > 0.99


def test_weak_evidence_is_inconclusive_whatever_its_calibrated_confidence() -> None:
    # the only suspect, of a kind that does not explain a latency symptom: (0.5 + 0.1) at half weight
    weak = explain("frontend", GRAPH, [Suspect("checkout", "errors", 0.2, 95.0)], SLOW, False)
    assert weak[0].separation < 0.35 < weak[0].confidence
    assert inconclusive(weak)


def test_a_symptom_inside_one_downstream_service_is_explained_from_within_it() -> None:
    graph = ServiceGraph.from_edges([Edge("frontend", "checkout", 10), Edge("checkout", "payments", 10),
                                     Edge("frontend", "search", 10)])
    inside = [Symptom("traces", "errors", 5.0, 100.0, "GET /: its requests that lead into checkout meet failures "
                      "there", within=("checkout",))]
    suspects = [Suspect("search", "errors", 0.8, 95.0), Suspect("payments", "errors", 0.6, 95.0),
                Suspect("checkout", "errors", 0.5, 95.0)]
    # search is on another branch: it cannot be why requests fail inside checkout; payments, which checkout
    # calls, can
    assert [s.service for s in explain("frontend", graph, suspects, inside, False)] == [
        "payments", "checkout", "search"]
    # a symptom of the service's own beside it: anything it reaches may explain that one
    own = inside + [Symptom("traces", "errors", 4.0, 100.0, "GET /: 30 of 90 requests failed")]
    assert [s.service for s in explain("frontend", graph, suspects, own, False)][0] == "search"


def test_the_lead_is_the_strongest_suspect_that_can_explain_the_symptoms() -> None:
    graph = ServiceGraph.from_edges([Edge("frontend", "checkout", 10), Edge("frontend", "search", 10)])
    inside = [Symptom("traces", "errors", 4.0, 100.0, "GET /: its requests that lead into checkout meet failures "
                      "there", within=("checkout",))]
    # search changed most, on another branch; checkout's own evidence is weaker but can explain the symptom
    ranked = explain("frontend", graph, [Suspect("search", "errors", 0.5, 95.0),
                                         Suspect("checkout", "errors", 0.3, 95.0)], inside, False)
    assert [(s.service, s.score) for s in ranked] == [("checkout", 0.65), ("search", 0.125)]
