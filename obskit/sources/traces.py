"""Traces signal: one span model inside, whatever the backend (Jaeger api_v3/legacy, local OTLP store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from obskit.sources.window import Window


@dataclass
class Span:
    trace_id: str  # lowercase hex, 32 chars
    span_id: str  # lowercase hex, 16 chars
    parent_span_id: str | None
    service: str
    operation: str
    kind: str  # server | client | internal | producer | consumer | unspecified
    start: float  # epoch seconds
    duration: float  # seconds
    error: bool = False
    status_message: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Trace:
    trace_id: str
    spans: list[Span]


@dataclass
class Edge:
    caller: str
    callee: str
    calls: int
    errors: int = 0


class TracesSource(Protocol):
    name: str  # "jaeger" or "local"

    def find_traces(
        self,
        service: str,
        window: Window,
        *,
        errors_only: bool = False,
        min_duration: float | None = None,
        limit: int = 200,
    ) -> list[Trace]:
        """Whole traces that touch the service in the window, at most `limit`."""
        ...

    def get_trace(self, trace_id: str) -> Trace | None: ...

    def dependencies(self, window: Window) -> list[Edge]:
        """Service-to-service call edges seen in the window (from client/server span pairs)."""
        ...

    def trace_url(self, trace_id: str) -> str | None:
        """Deep link to the trace in the backend's UI, when there is one."""
        ...
