"""Edges from a graph profile's per-pair totals (shared by the Prometheus and local-store graphs)."""

from __future__ import annotations

from obskit.conventions import GraphProfile
from obskit.sources.service_graph import endpoint, profile_edges

MESH = GraphProfile(name="mesh-ms", requests_metric="mesh_calls_total", caller_labels=["src_workload", "src_app"],
                    callee_labels=["dst_workload"], latency_family="mesh_call_duration_ms",
                    latency_unit_seconds=0.001, ignore_values=["unknown"])


def test_endpoint_is_the_first_label_that_names_a_service() -> None:
    labels = {"src_workload": "unknown", "src_app": "billing", "dst_workload": ""}
    assert endpoint(labels, MESH.caller_labels, MESH.ignore_values) == "billing"
    assert endpoint(labels, MESH.callee_labels, MESH.ignore_values) == ""


def test_edges_are_sorted_with_capped_failures_and_mean_latency_in_seconds() -> None:
    totals = {("web", "orders"): {"requests": 119.6, "failed": 130.0, "latency_sum": 6000.0, "latency_count": 120.0},
              ("api", "ledger"): {"requests": 40.2},
              ("api", "idle"): {"requests": 0.4, "failed": 0.4}}
    edges = profile_edges(MESH, totals)
    assert [(e.caller, e.callee, e.calls, e.errors, e.latency, e.origin) for e in edges] == [
        ("api", "ledger", 40, 0, None, "mesh-ms"),
        ("web", "orders", 120, 120, 0.05, "mesh-ms"),
    ]
