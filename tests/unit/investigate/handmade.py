"""Small hand-written traces in the real-world shape: services linked only by parent/child spans whose kind is
unspecified (the root is SERVER), no peer attributes, no RED metrics. One caller span per call, as converted
SkyWalking/Zipkin data has: frontend root -> frontend call span -> callee span (-> callee's own call span ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from obskit.sources.traces import Span, Trace

T0 = 1_700_000_000.0
BASELINE_START, WINDOW_START, WINDOW_END = T0, T0 + 600, T0 + 780  # 10 quiet minutes, a 3-minute incident


@dataclass
class Shape:
    """What one request does; every field is a knob a test turns for the incident."""

    frontend_self: float = 0.004  # seconds of the frontend's own work
    calls: dict[str, int] = field(default_factory=lambda: {"catalog": 3, "currency": 2})  # calls per request
    link: dict[str, float] = field(default_factory=lambda: {"catalog": 0.002, "currency": 0.002})  # wire time
    callee_self: dict[str, float] = field(default_factory=lambda: {"catalog": 0.003, "currency": 0.001})
    failing: str | None = None  # a callee whose spans end with status ERROR (and so its caller's)
    direct: bool = False  # no caller span around a call: callee spans hang under the root, the root's own work
    # split 30 % before the first call and 70 % after the last (the wire time lies in the root's self time)


def request(n: int, start: float, shape: Shape, jitter: float) -> Trace:
    tid = f"{n:032x}"
    spans: list[Span] = []
    root = Span(tid, f"{n:08x}{0:08x}", None, "frontend", "GET /", "server", start, 0.0)
    spans.append(root)
    t = start + shape.frontend_self * jitter * (0.3 if shape.direct else 1.0)
    for callee, count in sorted(shape.calls.items()):
        for _ in range(count):
            own = shape.callee_self[callee] * jitter
            wire = shape.link[callee] * jitter
            if shape.direct:
                spans.append(Span(tid, f"{n:08x}{len(spans):08x}", root.span_id, callee, f"{callee}.Get",
                                  "unspecified", t + wire / 2, own, error=shape.failing == callee))
                t += own + wire
                continue
            call = Span(tid, f"{n:08x}{len(spans):08x}", root.span_id, "frontend", f"{callee}.Get", "unspecified", t,
                        own + wire, error=shape.failing == callee)
            spans.append(call)
            spans.append(Span(tid, f"{n:08x}{len(spans):08x}", call.span_id, callee, f"{callee}.Get", "unspecified",
                              t + wire / 2, own, error=shape.failing == callee))
            t += own + wire
    root.duration = t - start + (shape.frontend_self * jitter * 0.7 if shape.direct else 0.0)
    root.error = any(s.error for s in spans)
    return Trace(tid, spans)


def incident(shape: Shape, quiet: Shape | None = None, per_second: float = 2.0) -> list[Trace]:
    """`quiet` requests (default Shape()) before WINDOW_START, `shape` from then on; deterministic jitter."""
    quiet = quiet or Shape()
    traces = []
    n = 0
    t = BASELINE_START
    while t < WINDOW_END:
        jitter = 0.9 + 0.2 * ((n * 7919) % 101) / 100
        traces.append(request(n, t, shape if t >= WINDOW_START else quiet, jitter))
        n += 1
        t += 1 / per_second
    return traces
