"""Simulated shop traffic: every request walks the call graph, gets its latency and outcome from the
scenario and the cluster state, records RED histograms, log records and (tail-sampled) traces."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from opentelemetry._logs import SeverityNumber
from opentelemetry.trace import (
    NonRecordingSpan,
    Span,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    set_span_in_context,
)

from obskit.local.demo.aggregates import PERIOD, Aggregates
from obskit.local.demo.cluster_sim import ClusterSim
from obskit.local.demo.scenarios import DURATION, Scenario, intensity
from obskit.local.demo.telemetry import COLLECT_EVERY, ServiceTelemetry, Telemetry
from obskit.local.demo.topology import (
    DATABASE,
    DB_QUERY_TIME,
    ENTRY_MIX,
    FRONTEND_RATE,
    NAMESPACE,
    ROUTES,
    SERVICES,
    TRACE_KEEP_RATIO,
    VERSIONS,
    Call,
)
from obskit.local.store import Store

SEVERITY = {"info": SeverityNumber.INFO, "warn": SeverityNumber.WARN, "error": SeverityNumber.ERROR}
PEER_ATTRIBUTES = ("server.address", "server.port", "peer.service", "url.full")
REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass
class Node:
    """One span-to-be: a server handling a route, or a client call (HTTP or database)."""

    service: str
    version: str
    name: str
    kind: str  # server | client | db
    start: float
    duration: float = 0.0
    status: int = 200
    message: str = ""
    attributes: dict[str, object] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    logs: list[tuple[float, str, str]] = field(default_factory=list)  # (time, level, message)


class Workload:
    def __init__(self, scenario: Scenario, store: Store, start: float, seed: int, rate: float = FRONTEND_RATE) -> None:
        self.s = scenario
        self.rate = rate
        self.store = store
        self.start = start
        self.rng = random.Random(seed)
        self.cluster = ClusterSim(scenario, start, random.Random(seed + 1))
        self.telemetry = Telemetry(NAMESPACE, random.Random(seed + 2))
        self.spans_only = scenario.shape == "spans-only"
        # metrics-only: summaries per period and servicegraph edges instead of spans, logs and histograms
        self.aggregates = Aggregates(VERSIONS, NAMESPACE) if scenario.shape == "metrics-only" else None
        for service in (*SERVICES, DATABASE) if not self.spans_only else ():
            self.telemetry.add_pod_gauges(service, self.cluster.observe)
        self.requests = 0
        self.spans_kept = 0

    def lognormal(self, median: float, sigma: float = 0.35) -> float:
        return median * math.exp(self.rng.gauss(0.0, sigma))

    # --- simulation ----------------------------------------------------------------------------------
    def serve(self, service: str, route: str, t: float) -> Node | None:
        """The server side of a request at t, or None when no pod could take it."""
        r = ROUTES[(service, route)]
        pod, down = self.cluster.route(service, t)
        if down:
            return None
        version = self.cluster.version(service, t)
        node = Node(service, version, f"{r.method} {route}", "server", t, attributes={
            "http.request.method": r.method, "http.route": route, "url.scheme": "http", "url.path": route.replace(
                "{id}", str(self.rng.randint(1000, 9999))), "server.address": service, "k8s.pod.name": pod.name})
        level = intensity(self.s, t)
        factor = 1.0 + 8.0 * max(0.0, pod.throttling - 0.05) + 5.0 * max(0.0, pod.memory - 0.8) / 0.2
        if service == self.s.root_service and self.s.root_kind == "latency" and service != DATABASE:
            factor *= 1.0 + (self.s.latency_factor - 1.0) * level
        own = self.lognormal(r.self_time * factor)
        cursor = t + own / 2
        for call in r.calls:
            child = self.call(node, call, cursor)
            node.children.append(child)
            cursor += child.duration
            if child.status >= 500:
                timed_out = child.status == 504 and call.database
                node.status = 500 if call.database else (504 if child.status == 504 else 502)
                node.message = (f"{call.service}: query timeout after {call.timeout * 1000:.0f} ms" if timed_out
                                else f"{call.service} {call.method} {call.route} failed: HTTP {child.status} "
                                     f"{REASONS.get(child.status, '')}".rstrip())
                node.logs.append((cursor, "error", node.message))
                break
        if node.status < 500:
            fails = 0.0005
            if service == self.s.root_service and self.s.error_rate:
                if self.s.new_version is None or version == self.s.new_version:
                    fails += self.s.error_rate * (1.0 if self.s.new_version else level)
            if self.rng.random() < fails:
                node.status = self.s.error_status if fails > 0.001 else 500
                node.message = self.s.error_message if fails > 0.001 else "unexpected EOF reading request body"
                node.logs.append((cursor, "error", node.message))
        node.duration = (cursor - t) + own / 2
        self.annotate(node, pod.memory)
        return node

    def call(self, caller: Node, call: Call, t: float) -> Node:
        """A client call from caller: database query or HTTP request to another service."""
        if call.database:
            factor = 1.0 + (self.s.latency_factor - 1.0) * intensity(self.s, t) if self.s.root_service == DATABASE \
                else 1.0
            node = Node(caller.service, caller.version, f"{call.route}", "db", t, attributes={
                "db.system.name": "postgresql", "db.operation.name": call.route.split()[0],
                "db.collection.name": call.route.split()[-1], "db.namespace": "shop",
                "server.address": DATABASE, "server.port": 5432, "peer.service": DATABASE})
            node.duration = self.lognormal(DB_QUERY_TIME * factor, 0.5)
            if node.duration > call.timeout:
                node.duration, node.status, node.message = call.timeout, 504, "canceling statement due to timeout"
            elif node.duration > 0.5:
                caller.logs.append((t + node.duration, "warn",
                                    f"slow query: {call.route} took {node.duration * 1000:.0f} ms"))
            return node
        latency = self.lognormal(0.0008, 0.3)
        if call.service == self.s.root_service:
            latency += self.s.link_delay * intensity(self.s, t)
        node = Node(caller.service, caller.version, f"{call.method} {call.route}", "client", t, attributes={
            "http.request.method": call.method, "server.address": call.service, "server.port": 8080,
            "url.full": f"http://{call.service}:8080{call.route}", "peer.service": call.service})
        server = self.serve(call.service, call.route, t + latency / 2)
        if server is None:
            node.duration, node.status = latency + 0.002, 503
            node.message = "upstream connect error or disconnect/reset before headers. reset reason: connection failure"
        else:
            node.children.append(server)
            node.duration, node.status = server.duration + latency, server.status
            if node.duration > call.timeout:
                node.duration, node.status, node.message = call.timeout, 504, "context deadline exceeded"
        node.attributes["http.response.status_code"] = node.status
        return node

    def annotate(self, node: Node, memory: float) -> None:
        node.attributes["http.response.status_code"] = node.status
        if node.status < 500:
            if node.service == "checkout" and node.name == "POST /checkout":
                node.logs.append((node.start + node.duration, "info",
                                  f"order placed: {self.rng.randint(2, 6)} items, shipping quote accepted"))
            elif node.service == "payments" and self.rng.random() < 0.01:
                node.logs.append((node.start + node.duration, "warn", "card declined: insufficient funds"))
        if node.service == "cart" and memory > 0.85 and self.rng.random() < 0.05:
            node.logs.append((node.start, "warn", f"heap usage {memory * 100:.0f}% of limit, GC running"))

    # --- telemetry -----------------------------------------------------------------------------------
    def record(self, node: Node, keep: bool, parent_ctx: object = None) -> None:
        st = self.telemetry.service(node.service, node.version)
        span = None
        if keep:
            kind = SpanKind.SERVER if node.kind == "server" else SpanKind.CLIENT
            attributes = node.attributes
            if self.spans_only:  # converted traces: only the root has a kind, nothing names the peer
                kind = SpanKind.SERVER if parent_ctx is None else SpanKind.INTERNAL
                attributes = {k: v for k, v in node.attributes.items() if k not in PEER_ATTRIBUTES}
            span = st.tracer.start_span(node.name, context=parent_ctx, kind=kind, attributes=attributes,
                                        start_time=self.ns(node.start))
            if node.status >= 500:
                span.set_status(Status(StatusCode.ERROR, node.message or REASONS.get(node.status, "")))
            self.spans_kept += 1
        if self.spans_only:
            pass  # no RED histograms and no logs: spans are all there is
        elif node.kind == "server":
            attrs = {"http.request.method": node.attributes["http.request.method"],
                     "http.route": node.attributes["http.route"], "http.response.status_code": node.status}
            if node.status >= 500:
                attrs["error.type"] = str(node.status)
            st.instruments["http.server.request.duration"].record(node.duration, attrs)  # type: ignore[attr-defined]
        elif node.kind == "db":
            attrs = {"db.system.name": "postgresql", "db.operation.name": node.attributes["db.operation.name"],
                     "server.address": DATABASE}
            if node.status >= 500:
                attrs["error.type"] = "timeout"
            st.instruments["db.client.operation.duration"].record(node.duration, attrs)  # type: ignore[attr-defined]
        if node.logs and not self.spans_only:
            self.log(st, node, span)
        for child in node.children:
            self.record(child, keep, set_span_in_context(span) if span is not None else parent_ctx)
        if span is not None:
            span.end(end_time=self.ns(node.start + node.duration))

    def aggregate(self, node: Node) -> None:
        """Metrics-only: the request into node.service and every call it made, for the period's summaries
        and servicegraph edges."""
        assert self.aggregates is not None
        self.aggregates.request(node.service, node.status, node.duration)
        for child in node.children:
            callee = str(child.attributes.get("peer.service", ""))
            self.aggregates.call(node.service, callee, child.duration, child.status >= 500, child.kind == "db")
            for server in child.children:
                self.aggregate(server)

    def log(self, st: ServiceTelemetry, node: Node, span: Span | None) -> None:
        """Log records in the span's context (a dropped trace still has ids, as with tail sampling)."""
        ctx = set_span_in_context(span) if span is not None else set_span_in_context(NonRecordingSpan(SpanContext(
            self.rng.getrandbits(128) or 1, self.rng.getrandbits(64) or 1, False, TraceFlags(0))))
        for ts, level, message in node.logs:
            st.logger.emit(timestamp=self.ns(ts), context=ctx, severity_number=SEVERITY[level],
                           severity_text=level.upper(), body=message,
                           attributes={"code.function.name": node.name})

    def ns(self, t: float) -> int:
        return int((self.start + t) * 1e9)

    def run(self, progress: Callable[[float], None] | None = None) -> None:
        batches = []
        for sec in range(int(DURATION)):
            t = float(sec)
            self.cluster.tick(t)
            lam = self.rate * (1 + 0.05 * math.sin(2 * math.pi * t / 1800))
            for _ in range(max(0, round(self.rng.gauss(lam, math.sqrt(lam))))):
                self.requests += 1
                route = self.rng.choices([r for r, _ in ENTRY_MIX], [w for _, w in ENTRY_MIX])[0]
                node = self.serve("frontend", route, t + self.rng.random())
                if node is None:
                    continue
                keep = node.status >= 500 or node.duration > 1.0 or self.rng.random() < TRACE_KEEP_RATIO
                if self.aggregates is not None:
                    self.aggregate(node)
                else:
                    self.record(node, keep)
            if (sec + 1) % COLLECT_EVERY == 0:
                batches.extend(self.telemetry.collect_metrics(self.ns(t + 1)))
            if self.aggregates is not None and (sec + 1) % PERIOD == 0:
                batches.extend(self.aggregates.flush(self.ns(t + 1 - PERIOD), self.ns(t + 1)))
            if (sec + 1) % 60 == 0:
                self.store.ingest_batches(batches + self.telemetry.drain(self.spans_only))
                batches = []
                if progress:
                    progress((sec + 1) / DURATION)
        self.store.ingest_batches(batches + self.telemetry.drain(self.spans_only))
        self.telemetry.shutdown()
