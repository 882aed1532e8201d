"""Metrics signal: RED and saturation series for one service (Prometheus or the local store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from obskit.sources.window import Window

# series names a MetricsSource returns (units in parentheses)
RED_SERIES = ("request_rate", "error_ratio", "latency_p50", "latency_p95", "latency_p99")  # req/s, 0..1, seconds
SATURATION_SERIES = ("cpu_throttling", "memory_vs_limit", "restarts")  # 0..1, 0..1, count in step


@dataclass
class Series:
    name: str  # one of RED_SERIES or SATURATION_SERIES
    service: str
    points: list[tuple[float, float]]  # (epoch seconds, value), ascending, one per window step at most
    labels: dict[str, str] = field(default_factory=dict)  # e.g. {"pod": "checkout-7f9c-abc"}
    query: str | None = None  # the PromQL/SQL that produced it, for deep links


class MetricsSource(Protocol):
    name: str  # "prometheus" or "local"

    def red(self, service: str, window: Window) -> list[Series]:
        """request_rate, error_ratio, latency_p50/p95/p99 for the service's inbound requests."""
        ...

    def saturation(self, service: str, window: Window) -> list[Series]:
        """cpu_throttling, memory_vs_limit and restarts, one series per pod where the backend has pods."""
        ...
