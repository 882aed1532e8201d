"""Traces stage: findings from blame attribution over all spans (obskit/investigate/blame.py); the slowest and
erroring paths of a sample of the window's traces for the report."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from obskit.investigate import blame, stops, symptom
from obskit.investigate.model import Finding, Symptom, TracePath
from obskit.sources.logs import LogsSource
from obskit.sources.traces import EntryRequest, Span, Trace, TracesSource
from obskit.sources.window import Window

LIMIT = 50  # example traces fetched for the paths
LOG_SLACK = 1.0  # seconds: a line logged this much outside its request's span still belongs to it (clock skew)
LOG_TAIL = 60.0  # seconds after the window in which lines of its last requests are still looked for


@dataclass
class TraceResult:
    findings: list[Finding]
    paths: list[TracePath]
    requests: tuple[int, int]  # entry spans of the investigated service in (window, baseline)
    symptoms: list[Symptom] = field(default_factory=list)  # the investigated service's own deviations
    tested: int = 0  # its operations with enough requests in both periods to test
    downstream: symptom.Downstream | None = None  # the tests of the requests into downstream services, and leads


def analyze(source: TracesSource, service: str, window: Window, baseline: Window,
            logs: LogsSource | None = None) -> TraceResult:
    """Blame attribution over all spans of the window and baseline; a few example paths for the report. With a
    logs source that can find the error lines logged in given traces, those lines count as failures inside
    the service that logged them (the symptom tests' requests)."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="obskit-spans") as pool:
        entries = pool.submit(source.entry_requests, service, baseline)
        later = pool.submit(source.span_groups, baseline, service)
        points = pool.submit(source.call_points, baseline, service)
        entries_now = source.entry_requests(service, window)
        # the symptom tests (Python) run while the store answers the other queries
        assessed = pool.submit(lambda: symptom.assess(
            *logged_failures(logs, service, entries_now, entries.result(), Window(baseline.start, window.end,
                                                                                   window.step))))
        now = source.span_groups(window, service)
        points_now = source.call_points(window, service)
        current = source.find_traces(service, window, limit=LIMIT)
        errored = source.find_traces(service, window, errors_only=True, limit=3)
        before = later.result()
        points_before = points.result()
        symptoms, tested, downstream = assessed.result()
    findings = blame.analyze(now, before, service, window, baseline)
    stopped, stop_symptoms = stops.analyze(points_now, points_before, service, blame.answers_changed(now, before))
    findings += stopped
    requests = (sum(g.count for g in now if g.part == "entry" and g.service == service),
                sum(g.count for g in before if g.part == "entry" and g.service == service))
    paths = [_slowest_path(t, source) for t in sorted(current, key=_duration, reverse=True)[:3]]
    paths += [_error_path(t, source) for t in errored[:3]]
    return TraceResult(findings, paths, requests, sorted(symptoms + stop_symptoms, key=lambda s: -s.z), tested,
                       downstream)


def logged_failures(logs: LogsSource | None, service: str, now: list[EntryRequest], before: list[EntryRequest],
                    span: Window) -> tuple[list[EntryRequest], list[EntryRequest]]:
    """The requests with every other service that logged an error line in their trace while they ran counted
    among the services they failed in (as a failing span there is): a service that answers normally but
    logs an error on the way. Unchanged when the logs source cannot find lines by trace."""
    find = getattr(logs, "error_lines", None)
    if find is None:
        return now, before
    ids = [r.trace_id for r in (*now, *before) if r.trace_id]
    if not ids:
        return now, before
    try:
        lines = find(ids, Window(span.start, span.end + LOG_TAIL, span.step))
    except Exception:  # the logs stage reports a failing source; the span tests go on without its lines
        return now, before

    def joined(r: EntryRequest) -> EntryRequest:
        during = {svc for svc, ts in lines.get(r.trace_id, ()) if svc != service
                  and r.start - LOG_SLACK <= ts <= r.start + r.seconds + LOG_SLACK}
        if not during - r.failed_in:
            return r
        logged = during & {symptom.service_of(event) for event in r.reached}
        return replace(r, failed_in=r.failed_in | logged) if logged - r.failed_in else r

    return [joined(r) for r in now], [joined(r) for r in before]


def _children(trace: Trace) -> dict[str | None, list[Span]]:
    ids = {s.span_id for s in trace.spans}
    kids: dict[str | None, list[Span]] = defaultdict(list)
    for s in trace.spans:
        kids[s.parent_span_id if s.parent_span_id in ids else None].append(s)
    return kids


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
