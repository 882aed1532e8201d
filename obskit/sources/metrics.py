"""Metrics signal: RED and saturation series per service (Prometheus or the local store), one service
at a time or many at once (the batch methods let a backend push the work down)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from obskit.sources.traces import Edge
from obskit.sources.window import Window

# series names a MetricsSource returns (units in parentheses)
RED_SERIES = ("request_rate", "error_ratio", "latency_p50", "latency_p95", "latency_p99")  # req/s, 0..1, seconds
# the latency series and the quantile each stands for
QUANTILES = (("latency_p50", 0.5), ("latency_p95", 0.95), ("latency_p99", 0.99))
QUANTILE_LEVELS = tuple(q for _, q in QUANTILES)
# also returned where the metrics give it (summaries, histograms' _sum/_count, a mean gauge): seconds
MEAN_SERIES = "latency_mean"
# 0..1, 0..1, cores, 0..1, count in step
SATURATION_SERIES = ("cpu_throttling", "cpu_vs_limit", "cpu_usage", "memory_vs_limit", "restarts")


@dataclass
class Series:
    name: str  # one of RED_SERIES, MEAN_SERIES or SATURATION_SERIES
    service: str
    points: list[tuple[float, float]]  # (epoch seconds, value), ascending, one per window step at most
    labels: dict[str, str] = field(default_factory=dict)  # e.g. {"pod": "checkout-7f9c-abc"}
    query: str | None = None  # the PromQL/SQL that produced it, for deep links
    # requests behind each point, when known (RED from spans; request_rate and error_ratio from naming profiles'
    # pre-aggregated shapes)
    counts: list[int] = field(default_factory=list)


class MetricsSource(Protocol):
    name: str  # "prometheus" or "local"

    def red(self, service: str, window: Window) -> list[Series]:
        """request_rate, error_ratio, latency_p50/p95/p99 for the service's inbound requests."""
        ...

    def saturation(self, service: str, window: Window) -> list[Series]:
        """cpu_throttling, memory_vs_limit and restarts, one series per pod where the backend has pods."""
        ...

    def red_many(self, services: list[str], window: Window) -> dict[str, list[Series]]:
        """red() for each service (a key for every one, [] when nothing is known), in as few backend calls
        as the backend allows; each service's series are the same as red(service, window) returns."""
        ...

    def saturation_many(self, services: list[str], window: Window) -> dict[str, list[Series]]:
        """saturation() for each service, batched like red_many()."""
        ...

    def service_names(self, window: Window) -> list[str]:
        """Every service the backend has RED or pod series of in the window (label values, for typos)."""
        ...

    def dependencies(self, window: Window) -> list[Edge]:
        """Caller -> callee edges seen in metrics over the window (the servicegraph connector, Istio, Linkerd
        and other graph profiles), each with `origin` (the profile's name), calls and failed calls over the
        whole window and `latency` (mean seconds per call) where known; sorted per profile; [] when none."""
        ...


def per_service(fetch: Callable[[str, Window], list[Series]], services: list[str], window: Window,
                workers: int = 4) -> dict[str, list[Series]]:
    """A batch method for a backend without batched queries: `fetch` per service, `workers` at a time."""
    unique = list(dict.fromkeys(services))
    if len(unique) <= 1:
        return {service: fetch(service, window) for service in unique}
    with ThreadPoolExecutor(max_workers=min(workers, len(unique)), thread_name_prefix="obskit-metrics") as pool:
        return dict(zip(unique, pool.map(lambda service: fetch(service, window), unique), strict=True))
