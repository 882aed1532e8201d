"""The service dependency graph, from trace edges: callers and callees several levels deep."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from obskit.sources.traces import Edge


@dataclass
class ServiceGraph:
    callees: dict[str, set[str]] = field(default_factory=dict)
    callers: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_edges(cls, edges: list[Edge]) -> ServiceGraph:
        graph = cls()
        for edge in edges:
            if edge.caller == edge.callee:
                continue
            graph.callees.setdefault(edge.caller, set()).add(edge.callee)
            graph.callers.setdefault(edge.callee, set()).add(edge.caller)
        return graph

    def downstream(self, service: str, depth: int = 5) -> list[str]:
        """The service and everything it calls, breadth first, up to `depth` hops, in a stable order."""
        return _walk(service, self.callees, depth)

    def upstream(self, service: str, depth: int = 2) -> list[str]:
        return _walk(service, self.callers, depth)[1:]

    def edges_among(self, services: list[str]) -> list[tuple[str, str]]:
        keep = set(services)
        return sorted((a, b) for a, bs in self.callees.items() if a in keep for b in bs if b in keep)


def _walk(start: str, links: dict[str, set[str]], depth: int) -> list[str]:
    seen = [start]
    queue = deque([(start, 0)])
    while queue:
        node, level = queue.popleft()
        if level >= depth:
            continue
        for nxt in sorted(links.get(node, ())):
            if nxt not in seen:
                seen.append(nxt)
                queue.append((nxt, level + 1))
    return seen
