"""Logs stage: per service of the investigated subgraph, error-log volume vs the baseline (server-side
counts), log template evidence (obskit/investigate/log_templates.py) and, where lines carry trace ids, which
service logged the first error of each trace.

Logs meet traces on ids: with a traces source that can join span ids to operations, each template is counted
per span of the operation that logs it. The first error-level line of a trace (by time) names the service
where the failure began: its callers log after it, when its answer reaches them."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from obskit.investigate import log_templates
from obskit.investigate.model import Finding, LogTemplateFinding
from obskit.investigate.policy import log_evidence_policy
from obskit.investigate.robust import onset, poisson_z, robust_scale, sustained_change
from obskit.investigate.significance import rate_z
from obskit.sources.logs import LEVELS, LogCount, LogRecord, LogsSource, SampleAsk
from obskit.sources.traces import TracesSource
from obskit.sources.window import Window

FIRST_ERROR = "first error in trace"
VOLUME_Z = 4.0  # Poisson z of the error volume from which it is anomalous
WORKERS = 8  # services queried at once


def analyze(source: LogsSource, services: list[str], window: Window, baseline: Window,
            traces: TracesSource | None = None) -> tuple[list[Finding], list[LogTemplateFinding]]:
    span = Window(baseline.start, window.end, window.step)
    many = getattr(source, "counts_many", None)  # one scan for every service where the source offers it
    if many is not None:
        by_service = many(services, span, LEVELS)
        counted = [by_service.get(svc, []) for svc in services]
    else:
        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="obskit-logs") as pool:
            counted = list(pool.map(lambda svc: source.counts(svc, span, levels=LEVELS), services))
    totals: dict[str, Counter[tuple[str, str]]] = {}
    for service, counts in zip(services, counted, strict=True):
        tally: Counter[tuple[str, str]] = Counter()
        for c in counts:
            if window.start <= c.ts < window.end:
                tally["now", c.level] += c.count
            elif baseline.start <= c.ts < baseline.end:
                tally["before", c.level] += c.count
        if tally:
            totals[service] = tally
    logging = [svc for svc in services if svc in totals]  # each is sampled once per period and level group
    samples: dict[str, dict[tuple[str, int], list[LogRecord]]] = {svc: {} for svc in logging}
    limits = log_evidence_policy().sample
    keys, asks = [], []
    for period, part in (("now", window), ("before", baseline)):
        for g, group in enumerate(log_templates.GROUPS):
            counted_here = {svc: sum(totals[svc][period, level] for level in group) for svc in logging}
            wanted = {svc: n for svc, n in counted_here.items() if n}
            if wanted:
                keys.append((period, g))
                asks.append(SampleAsk(part, group, wanted, limits.get(group[0], 300)))
    batch = getattr(source, "spread_samples", None)  # every sample in one scan where the source offers it
    answers = batch(asks) if batch is not None else [
        source.spread_sample(list(ask.totals), ask.window, ask.levels, ask.limit) for ask in asks]
    for key, answer in zip(keys, answers, strict=True):
        for svc, records in answer.items():
            if svc in samples:
                samples[svc][key] = records
    exposures = _exposures(traces, samples, window, baseline)
    # the share of each service's error and warn lines the sample holds, per period (the window's may be smaller)
    kept = {(svc, period): len(samples[svc].get((period, 0), [])) / max(
        1, sum(totals[svc][period, level] for level in log_templates.GROUPS[0])) for svc in logging
        for period in ("now", "before")}
    findings: list[Finding] = _first_errors(samples, window, baseline, source.query_text, kept)
    templates: list[LogTemplateFinding] = []
    for service, counts in zip(services, counted, strict=True):  # in the services' order
        if service not in totals:
            continue
        volume = _volume(source, service, counts, window, baseline)
        if volume is not None:
            findings.append(volume)
        changed = log_templates.changes(samples[service], dict(totals[service]), window, baseline,
                                        exposures.get(service))
        findings += log_templates.findings(service, changed, source.query_text, window, baseline)
        templates += log_templates.report_rows(service, changed)
    return findings, templates


def _exposures(traces: TracesSource | None, samples: dict[str, dict[tuple[str, int], list[LogRecord]]],
               window: Window, baseline: Window) -> dict[str, log_templates.Exposure]:
    """Per service: the sampled lines' span ids joined to the operations that logged them, and the spans of
    each operation per period."""
    if traces is None:
        return {}
    ids = {period: [r.span_id for per in samples.values() for (p, _), recs in per.items() if p == period
                    for r in recs if r.span_id] for period in ("now", "before")}
    if not ids["now"] and not ids["before"]:
        return {}
    # a line's span may start a little before its period: look a step further back
    operations = {**traces.span_operations(ids["before"], Window(baseline.start - window.step, baseline.end,
                                                                 baseline.step)),
                  **traces.span_operations(ids["now"], Window(window.start - window.step, window.end, window.step))}
    if not operations:
        return {}
    spans_now, spans_before = traces.operation_counts(window), traces.operation_counts(baseline)
    return {service: log_templates.Exposure(
        operations, {op: n for (svc, op), n in spans_now.items() if svc == service},
        {op: n for (svc, op), n in spans_before.items() if svc == service}) for service in samples}


def _first_errors(samples: dict[str, dict[tuple[str, int], list[LogRecord]]], window: Window,
                  baseline: Window, query_text: Callable[[str, tuple[str, ...]], str | None],
                  kept: dict[tuple[str, str], float] | None = None) -> list[Finding]:
    """Services that log the first error of more traces than the baseline's rate explains. The onset is where
    those traces begin to run above the baseline's rate (scaled by the share of lines each period's sample
    holds: `kept`), not the first such trace: a service logs the odd first error before any incident too."""
    policy = log_evidence_policy()
    shares = kept or {}
    first: dict[str, dict[str, LogRecord]] = {"now": {}, "before": {}}
    for per in samples.values():
        for (period, g), records in per.items():
            if g != 0:
                continue
            for r in records:
                if r.trace_id and log_templates.level_of(r) == "error":
                    seen = first[period].get(r.trace_id)
                    if seen is None or r.ts < seen.ts:
                        first[period][r.trace_id] = r
    now = Counter(r.service for r in first["now"].values())
    before = Counter(r.service for r in first["before"].values())
    out = []
    for service, k in sorted(now.items()):
        expected = before[service] * window.seconds / baseline.seconds
        z = rate_z(k, window.seconds, before[service], baseline.seconds)
        if k < policy.min_new or z < policy.spike_z or (k + 1) / (expected + 1) < policy.spike_ratio:
            continue
        examples = sorted((r for r in first["now"].values() if r.service == service), key=lambda r: r.ts)
        share = shares.get((service, "now"), 1.0) / max(shares.get((service, "before"), 1.0), 1e-9)
        start = _rise_onset([r.ts for r in examples], before[service] / baseline.seconds * share, window)
        out.append(Finding(
            source="logs", service=service, kind="errors", signal=FIRST_ERROR, score=round(z, 2),
            onset=start if start is not None else examples[min(1, len(examples) - 1)].ts,
            summary=(f"logged the first error of {k} traces vs {expected:.1f} expected from the baseline "
                     f"(its callers' errors follow it); e.g. trace {examples[0].trace_id}: "
                     f"\"{examples[0].message[:160]}\""),
            query=query_text(service, ("error",)),
        ))
    return out


RISE_Z = 3.0  # Poisson z per step, two steps in a row, from which first-error traces run above the baseline


def _rise_onset(stamps: list[float], rate: float, window: Window) -> float | None:
    """Start of the first two steps in a row whose events run above `rate` per second (Poisson z >= RISE_Z);
    a rise in the window's last step alone counts (it may have just begun)."""
    per_step = Counter(window.start + int((ts - window.start) // window.step) * window.step for ts in stamps)
    starts = [window.start + i * window.step for i in range(int(math.ceil(window.seconds / window.step)))]
    return sustained_change(per_step, starts, rate * window.step, RISE_Z)


def _volume(source: LogsSource, service: str, counts: list[LogCount], window: Window,
            baseline: Window) -> Finding | None:
    per_bucket: Counter[float] = Counter()
    for c in counts:
        if c.level == "error":
            per_bucket[c.ts] += c.count
    base_total = sum(n for ts, n in per_bucket.items() if baseline.start <= ts < baseline.end)
    cur_total = sum(n for ts, n in per_bucket.items() if window.start <= ts < window.end)
    expected = base_total * window.seconds / baseline.seconds
    z = poisson_z(cur_total, expected)
    if z < VOLUME_Z or cur_total < 10:
        return None
    steps = int(baseline.seconds // baseline.step)
    base_series = [float(per_bucket.get(baseline.start + i * baseline.step, 0)) for i in range(steps)]
    center, scale = robust_scale(base_series, 1.0)
    cur = [(window.start + i * window.step, per_bucket.get(window.start + i * window.step, 0))
           for i in range(int(window.seconds // window.step))]
    start = onset([(ts, (n - center) / scale) for ts, n in cur], VOLUME_Z, 2)
    return Finding(
        source="logs", service=service, kind="errors", signal="error logs", score=round(z, 2), onset=start,
        summary=f"{cur_total} error log lines vs {expected:.0f} expected from the baseline",
        query=source.query_text(service, ("error",)),
    )
