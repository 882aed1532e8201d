"""Correlate: one timeline and ranked suspects.

The root cause is found by walking the dependency graph downstream from the investigated service: from the
current node, go to the nearest anomalous callee whose onset is not later than the current node's (it can
explain the caller's anomaly); stop when no callee explains it. That node is suspect #1, however loud other
series are. Other anomalous nodes follow, ranked by strength, halved when an anomalous callee explains them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from obskit.investigate.graph import ServiceGraph
from obskit.investigate.model import Finding, Suspect, TimelineEntry

PRIORITY = {"crash": 0, "saturation": 1, "errors": 2, "latency": 3}


@dataclass
class Node:
    service: str
    kind: str
    onset: float
    strength: float  # 0..1
    findings: list[Finding] = field(default_factory=list)


def profile(service: str, findings: list[Finding], slack: float) -> Node | None:
    """What is wrong with one service: its kind, onset and strength; None when nothing is anomalous."""
    anomalies = [f for f in findings if f.kind != "deploy" and f.onset is not None]
    if not anomalies:
        return None
    onset = min(f.onset for f in anomalies)  # type: ignore[type-var]
    early = [f for f in anomalies if f.onset <= onset + slack]  # type: ignore[operator]
    kinds = {f.kind for f in anomalies}
    rollouts = [f for f in findings if f.kind == "deploy" and f.onset is not None and f.onset <= onset + slack
                and f.onset >= onset - 3600]
    if rollouts:
        kind = "deploy"
    elif "crash" in kinds:
        kind = "crash"
    elif any(f.kind == "saturation" for f in early):
        kind = "saturation"
    else:
        kind = min(early, key=lambda f: (f.onset, PRIORITY[f.kind], -f.score)).kind
    top = max(f.score for f in anomalies)
    strength = min(1.0, top / 20.0) * 0.8 + min(0.2, 0.05 * len({(f.source, f.signal) for f in anomalies}))
    ordered = sorted(findings, key=lambda f: (-f.score, f.source, f.signal))
    return Node(service, kind, onset, round(strength, 4), ordered)


def rank(target: str, graph: ServiceGraph, findings: list[Finding], step: float) -> tuple[list[Suspect], list[str]]:
    """Suspects ordered best first, and the walked path from the target to the root cause."""
    slack = 2 * step
    by_service: dict[str, list[Finding]] = {}
    for f in findings:
        by_service.setdefault(f.service, []).append(f)
    nodes = {s: n for s, fs in by_service.items() if (n := profile(s, fs, slack)) is not None}
    if not nodes:
        return [], []
    walk = [target]
    current = target
    while True:
        limit = nodes[current].onset + slack if current in nodes else float("inf")
        frontier = [n for n in _nearest_anomalous(current, graph, nodes) if nodes[n].onset <= limit and n not in walk]
        if not frontier:
            break
        current = min(frontier, key=lambda n: (nodes[n].onset, -nodes[n].strength, n))
        walk.append(current)
    root = current if current in nodes else None
    if root is None:  # the graph says nothing: the earliest strong anomaly wins
        root = min(nodes.values(), key=lambda n: (n.onset, -n.strength, n.service)).service
    suspects = [_suspect(nodes[root], 0.5 + 0.5 * nodes[root].strength)]
    for name, node in nodes.items():
        if name == root:
            continue
        explained = any(c in nodes and nodes[c].onset <= node.onset + slack for c in graph.callees.get(name, ()))
        suspects.append(_suspect(node, 0.5 * node.strength * (0.5 if explained else 1.0)))
    suspects[1:] = sorted(suspects[1:], key=lambda s: (-s.score, s.onset or 0.0, s.service))
    return suspects, [w for w in walk if w in nodes]


def _nearest_anomalous(start: str, graph: ServiceGraph, nodes: dict[str, Node]) -> list[str]:
    """Anomalous services reachable from `start` through non-anomalous ones (the first on each branch)."""
    found: list[str] = []
    seen = {start}
    queue = deque(sorted(graph.callees.get(start, ())))
    while queue:
        svc = queue.popleft()
        if svc in seen:
            continue
        seen.add(svc)
        if svc in nodes:
            found.append(svc)
        else:
            queue.extend(sorted(graph.callees.get(svc, ())))
    return found


def _suspect(node: Node, score: float) -> Suspect:
    # the finding that names the kind comes first (a rollout has no score of its own), then by strength
    ordered = sorted(node.findings, key=lambda f: f.kind != node.kind)
    evidence = [f"{f.source} {f.signal}: {f.summary}" for f in ordered[:6]]
    return Suspect(node.service, node.kind, round(score, 3), node.onset, evidence)


def timeline(findings: list[Finding], events: list[TimelineEntry]) -> list[TimelineEntry]:
    entries = list(events)
    for f in findings:
        if f.onset is not None and f.kind != "deploy":
            entries.append(TimelineEntry(f.onset, f.service, f.source, f"{f.signal} anomaly starts: {f.summary}"))
    return sorted(entries, key=lambda e: (e.ts, e.service, e.source, e.text))
