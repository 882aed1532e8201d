"""Ranking by blame attribution: own evidence over consequences, whatever is loudest."""

from __future__ import annotations

from obskit.investigate.correlate import rank
from obskit.investigate.graph import ServiceGraph
from obskit.investigate.model import Finding
from obskit.sources.traces import Edge

GRAPH = ServiceGraph.from_edges([Edge("frontend", "checkout", 1), Edge("checkout", "payments", 1)])
T = 1_700_000_000.0


def finding(service: str, source: str, signal: str, kind: str, score: float, onset: float = T) -> Finding:
    return Finding(source, service, kind, signal, score, onset, f"{signal} of {service}")


def order(findings: list[Finding]) -> list[str]:
    suspects, _ = rank("frontend", GRAPH, findings, 60)
    return [s.service for s in suspects]


def test_a_callees_own_evidence_outranks_its_callers_louder_red() -> None:
    found = [finding("frontend", "metrics", "latency_p99", "latency", 40),
             finding("checkout", "metrics", "latency_p99", "latency", 30),
             finding("payments", "traces", "self time", "latency", 6)]
    assert order(found)[0] == "payments"


def test_the_symptom_service_wins_when_nothing_downstream_explains_it() -> None:
    found = [finding("frontend", "metrics", "latency_p50", "latency", 30),
             finding("frontend", "traces", "self time", "latency", 20)]
    assert order(found) == ["frontend"]


def test_a_callee_logging_errors_explains_its_callers_error_symptoms() -> None:
    found = [finding("frontend", "logs", "error logs", "errors", 80),
             finding("frontend", "metrics", "error_ratio", "errors", 30),
             finding("checkout", "logs", "error logs", "errors", 12, T + 60)]
    assert order(found) == ["checkout", "frontend"]


def test_a_later_callee_anomaly_does_not_explain_an_earlier_caller() -> None:
    found = [finding("frontend", "metrics", "latency_p99", "latency", 30),
             finding("checkout", "traces", "self time", "latency", 10, T + 600)]
    assert order(found)[0] == "frontend"


def test_a_weak_hypothesis_ranks_below_the_service_that_changed() -> None:
    found = [finding("frontend", "traces", "call pattern", "errors", 30),
             finding("checkout", "traces", "answers changed caller", "errors", 30)]
    assert order(found) == ["frontend", "checkout"]


def test_the_deepest_service_with_new_error_templates_wins_over_callers_failing_spans() -> None:
    found = [finding("frontend", "logs", "new error template", "errors", 30),
             finding("checkout", "traces", "own errors", "errors", 25),
             finding("checkout", "logs", "new error template", "errors", 20),
             finding("payments", "logs", "new error template", "errors", 9, T + 30)]
    assert order(found)[0] == "payments"


def test_new_info_templates_are_a_weak_hypothesis_below_own_evidence() -> None:
    found = [finding("checkout", "traces", "self time", "latency", 12),
             finding("payments", "logs", "new log template", "errors", 12)]
    assert order(found) == ["checkout", "payments"]


def test_a_callee_whose_self_time_rose_as_much_explains_its_callers_self_time() -> None:
    # no client spans: a slow network at checkout shows as frontend's self time and checkout's own (its calls)
    found = [finding("frontend", "traces", "self time", "latency", 20),
             finding("checkout", "traces", "self time", "latency", 20)]
    assert order(found)[0] == "checkout"


def test_a_small_callee_change_does_not_explain_its_callers_self_time() -> None:
    found = [finding("frontend", "traces", "self time", "latency", 20),
             finding("checkout", "traces", "self time", "latency", 4)]
    assert order(found)[0] == "frontend"


def test_requests_stopping_after_a_callees_answers_explain_the_callers_changed_calls() -> None:
    found = [finding("frontend", "traces", "call pattern", "errors", 40),
             finding("frontend", "traces", "its requests stop after a call", "errors", 12),
             finding("checkout", "traces", "answers changed caller", "errors", 40),
             finding("checkout", "traces", "requests stop after its answers", "errors", 12)]
    assert order(found) == ["checkout", "frontend"]
    # without the stops, the caller that changed what it calls stays first (the test above)
    assert order(found[:1] + found[2:3]) == ["frontend", "checkout"]


def test_a_suspect_named_only_by_requests_stopping_after_its_answers_carries_the_callers_alternative() -> None:
    found = [finding("frontend", "traces", "its requests stop after a call", "errors", 12),
             finding("checkout", "traces", "requests stop after its answers", "errors", 12)]
    suspects, _ = rank("frontend", GRAPH, found, 60)
    assert suspects[0].service == "checkout" and "cannot tell them apart" in suspects[0].caveat
    more = found + [finding("checkout", "traces", "own errors", "errors", 9)]  # evidence of its own besides
    suspects, _ = rank("frontend", GRAPH, more, 60)
    assert suspects[0].service == "checkout" and suspects[0].caveat == ""


def test_a_rollout_at_the_start_of_the_services_own_errors_names_the_deploy_despite_an_earlier_hypothesis() -> None:
    found = [finding("checkout", "traces", "answers changed caller", "errors", 30, T - 480),  # callers' doing
             finding("checkout", "traces", "own errors", "errors", 40, T),
             finding("checkout", "cluster", "rollout", "deploy", 0, T)]
    suspects, _ = rank("frontend", GRAPH, found, 60)
    assert (suspects[0].service, suspects[0].kind) == ("checkout", "deploy")
    late = found[:2] + [finding("checkout", "cluster", "rollout", "deploy", 0, T + 600)]  # after the errors
    suspects, _ = rank("frontend", GRAPH, late, 60)
    assert suspects[0].kind == "errors"


def test_a_rollout_long_before_the_anomaly_began_does_not_name_the_kind() -> None:
    from obskit.investigate.correlate import ROLLOUT_LEAD
    hot = [finding("checkout", "metrics", "cpu_throttling", "saturation", 30, T),
           finding("checkout", "metrics", "latency_p95", "latency", 20, T + 60)]
    recent = hot + [finding("checkout", "cluster", "rollout", "deploy", 0, T - ROLLOUT_LEAD + 60)]
    suspects, _ = rank("frontend", GRAPH, recent, 60)
    assert (suspects[0].service, suspects[0].kind) == ("checkout", "deploy")
    earlier = hot + [finding("checkout", "cluster", "rollout", "deploy", 0, T - ROLLOUT_LEAD - 600)]
    suspects, _ = rank("frontend", GRAPH, earlier, 60)
    assert (suspects[0].service, suspects[0].kind) == ("checkout", "saturation")
    assert any("rollout" in e for e in suspects[0].evidence)  # still shown with its evidence


def test_a_stop_after_normal_looking_answers_leaves_caller_and_callee_equally_suspect() -> None:
    from obskit.investigate.correlate import explain, inconclusive
    from obskit.investigate.model import Symptom
    from obskit.investigate.stops import AFTER, CALLER, NORMAL
    weak = [finding("checkout", "traces", AFTER, "errors", 6), finding("frontend", "traces", CALLER, "errors", 6)]
    suspects, _ = rank("frontend", GRAPH, weak, 60)
    assert [s.service for s in suspects] == ["checkout", "frontend"] and suspects[1].score < 0.5 * suspects[0].score
    equal = [finding("checkout", "traces", AFTER, "errors", 6), finding("frontend", "traces", NORMAL, "errors", 6)]
    suspects, _ = rank("frontend", GRAPH, equal, 60)
    assert suspects[0].score == suspects[1].score
    ranked = explain("frontend", GRAPH, suspects, [Symptom("traces", "errors", 6.0, T, "requests stop")], False)
    assert [s.service for s in ranked] == ["checkout", "frontend"]  # equal evidence: the deeper one first
    assert inconclusive(ranked)
