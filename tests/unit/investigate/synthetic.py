"""An in-memory, seeded incident that implements every source protocol (test double for the pipeline).

frontend -> checkout -> payments -> database, checkout -> cart. One service misbehaves from ONSET; its
callers see the effect in the same minute, and the frontend's latency series is the loudest of all.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from obskit.sources import Sources
from obskit.sources.cluster import ClusterEvent, PodStatus, Rollout
from obskit.sources.errors import SourceError
from obskit.sources.logs import LogCount, LogRecord, sample_in_slices
from obskit.sources.metrics import Series, per_service
from obskit.sources.span_groups import call_points, entry_requests, span_groups
from obskit.sources.traces import CallPoint, Edge, EntryRequest, Span, SpanGroup, Trace
from obskit.sources.window import Window

T0 = 1_700_000_000.0  # baseline starts here
STEP = 60.0
WINDOW = Window(T0 + 3600, T0 + 7200, STEP)
BASELINE = Window(T0, T0 + 3600, STEP)
ONSET = T0 + 3600 + 1800
CALLS = {"frontend": ["checkout"], "checkout": ["payments", "cart"], "payments": ["database"]}
KNOWN = set(CALLS) | {c for cs in CALLS.values() for c in cs}


@dataclass
class Incident:
    root: str = "database"
    kind: str = "latency"  # latency | errors | saturation | crash | deploy | none
    seed: int = 1
    fail: set[str] = field(default_factory=set)  # signals whose source raises SourceError
    slow: set[str] = field(default_factory=set)  # signals whose source stalls once for `stall` seconds
    stall: float = 2.0
    data_start: float = 0.0  # nothing was recorded before this time (a store that started mid-baseline)

    def affected(self, service: str) -> bool:
        return self.kind != "none" and (service == self.root or self.root in downstream(service))


def downstream(service: str) -> set[str]:
    out: set[str] = set()
    for callee in CALLS.get(service, []):
        out |= {callee} | downstream(callee)
    return out


class _Base:
    name = "synthetic"

    def __init__(self, incident: Incident, signal: str) -> None:
        self.incident = incident
        self.signal = signal
        self.stalled = False

    def _gate(self) -> None:
        if self.signal in self.incident.fail:
            raise SourceError(self.signal, "connection refused")
        if self.signal in self.incident.slow and not self.stalled:
            self.stalled = True
            time.sleep(self.incident.stall)


class Metrics(_Base):
    def red_many(self, services: list[str], window: Window) -> dict[str, list[Series]]:
        return per_service(self.red, services, window)

    def saturation_many(self, services: list[str], window: Window) -> dict[str, list[Series]]:
        return per_service(self.saturation, services, window)

    def red(self, service: str, window: Window) -> list[Series]:
        self._gate()
        if service not in KNOWN:
            return []
        rng = random.Random(f"{self.incident.seed}{service}")
        inc = self.incident
        lat, err, rate = [], [], []
        t = window.start
        while t < window.end:
            if t < inc.data_start:
                t += window.step
                continue
            bad = t >= ONSET and inc.affected(service)
            base_lat = 0.05 + 0.01 * len(downstream(service))
            extra = 0.0
            if bad and inc.kind in ("latency", "saturation"):
                extra = 0.4 if service == inc.root else 0.4 + 0.2 * len(downstream(service))  # callers louder
            lat.append((t, base_lat + rng.uniform(0, 0.004) + extra))
            e = 0.001 + rng.uniform(0, 0.002)
            if bad and inc.kind in ("errors", "crash", "deploy"):
                e += 0.3
            err.append((t, e))
            rate.append((t, 100 + rng.uniform(-5, 5)))
            t += window.step
        return [Series("latency_p95", service, lat, query=f'p95{{service="{service}"}}'),
                Series("error_ratio", service, err), Series("request_rate", service, rate)]

    def service_names(self, window: Window) -> list[str]:
        self._gate()
        return sorted(KNOWN)

    def saturation(self, service: str, window: Window) -> list[Series]:
        self._gate()
        if service not in KNOWN:
            return []
        inc = self.incident
        pts = []
        t = window.start
        while t < window.end:
            hot = inc.kind == "saturation" and service == inc.root and t >= ONSET - 120
            pts.append((t, 0.6 if hot else 0.01))
            t += window.step
        return [Series("cpu_throttling", service, pts, {"pod": f"{service}-0"})]


class Logs(_Base):
    def counts(self, service: str, window: Window, levels: tuple[str, ...] = ("error", "warn")) -> list[LogCount]:
        self._gate()
        out = []
        t = window.start
        while t < window.end:
            bad = t >= ONSET and self.incident.affected(service) and self.incident.kind in ("errors", "crash",
                                                                                            "deploy")
            if t >= self.incident.data_start:
                out.append(LogCount(t, "error", 40 if bad else 1))
            t += window.step
        return out

    def sample(self, service: str, window: Window, levels: tuple[str, ...] = ("error", "warn"),
               limit: int = 2000) -> list[LogRecord]:
        self._gate()
        recs = [LogRecord(window.start + i, service, "warn", f"cache miss for key user:{i}", trace_id=f"{i + 99:032x}")
                for i in range(20)]
        if window.end > ONSET and self.incident.affected(service) and self.incident.kind != "latency":
            recs += [LogRecord(ONSET + i, service, "error", f"upstream {self.incident.root} returned 503 after {i} ms",
                               trace_id=f"{i:032x}") for i in range(30)]
        return recs[:limit]

    def spread_sample(self, services: list[str], window: Window, levels: tuple[str, ...],
                      limit: int) -> dict[str, list[LogRecord]]:
        return {svc: sample_in_slices(self, svc, window, levels, limit) for svc in services}

    def query_text(self, service: str, levels: tuple[str, ...] = ("error", "warn")) -> str | None:
        return f'service.name:"{service}" AND log.level:(error)'


class Traces(_Base):
    def dependencies(self, window: Window) -> list[Edge]:
        self._gate()
        return [Edge(a, b, 100) for a, bs in CALLS.items() for b in bs]

    def _trace(self, n: int, start: float) -> Trace:
        inc = self.incident
        bad = start >= ONSET and inc.kind != "none"
        spans: list[Span] = []

        def visit(service: str, parent: str | None) -> float:
            sid = f"{n:08x}{len(spans):08x}"
            span = Span(f"{n:032x}", sid, parent, service, f"{service} op", "server", start, 0.0)
            spans.append(span)
            own = 0.01 + (0.4 if bad and service == inc.root and inc.kind in ("latency", "saturation") else 0.0)
            span.error = bad and inc.kind != "latency" and inc.affected(service)
            span.duration = own + sum(visit(c, sid) for c in CALLS.get(service, []))
            return span.duration

        visit("frontend", None)
        return Trace(f"{n:032x}", spans)

    def find_traces(self, service: str, window: Window, *, errors_only: bool = False,
                    min_duration: float | None = None, limit: int = 200) -> list[Trace]:
        self._gate()
        traces = [self._trace(i, window.start + i * 30) for i in range(int(window.seconds // 30))]
        if errors_only:
            traces = [t for t in traces if any(s.error for s in t.spans)]
        return traces[:limit]

    def get_trace(self, trace_id: str) -> Trace | None:
        return None

    def service_names(self, window: Window) -> list[str]:
        self._gate()
        return sorted(KNOWN)

    def span_groups(self, window: Window, around: str | None = None) -> list[SpanGroup]:
        return span_groups(self.find_traces("frontend", window, limit=10_000), window)

    def span_operations(self, span_ids: list[str], window: Window) -> dict[str, str]:
        return {}

    def operation_counts(self, window: Window) -> dict[tuple[str, str], int]:
        return {}

    def entry_requests(self, service: str, window: Window, limit: int = 2500) -> list[EntryRequest]:
        return entry_requests(self.find_traces(service, window, limit=10_000), service, window)

    def call_points(self, window: Window, around: str | None = None) -> list[CallPoint]:
        return call_points(self.find_traces("frontend", window, limit=10_000), window)

    def trace_url(self, trace_id: str) -> str | None:
        return f"http://jaeger.example/trace/{trace_id}"


class Cluster(_Base):
    def pods(self, service: str, namespace: str | None) -> list[PodStatus]:
        self._gate()
        crash = self.incident.kind == "crash" and service == self.incident.root
        return [PodStatus(f"{service}-0", "shop", service, not crash, 3 if crash else 0,
                          "OOMKilled" if crash else None, ONSET + 30 if crash else None)]

    def events(self, service: str, namespace: str | None, window: Window) -> list[ClusterEvent]:
        self._gate()
        if self.incident.kind == "crash" and service == self.incident.root:
            return [ClusterEvent(ONSET + 40, "shop", "Pod", f"{service}-0", "Warning", "BackOff", "restarting", 3,
                                 service)]
        return []

    def rollouts(self, service: str, namespace: str | None, window: Window) -> list[Rollout]:
        self._gate()
        if self.incident.kind == "deploy" and service == self.incident.root:
            return [Rollout(ONSET - 30, service, "shop", "Deployment", service, "7", f"image {service}:1.4 -> 1.5")]
        return []


def sources(incident: Incident) -> Sources:
    return Sources(Metrics(incident, "metrics"), Logs(incident, "logs"), Traces(incident, "traces"),
                   Cluster(incident, "cluster"))
