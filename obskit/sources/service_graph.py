"""Caller -> callee edges of a graph profile (obskit/conventions/graphs/) from per-pair totals: the part the
Prometheus source (prometheus_shapes.py, increase() at the window's end) and the local store (local_graph.py,
its own point arithmetic) share once each has summed its counters."""

from __future__ import annotations

from collections.abc import Mapping

from obskit.conventions import GraphProfile
from obskit.sources.traces import Edge

Totals = Mapping[tuple[str, str], Mapping[str, float]]  # (caller, callee) -> requests, failed, latency_sum/_count


def endpoint(labels: Mapping[str, str], names: list[str], ignore: list[str]) -> str:
    """The first of the labels with a value that names a service ("" when none does)."""
    for name in names:
        value = labels.get(name, "")
        if value and value not in ignore:
            return value
    return ""


def profile_edges(profile: GraphProfile, totals: Totals) -> list[Edge]:
    """One edge per pair with calls, sorted, with its failed calls (at most its calls) and mean latency in
    seconds when the profile has a latency family; origin: the profile's name."""
    edges = []
    for (caller, callee), t in sorted(totals.items()):
        calls = round(t.get("requests", 0.0))
        if calls <= 0:
            continue
        count = t.get("latency_count", 0.0)
        latency = t.get("latency_sum", 0.0) / count * profile.latency_unit_seconds if count > 0 else None
        edges.append(Edge(caller, callee, calls, min(calls, round(t.get("failed", 0.0))), origin=profile.name,
                          latency=None if latency is None else round(latency, 9)))
    return edges
