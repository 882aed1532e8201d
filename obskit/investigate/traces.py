"""Traces stage: error and slow traces vs baseline, attributed to (service, operation) by self time and by
the deepest erroring span; the slowest and erroring paths for the report."""

from __future__ import annotations

from collections import Counter, defaultdict

from obskit.investigate.model import Finding, TracePath
from obskit.investigate.robust import median, onset, poisson_z, robust_scale
from obskit.sources.traces import Span, Trace, TracesSource
from obskit.sources.window import Window

THRESHOLD = 4.0
MIN_DELTA = 0.010  # seconds of extra self time below which a slowdown is noise
LIMIT = 200  # traces fetched per query


def analyze(source: TracesSource, service: str, window: Window, baseline: Window) -> tuple[
    list[Finding], list[TracePath]
]:
    current = source.find_traces(service, window, limit=LIMIT)
    errored = source.find_traces(service, window, errors_only=True, limit=LIMIT)
    before = source.find_traces(service, baseline, limit=LIMIT)
    before_err = source.find_traces(service, baseline, errors_only=True, limit=LIMIT)
    findings = _latency(current, before, window) + _errors(errored, before_err, window, baseline)
    paths = [_slowest_path(t, source) for t in sorted(current, key=_duration, reverse=True)[:3]]
    paths += [_error_path(t, source) for t in errored[:3]]
    return findings, paths


def _children(trace: Trace) -> dict[str | None, list[Span]]:
    ids = {s.span_id for s in trace.spans}
    kids: dict[str | None, list[Span]] = defaultdict(list)
    for s in trace.spans:
        kids[s.parent_span_id if s.parent_span_id in ids else None].append(s)
    return kids


def self_times(trace: Trace) -> list[tuple[Span, float]]:
    kids = _children(trace)
    return [(s, max(0.0, s.duration - sum(c.duration for c in kids.get(s.span_id, ())))) for s in trace.spans]


def _latency(current: list[Trace], before: list[Trace], window: Window) -> list[Finding]:
    base: dict[tuple[str, str], list[float]] = defaultdict(list)
    for t in before:
        for span, own in self_times(t):
            base[(span.service, span.operation)].append(own)
    now: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for t in current:
        for span, own in self_times(t):
            now[(span.service, span.operation)].append((span.start, own))
    findings = []
    for key, points in sorted(now.items()):
        ref = base.get(key)
        if not ref or len(points) < 3:
            continue
        center, scale = robust_scale(ref, MIN_DELTA)
        scale = max(scale, 0.25 * center)
        values = [v for _, v in points]
        z = (median(values) - center) / scale
        if z < THRESHOLD or median(values) - center < MIN_DELTA:
            continue
        buckets: dict[float, list[float]] = defaultdict(list)
        for ts, v in points:
            buckets[window.start + ((ts - window.start) // window.step) * window.step].append(v)
        start = onset([(ts, (median(vs) - center) / scale) for ts, vs in sorted(buckets.items())], THRESHOLD, 1)
        svc, op = key
        findings.append(Finding(
            source="traces", service=svc, kind="latency", signal="self time", score=round(z, 2), onset=start,
            summary=f"{op}: self time {median(values) * 1000:.0f} ms vs {center * 1000:.0f} ms in the baseline",
        ))
    return findings


def _deepest_error(trace: Trace) -> Span | None:
    by_id = {s.span_id: s for s in trace.spans}

    def depth(span: Span) -> int:
        d, seen = 0, set()
        while span.parent_span_id in by_id and span.span_id not in seen:
            seen.add(span.span_id)
            span = by_id[span.parent_span_id]  # type: ignore[index]
            d += 1
        return d

    errors = [s for s in trace.spans if s.error]
    return max(errors, key=lambda s: (depth(s), -s.start)) if errors else None


def _errors(errored: list[Trace], before: list[Trace], window: Window, baseline: Window) -> list[Finding]:
    now: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], list[float]] = defaultdict(list)
    for t in errored:
        span = _deepest_error(t)
        if span is not None:
            now[(span.service, span.operation)] += 1
            first[(span.service, span.operation)].append(span.start)
    base: Counter[tuple[str, str]] = Counter()
    for t in before:
        span = _deepest_error(t)
        if span is not None:
            base[(span.service, span.operation)] += 1
    findings = []
    for key, k in sorted(now.items()):
        expected = base.get(key, 0) * window.seconds / baseline.seconds
        z = poisson_z(k, expected)
        if z < THRESHOLD or k < 5:
            continue
        starts = sorted(first[key])
        svc, op = key
        findings.append(Finding(
            source="traces", service=svc, kind="errors", signal="deepest error span", score=round(z, 2),
            onset=starts[min(1, len(starts) - 1)],  # the second sighting: one stray error is not an onset
            summary=f"{op}: deepest failing span in {k} error traces (baseline {base.get(key, 0)})",
        ))
    return findings


def _duration(trace: Trace) -> float:
    return max((s.start + s.duration for s in trace.spans), default=0.0) - min((s.start for s in trace.spans),
                                                                              default=0.0)


def _slowest_path(trace: Trace, source: TracesSource) -> TracePath:
    kids = _children(trace)
    hops: list[str] = []
    level = kids.get(None, [])
    while level:
        span = max(level, key=lambda s: s.duration)
        hops.append(f"{span.service} {span.operation} ({span.duration * 1000:.0f} ms)")
        level = kids.get(span.span_id, [])
    return TracePath(trace.trace_id, round(_duration(trace), 6), any(s.error for s in trace.spans), hops,
                     source.trace_url(trace.trace_id))


def _error_path(trace: Trace, source: TracesSource) -> TracePath:
    span = _deepest_error(trace)
    by_id = {s.span_id: s for s in trace.spans}
    hops: list[str] = []
    while span is not None and len(hops) < 50:
        hops.append(f"{span.service} {span.operation}" + (" ERROR" if span.error else ""))
        span = by_id.get(span.parent_span_id or "")
    return TracePath(trace.trace_id, round(_duration(trace), 6), True, list(reversed(hops)),
                     source.trace_url(trace.trace_id))
