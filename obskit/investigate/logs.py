"""Logs stage: per service of the investigated subgraph, error-log volume vs the baseline (server-side
counts) and log template evidence (obskit/investigate/log_templates.py)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from obskit.investigate import log_templates
from obskit.investigate.model import Finding, LogTemplateFinding
from obskit.investigate.policy import log_evidence_policy
from obskit.investigate.robust import onset, poisson_z, robust_scale
from obskit.sources.logs import LEVELS, LogCount, LogRecord, LogsSource
from obskit.sources.window import Window

VOLUME_Z = 4.0  # Poisson z of the error volume from which it is anomalous
WORKERS = 8  # services queried at once


def analyze(source: LogsSource, services: list[str], window: Window, baseline: Window) -> tuple[
    list[Finding], list[LogTemplateFinding]
]:
    span = Window(baseline.start, window.end, window.step)
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
    for period, part in (("now", window), ("before", baseline)):
        for g, group in enumerate(log_templates.GROUPS):
            wanted = [svc for svc in logging if any(totals[svc][period, level] for level in group)]
            if wanted:
                for svc, records in source.spread_sample(wanted, part, group, limits.get(group[0], 300)).items():
                    if svc in samples:
                        samples[svc][period, g] = records
    findings: list[Finding] = []
    templates: list[LogTemplateFinding] = []
    for service, counts in zip(services, counted, strict=True):  # in the services' order
        if service not in totals:
            continue
        volume = _volume(source, service, counts, window, baseline)
        if volume is not None:
            findings.append(volume)
        changed = log_templates.changes(samples[service], dict(totals[service]), window, baseline)
        findings += log_templates.findings(service, changed, source.query_text)
        templates += log_templates.report_rows(service, changed)
    return findings, templates


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
