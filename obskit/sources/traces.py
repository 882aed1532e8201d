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
    """One caller -> callee dependency with its calls (and failed calls) over a window; `origin` says where it
    came from: "traces" (parent/child spans), a graph profile of metrics ("servicegraph", "istio", "linkerd",
    or one from obskit.yaml) or "file" (a user's graph file, where calls is 0: unknown)."""

    caller: str
    callee: str
    calls: int
    errors: int = 0
    origin: str = "traces"
    latency: float | None = None  # mean seconds per call, when the source knows it


@dataclass
class SpanGroup:
    """Spans of one kind of work in one period, aggregated over ALL spans (not a sample where possible).

    part "self": time spent inside `service` itself (span minus its children), own errors (an erroring span
    none of whose children erred); part "link": a caller's span minus its callee's child span (the network,
    queue or connection at the callee), blamed on the callee `service`, the calling service in `caller`;
    part "entry": requests into `service` (no parent, or the parent in another service: `caller`); parts
    "gap" and "rest": segments of a self time whose span directly parents other services' spans (the gap
    after a span of callee `service` in caller `caller`, and the rest; obskit/sources/span_groups.py).
    """

    part: str  # self | link | entry | gap | rest
    service: str
    operation: str
    caller: str  # "" for self parts and root entries
    count: int
    errors: int
    total: float  # seconds
    p50: float  # seconds
    p90: float
    p99: float
    buckets: list[tuple[float, int, int, float]] = field(default_factory=list)  # (step start, count, errors, p50)
    p25: float = 0.0  # quartiles: the robust spread (IQR) of the durations
    p75: float = 0.0


@dataclass
class EntryRequest:
    """One request into a service: its operation, the calling service ("" for a root) and outcome."""

    operation: str
    caller: str
    start: float  # epoch seconds
    seconds: float
    failed: bool
    route: str = ""  # "service operation" of the first call it made into another service ("" when none)
    reached: frozenset[str] = frozenset()  # "service operation" of every span in other services it led to
    failed_in: frozenset[str] = frozenset()  # the other services in which one of those spans failed
    trace_id: str = ""  # the trace it belongs to (error lines logged in it can be joined to it)


@dataclass(frozen=True)
class CallPoint:
    """A point of a service's requests' paths: how many requests of one operation, starting in one bucket of
    the window, got as far as having made the calls `calls` into other services (in the order they began,
    each distinct "service operation" once), and how many of them stopped there (made no further call)."""

    service: str
    operation: str
    calls: tuple[str, ...]
    start: float  # the bucket's start, epoch seconds
    reached: int
    stopped: int


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
        """Service-to-service call edges seen in the window: every parent/child span pair whose services
        differ (whatever the span kinds), plus client/producer spans' peer attributes."""
        ...

    def service_names(self, window: Window) -> list[str]:
        """Every service the backend has spans of (in the window where it can tell)."""
        ...

    def span_groups(self, window: Window, around: str | None = None) -> list[SpanGroup]:
        """Self time, link time and entries per (service, operation) over the window, bucketed by its step:
        over all spans where the backend can aggregate, else over traces through `around` (every service's
        when None) sampled evenly across the window."""
        ...

    def entry_requests(self, service: str, window: Window, limit: int = 2500) -> list[EntryRequest]:
        """The service's entry spans in the window (no parent, or a parent in another service), at most about
        `limit`, spread evenly over the window when there are more: the per-request durations that the
        symptom tests compare, each with its route (the first call it made into another service: what a
        gateway's generic operation name does not say)."""
        ...

    def call_points(self, window: Window, around: str | None = None) -> list[CallPoint]:
        """The points of every service's requests' paths in the window, per bucket of its step: over all
        spans (or an even sample of whole traces) where the backend can aggregate, else over traces through
        `around` sampled evenly across the window."""
        ...

    def span_operations(self, span_ids: list[str], window: Window) -> dict[str, str]:
        """The operation of each span id found among the window's spans (log lines carry span ids; this joins
        them to the work that logged them). Empty where the backend cannot look spans up by id."""
        ...

    def operation_counts(self, window: Window) -> dict[tuple[str, str], int]:
        """Spans per (service, operation) in the window: the requests of everything an operation emits.
        Empty where the backend cannot count them."""
        ...

    def trace_url(self, trace_id: str) -> str | None:
        """Deep link to the trace in the backend's UI, when there is one."""
        ...
