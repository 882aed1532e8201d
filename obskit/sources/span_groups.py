"""SpanGroups from whole traces in memory: the same aggregation the local store does in SQL, for backends
that can only return sampled traces (Jaeger) and for tests.

A span's self time is its duration minus its children's; when a child runs in another service, the span is
the caller's side of a call and its remainder is link time blamed on that callee (network, queueing,
connection set-up at the callee), not self time of the caller. That holds for a calling span: kind client or
producer, or a span without server/consumer kind whose parent is in its own service. A service's entry span
that directly parents another service's span keeps its remainder as self time. A client/producer span without a child
that names its peer (`peer.service`, `server.address`) is link time of that peer (an uninstrumented
database or broker). A self span under a parent of its own service that ran beside sibling calls of that service
(a handler span beside the client span it drives) was waiting while they ran: the overlap is not self time.

A self span that directly parents spans of other services (no client span around the call) also yields its
self time in segments: part "gap" per such child (from the child's end, or the latest end of the children
before it, to the next child's start or the span's end; blamed on the child's service, caller the span's
service) and part "rest" (the self time outside those gaps). A slow answer path of a callee shows in the gaps
after its spans only; work in the caller stretches all segments (obskit/investigate/post_call.py).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from obskit.sources.traces import CallPoint, Edge, EntryRequest, Span, SpanGroup, Trace
from obskit.sources.window import Window

GRPC_ERRORS = (2, 4, 13, 14, 15)  # UNKNOWN, DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE, DATA_LOSS
HTTP_STATUS_KEYS = ("http.response.status_code", "http.status_code")


def span_failed(span: Span) -> bool:
    """Status ERROR, an HTTP 5xx response or a gRPC server-side error code."""
    if span.error:
        return True
    for key in HTTP_STATUS_KEYS:
        if _int(span.attributes.get(key)) >= 500:
            return True
    return _int(span.attributes.get("rpc.grpc.status_code"), -1) in GRPC_ERRORS


def _int(value: object, default: int = 0) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (DuckDB's quantile_cont)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    pos = q * (len(ordered) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _parts(trace: Trace) -> Iterable[tuple[str, str, str, str, float, float, bool]]:
    """(part, blamed service, operation, caller, start, seconds, error) for every span of one trace."""
    by_id = {s.span_id: s for s in trace.spans}
    children: dict[str, list[Span]] = defaultdict(list)
    for s in trace.spans:
        if s.parent_span_id in by_id:
            children[s.parent_span_id].append(s)  # type: ignore[index]
    callee_of = {s.span_id: _callee(s, children.get(s.span_id, []), by_id.get(s.parent_span_id or ""))
                 for s in trace.spans}
    for s in trace.spans:
        kids = children.get(s.span_id, [])
        parent = by_id.get(s.parent_span_id or "")
        failed = span_failed(s)
        if parent is None or parent.service != s.service:
            yield "entry", s.service, s.operation, parent.service if parent else "", s.start, s.duration, failed
        own = max(0.0, s.duration - sum(k.duration for k in kids))
        own_error = failed and not any(span_failed(k) for k in kids)
        if callee_of[s.span_id]:
            yield "link", callee_of[s.span_id], s.operation, s.service, s.start, own, own_error
            continue
        if parent is not None and parent.service == s.service:
            own = max(0.0, own - _waiting_beside(s, children[parent.span_id], callee_of))
        yield "self", s.service, s.operation, "", s.start, own, own_error
        if any(k.service != s.service for k in kids):
            yield from _segments(s, kids, own)


def _callee(s: Span, kids: list[Span], parent: Span | None) -> str:
    """The service a calling span calls ("" when the span is no call into another service): the first of its
    children's other services, or the peer a client span without children names (an uninstrumented
    database). A calling span: kind client or producer, or neither server nor consumer under a parent of its
    own service."""
    callees = sorted(k.service for k in kids if k.service != s.service)
    peer = s.attributes.get("peer.service") or s.attributes.get("server.address")
    if not kids and s.kind in ("client", "producer") and peer and peer != s.service:
        callees = [str(peer)]
    calling = s.kind in ("client", "producer") or (
        s.kind not in ("server", "consumer") and parent is not None and parent.service == s.service)
    return callees[0] if callees and calling else ""


def _waiting_beside(s: Span, siblings: list[Span], callee_of: dict[str, str]) -> float:
    """How long the span ran beside sibling spans of its service that were calls into other services: the
    service was waiting then, whichever of its spans covers the time (a handler span beside the client span
    it drives is one piece of work instrumented twice). Parallel work there does not lengthen the request."""
    end = s.start + s.duration
    return sum(max(0.0, min(end, k.start + k.duration) - max(s.start, k.start)) for k in siblings
               if k.span_id != s.span_id and k.service == s.service and callee_of[k.span_id])


def _segments(s: Span, kids: list[Span], own: float) -> Iterable[tuple[str, str, str, str, float, float, bool]]:
    """The gaps after the children in other services, and the rest of the self time (see the module doc)."""
    ordered = sorted(kids, key=lambda k: (k.start, k.span_id))
    latest = -math.inf
    gaps = 0.0
    for i, k in enumerate(ordered):
        latest = max(latest, k.start + k.duration)
        after = ordered[i + 1].start if i + 1 < len(ordered) else s.start + s.duration
        if k.service != s.service:
            gap = max(0.0, after - latest)
            gaps += gap
            yield "gap", k.service, s.operation, s.service, s.start, gap, False
    yield "rest", s.service, s.operation, "", s.start, max(0.0, own - gaps), False


def span_groups(traces: Iterable[Trace], window: Window) -> list[SpanGroup]:
    """Aggregate the spans that start inside the window; stable order (part, service, operation, caller)."""
    values: dict[tuple[str, str, str, str], list[tuple[float, float, bool]]] = defaultdict(list)
    for trace in traces:
        for part, service, operation, caller, start, seconds, error in _parts(trace):
            if window.start <= start < window.end:
                values[(part, service, operation, caller)].append((start, seconds, error))
    groups = []
    for (part, service, operation, caller), rows in sorted(values.items()):
        durations = [v for _, v, _ in rows]
        per_bucket: dict[int, list[tuple[float, bool]]] = defaultdict(list)
        for start, seconds, error in rows:
            per_bucket[int((start - window.start) // window.step)].append((seconds, error))
        buckets = [(window.start + i * window.step, len(b), sum(e for _, e in b), quantile([v for v, _ in b], 0.5))
                   for i, b in sorted(per_bucket.items())]
        groups.append(SpanGroup(part, service, operation, caller, len(rows), sum(e for _, _, e in rows),
                                sum(durations), quantile(durations, 0.5), quantile(durations, 0.9),
                                quantile(durations, 0.99), buckets, quantile(durations, 0.25),
                                quantile(durations, 0.75)))
    return groups


def trace_edges(traces: Iterable[Trace]) -> list[Edge]:
    """Service edges from every parent/child span pair whose services differ (as Jaeger's dependency job
    counts them) and from client/producer spans without such a child that name their peer, with the calls
    and failed calls seen."""
    calls: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])

    def count(caller: str, callee: str, failed: bool) -> None:
        calls[(caller, callee)][0] += 1
        calls[(caller, callee)][1] += failed

    for trace in traces:
        by_id = {s.span_id: s for s in trace.spans}
        crossed = set()
        for s in trace.spans:
            parent = by_id.get(s.parent_span_id or "")
            if parent is not None and parent.service != s.service:
                count(parent.service, s.service, span_failed(s))
                crossed.add(parent.span_id)
        for s in trace.spans:
            peer = s.attributes.get("peer.service") or s.attributes.get("server.address")
            if s.kind in ("client", "producer") and s.span_id not in crossed and peer and peer != s.service:
                count(s.service, peer, span_failed(s))
    return [Edge(a, b, n, e) for (a, b), (n, e) in sorted(calls.items())]


def entry_requests(traces: Iterable[Trace], service: str, window: Window) -> list[EntryRequest]:
    """The service's entry spans that start in the window, from whole traces (each span once)."""
    out: dict[str, EntryRequest] = {}
    for trace in traces:
        by_id = {s.span_id: s for s in trace.spans}
        calls = sorted(_calls_out(trace, by_id).get(service, []), key=lambda s: (s.start, s.span_id))
        for s in trace.spans:
            parent = by_id.get(s.parent_span_id or "")
            if s.service == service and (parent is None or parent.service != service) and (
                    window.start <= s.start < window.end):
                route = next((f"{c.service} {c.operation}" for c in calls if c.start >= s.start), "")
                during = [o for o in trace.spans if o.service != service and s.start <= o.start <= s.start + s.duration]
                reached = frozenset(f"{o.service} {o.operation}" for o in during)
                failed_in = frozenset(o.service for o in during if span_failed(o))
                out[s.span_id] = EntryRequest(s.operation, parent.service if parent else "", s.start, s.duration,
                                              span_failed(s), route, reached, failed_in, trace.trace_id)
    return sorted(out.values(), key=lambda r: (r.start, r.operation))


def _calls_out(trace: Trace, by_id: dict[str, Span]) -> dict[str, list[Span]]:
    """Per caller service, the spans it started in other services (their parent is one of its spans)."""
    calls: dict[str, list[Span]] = defaultdict(list)
    for s in trace.spans:
        parent = by_id.get(s.parent_span_id or "")
        if parent is not None and parent.service != s.service:
            calls[parent.service].append(s)
    return calls


def call_points(traces: Iterable[Trace], window: Window) -> list[CallPoint]:
    """The points of every service's requests' paths (see TracesSource.call_points), from whole traces: each
    entry span that starts in the window, with the calls it made into other services during it."""
    requests: dict[str, tuple[str, str, float, tuple[str, ...]]] = {}
    for trace in traces:
        by_id = {s.span_id: s for s in trace.spans}
        calls = _calls_out(trace, by_id)
        for s in trace.spans:
            parent = by_id.get(s.parent_span_id or "")
            if (parent is None or parent.service != s.service) and window.start <= s.start < window.end:
                made = sorted((c for c in calls.get(s.service, []) if s.start <= c.start <= s.start + s.duration),
                              key=lambda c: (c.start, c.service, c.operation))
                requests[s.span_id] = (s.service, s.operation, s.start,
                                       tuple(dict.fromkeys(f"{c.service} {c.operation}" for c in made)))
    return aggregate_points(requests.values(), window)


def aggregate_points(requests: Iterable[tuple[str, str, float, tuple[str, ...]]], window: Window) -> list[CallPoint]:
    """Requests (service, operation, start, calls made in order) counted per point of their path and bucket."""
    tally: dict[tuple[str, str, tuple[str, ...], int], list[int]] = defaultdict(lambda: [0, 0])
    for service, operation, start, made in requests:
        bucket = int((start - window.start) // window.step)
        for i in range(len(made) + 1):
            t = tally[(service, operation, made[:i], bucket)]
            t[0] += 1
            t[1] += i == len(made)
    return [CallPoint(service, operation, calls, window.start + bucket * window.step, n, stopped)
            for (service, operation, calls, bucket), (n, stopped) in sorted(tally.items())]
