"""Logs stage: warn/error volume vs baseline (server-side counts) and new or spiking log templates."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from obskit.investigate.model import Finding, LogTemplateFinding
from obskit.investigate.robust import onset, poisson_z, robust_scale, two_proportion_z
from obskit.investigate.templates import TemplateMiner
from obskit.sources.logs import LogRecord, LogsSource
from obskit.sources.window import Window

VOLUME_Z = 4.0  # Poisson z of the error volume from which it is anomalous
TEMPLATE_Z = 3.0  # two-proportion z of a template's share from which it is "spiking"
SAMPLE = 2000  # bounded sample of records per window and service
MIN_NEW = 5  # a new template needs at least this many sampled lines
WORKERS = 8  # services queried at once


def analyze(source: LogsSource, services: list[str], window: Window, baseline: Window) -> tuple[
    list[Finding], list[LogTemplateFinding]
]:
    findings: list[Finding] = []
    templates: list[LogTemplateFinding] = []

    def one(service: str) -> tuple[Finding | None, list[LogTemplateFinding]]:
        volume = _volume(source, service, window, baseline)
        return volume, (_templates(source, service, window, baseline) if volume is not None else [])

    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="obskit-logs") as pool:
        for volume, found in pool.map(one, services):  # in the services' order
            if volume is not None:
                findings.append(volume)
                templates.extend(found)
    return findings, templates


def _volume(source: LogsSource, service: str, window: Window, baseline: Window) -> Finding | None:
    span = Window(baseline.start, window.end, window.step)
    counts = source.counts(service, span, levels=("error",))
    per_bucket: Counter[float] = Counter()
    for c in counts:
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


def _templates(source: LogsSource, service: str, window: Window, baseline: Window) -> list[LogTemplateFinding]:
    current = source.sample(service, window, ("error", "warn"), SAMPLE)
    before = source.sample(service, baseline, ("error", "warn"), SAMPLE)
    miner = TemplateMiner()
    cur_ids = [miner.assign(r.message, i).id for i, r in enumerate(current)]
    base_ids = [miner.assign(r.message, len(current) + i).id for i, r in enumerate(before)]
    cur_counts, base_counts = Counter(cur_ids), Counter(base_ids)
    examples: dict[int, LogRecord] = {}
    for tid, record in zip(cur_ids, current, strict=True):
        if tid not in examples or (examples[tid].trace_id is None and record.trace_id):
            examples[tid] = record
    out: list[LogTemplateFinding] = []
    by_id = {t.id: t for t in miner.templates()}
    for tid, k in cur_counts.items():
        b = base_counts.get(tid, 0)
        z = two_proportion_z(k, len(current), b, len(before)) if before else float(k)
        if b == 0 and k >= MIN_NEW:
            status = "new"
        elif z >= TEMPLATE_Z:
            status = "spiking"
        else:
            continue
        ex = examples[tid]
        out.append(LogTemplateFinding(service, by_id[tid].text, k, b, status, round(z, 2), ex.message, ex.trace_id))
    out.sort(key=lambda t: (-t.score, t.template))
    return out[:10]
