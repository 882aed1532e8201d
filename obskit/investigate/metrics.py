"""Metrics stage: RED and saturation per service vs a baseline window, robust z-scores and onsets."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from obskit.investigate.model import Finding
from obskit.investigate.robust import onset, poisson_z, robust_scale, z_scores
from obskit.sources.metrics import MetricsSource, Series
from obskit.sources.window import Window

THRESHOLD = 4.0  # robust z-score from which a point is anomalous
SUSTAIN = 2  # consecutive anomalous points that make an onset


@dataclass(frozen=True)
class SeriesRule:
    kind: str
    floor: float  # absolute scale floor: changes smaller than this are never anomalous
    relative_floor: float  # scale floor as a share of the baseline median
    label: str


# only the direction that hurts counts: a latency drop or a request-rate change is not a cause
RULES: dict[str, SeriesRule] = {
    "latency_p50": SeriesRule("latency", 0.005, 0.25, "p50 latency"),
    "latency_p95": SeriesRule("latency", 0.005, 0.25, "p95 latency"),
    "latency_p99": SeriesRule("latency", 0.005, 0.25, "p99 latency"),
    "error_ratio": SeriesRule("errors", 0.01, 0.5, "error ratio"),
    "cpu_throttling": SeriesRule("saturation", 0.05, 0.25, "CPU throttling"),
    "cpu_vs_limit": SeriesRule("saturation", 0.05, 0.25, "CPU vs limit"),
    "cpu_usage": SeriesRule("saturation", 0.05, 0.5, "CPU usage (cores)"),
    "memory_vs_limit": SeriesRule("saturation", 0.05, 0.1, "memory vs limit"),
    "restarts": SeriesRule("crash", 0.5, 0.0, "restarts"),
}


def analyze(source: MetricsSource, services: list[str], window: Window, baseline: Window) -> tuple[
    list[Finding], list[Series]
]:
    """Findings for every anomalous series; each RED series over baseline and window (for charts)."""
    span = Window(baseline.start, window.end, window.step)
    findings: list[Finding] = []
    charts: list[Series] = []
    # RED and saturation at once, each batched over all services (the source pushes the work down)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="obskit-metrics") as pool:
        red = pool.submit(source.red_many, services, span)
        saturation = pool.submit(source.saturation_many, services, span)
        red_by, saturation_by = red.result(), saturation.result()
    fetched = [red_by.get(svc, []) + saturation_by.get(svc, []) for svc in dict.fromkeys(services)]
    for series in fetched:  # in the services' order: the result does not depend on timing
        for s in series:
            if s.name in RULES:
                finding = score_series(s, window, baseline)
                if finding is not None:
                    findings.append(finding)
            if s.name in ("request_rate", "error_ratio", "latency_p95"):
                charts.append(Series(s.name, s.service, [p for p in s.points if p[0] >= baseline.start],
                                     dict(s.labels), s.query))
    return findings, charts


def score_series(series: Series, window: Window, baseline: Window) -> Finding | None:
    rule = RULES[series.name]
    base = [v for ts, v in series.points if baseline.start <= ts < baseline.end]
    current = [(ts, v) for ts, v in series.points if window.start <= ts < window.end]
    if not current:
        return None
    if len(base) < 3:
        base = [v for _, v in current[: max(3, len(current) // 4)]]  # no baseline: compare with the start
    center, scale = robust_scale(base, 0.0)
    scale = max(scale, rule.floor, abs(center) * rule.relative_floor)
    zs = z_scores([v for _, v in current], center, scale)
    if rule.kind == "errors" and len(series.counts) == len(series.points):
        zs = _count_z(series, window, baseline)  # a ratio of few requests: how surprising are its failures
    start = onset(list(zip([ts for ts, _ in current], zs, strict=True)), THRESHOLD, SUSTAIN)
    if start is None:
        return None
    peak_z = max(zs)
    peak = max(v for _, v in current)
    pod = f" (pod {series.labels['pod']})" if "pod" in series.labels else ""
    pod += " (RED from entry spans)" if series.labels.get("source") == "spans" else ""
    return Finding(
        source="spans" if series.labels.get("source") == "spans" else "metrics", service=series.service,
        kind=rule.kind, signal=series.name, score=round(peak_z, 2),
        onset=start,
        summary=f"{rule.label} {_fmt(series.name, peak)} vs baseline {_fmt(series.name, center)}{pod}",
        query=series.query,
    )


def _count_z(series: Series, window: Window, baseline: Window) -> list[float]:
    """Per point of the window: Poisson z of its failures against its requests times the baseline's
    request-weighted failure ratio (so one failure among 15 requests is not an incident)."""
    pairs = list(zip(series.points, series.counts, strict=True))
    failed = sum(v * n for (ts, v), n in pairs if baseline.start <= ts < baseline.end)
    total = sum(n for (ts, _), n in pairs if baseline.start <= ts < baseline.end)
    ratio = failed / total if total else 0.0
    return [poisson_z(v * n, n * ratio) for (ts, v), n in pairs if window.start <= ts < window.end]


def _fmt(name: str, value: float) -> str:
    if name.startswith("latency"):
        return f"{value * 1000:.0f} ms"
    if name in ("error_ratio", "cpu_throttling", "cpu_vs_limit", "memory_vs_limit"):
        return f"{value * 100:.1f}%"
    return f"{value:g}"
