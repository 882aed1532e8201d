"""MetricsSource on Prometheus: the naming profile is detected per service by asking Prometheus which
profile's request metric has series for it (or taken from the services config), then PromQL is built
from that profile (obskit/sources/promql.py) and run as range queries."""

from __future__ import annotations

import math
from typing import Any

import httpx

from obskit.config import PrometheusConfig, ServiceConfig
from obskit.conventions import MetricProfile, metric_profile, metric_profiles, saturation_profile
from obskit.sources.errors import SourceError
from obskit.sources.metrics import Series
from obskit.sources.promql import detection_query, red_queries, saturation_queries
from obskit.sources.window import Window
from obskit.transport import describe_failure, http_client

MAX_POINTS = 11_000  # Prometheus refuses range queries over 11,000 points per series


class PrometheusMetrics:
    name = "prometheus"

    def __init__(self, config: PrometheusConfig, services: list[ServiceConfig] | None = None,
                 timeout: float = 15.0) -> None:
        if not config.url:
            raise SourceError("prometheus", "no URL configured (prometheus.url or OBSKIT_PROMETHEUS_URL)")
        self.url = config.url
        self.timeout = timeout
        self.client = http_client(config.url, auth=config.auth, tls=config.tls, timeout=timeout)
        self.services = {s.name: s for s in services or []}
        self._profiles: dict[str, tuple[MetricProfile, str] | None] = {}

    # --- HTTP API --------------------------------------------------------------------------------------
    def _get(self, path: str, params: dict[str, Any]) -> Any:
        try:
            response = self.client.get(path, params=params)
            body = response.json() if response.headers.get("content-type", "").startswith("application/json") \
                else None
            if response.status_code >= 400:
                detail = (body or {}).get("error") or describe_failure(
                    httpx.HTTPStatusError("", request=response.request, response=response))
                raise SourceError("prometheus", f"{path}: {detail}")
        except httpx.HTTPError as exc:
            raise SourceError("prometheus", f"{self.url}: {describe_failure(exc, self.timeout)}") from None
        except ValueError:
            raise SourceError("prometheus", f"{path}: answer is not JSON") from None
        if not isinstance(body, dict) or body.get("status") != "success":
            raise SourceError("prometheus", f"{path}: unexpected answer")
        return body["data"]

    def range_query(self, query: str, window: Window) -> list[dict[str, Any]]:
        step = max(window.step, window.seconds / MAX_POINTS)
        data = self._get("/api/v1/query_range", {"query": query, "start": window.start, "end": window.end,
                                                 "step": step})
        return data.get("result", [])

    # --- profile detection -----------------------------------------------------------------------------
    def profile_for(self, service: str, window: Window | None = None) -> tuple[MetricProfile, str] | None:
        """(profile, service label) for the service: from config when set, else the first that has series."""
        if service in self._profiles:
            return self._profiles[service]
        configured = self.services.get(service)
        candidates = [metric_profile(configured.profile)] if configured and configured.profile else \
            list(metric_profiles().values())
        params: dict[str, Any] = {}
        if window is not None:
            params = {"start": window.start - 3600, "end": window.end}
        found = None
        for profile in candidates:
            for label in profile.service_labels:
                series = self._get("/api/v1/series", {"match[]": detection_query(profile, label, service),
                                                      "limit": 1, **params})
                if series:
                    found = (profile, label)
                    break
            if found:
                break
        self._profiles[service] = found
        return found

    # --- MetricsSource ---------------------------------------------------------------------------------
    def red(self, service: str, window: Window) -> list[Series]:
        detected = self.profile_for(service, window)
        if detected is None:
            return []
        profile, label = detected
        namespace = self.services[service].namespace if service in self.services else None
        out = []
        for name, query in red_queries(profile, label, service, window.step, namespace).items():
            points = [p for r in self.range_query(query, window) for p in _points(r)]
            if points:
                out.append(Series(name, service, sorted(points), labels={"profile": profile.name}, query=query))
        return out

    def saturation(self, service: str, window: Window) -> list[Series]:
        namespace = self.services[service].namespace if service in self.services else None
        out = []
        for name, query in saturation_queries(saturation_profile(), service, window.step, namespace).items():
            for result in self.range_query(query, window):
                points = _points(result)
                if points:
                    pod = result.get("metric", {}).get("pod")
                    out.append(Series(name, service, points, labels={"pod": pod} if pod else {}, query=query))
        return sorted(out, key=lambda s: (s.name, s.labels.get("pod", "")))


def _points(result: dict[str, Any]) -> list[tuple[float, float]]:
    points = []
    for ts, value in result.get("values", []):
        number = float(value)
        if math.isfinite(number):
            points.append((float(ts), number))
    return points
