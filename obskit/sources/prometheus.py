"""MetricsSource on Prometheus: the naming profile is detected per service by asking Prometheus which
profile's request metric has series for it (or taken from the services config), then PromQL is built
from that profile (obskit/sources/promql.py) and run as range queries.

The batch methods (`red_many`, `saturation_many`) push the work down: profiles of all services are
detected with one label-values call per (profile, service label) pair, and each signal is one range
query for every service sharing a profile, label and namespace (`sum by (<label>) ...` over a regex
alternation); the calls run concurrently, at most WORKERS at a time. Each returned Series is the same
as the per-service method gives, query text included (deep links stay per service)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx

from obskit.config import PrometheusConfig, ServiceConfig
from obskit.conventions import GraphProfile, MetricProfile, metric_profile, metric_profiles, saturation_profile
from obskit.conventions import graph_profiles as builtin_graph_profiles
from obskit.quoting import url_segment
from obskit.sources.errors import SourceError
from obskit.sources.histogram import bucket_bound, bucket_quantiles
from obskit.sources.metrics import QUANTILE_LEVELS, QUANTILES, RED_SERIES, Series
from obskit.sources.prometheus_shapes import finite_points as _points
from obskit.sources.prometheus_shapes import merge, metric_edges, shape_series
from obskit.sources.promql import (
    detection_query,
    detection_query_many,
    latency_scale,
    red_queries,
    red_queries_many,
    saturation_queries,
    saturation_queries_many,
)
from obskit.sources.traces import Edge
from obskit.sources.window import Window
from obskit.transport import describe_failure, http_client

MAX_POINTS = 11_000  # Prometheus refuses range queries over 11,000 points per series
WORKERS = 4  # HTTP calls in flight at once per batch method (Prometheus evaluates them in parallel)
CHUNK = 40  # services per batched query: keeps URLs and regexes short
LATENCY_PARTS = 2  # the latency bucket query is split in this many parts so Prometheus uses several cores
DETECTION_LOOKBACK = 3600.0  # seconds before the window in which a service's series count for detection

T = TypeVar("T")
Detected = tuple[MetricProfile, str]


class PrometheusMetrics:
    name = "prometheus"

    def __init__(self, config: PrometheusConfig, services: list[ServiceConfig] | None = None,
                 timeout: float = 15.0, namespace: str | None = None,
                 profiles: dict[str, MetricProfile] | None = None,
                 graph_profiles: dict[str, GraphProfile] | None = None) -> None:
        """`profiles`/`graph_profiles`: naming and graph profiles in detection order (default: the built-in
        ones; obskit.yaml adds and overrides them through obskit.conventions.merged)."""
        if not config.url:
            raise SourceError("prometheus", "no URL configured (prometheus.url or OBSKIT_PROMETHEUS_URL)")
        self.url = config.url
        self.timeout = timeout
        self.client = http_client(config.url, auth=config.auth, tls=config.tls, timeout=timeout)
        self.services = {s.name: s for s in services or []}
        self.namespace = namespace  # --namespace: the default for services without their own
        self._profiles: dict[str, tuple[MetricProfile, str] | None] = {}
        self.profiles = profiles if profiles is not None else metric_profiles()
        self.graph_profiles = graph_profiles if graph_profiles is not None else builtin_graph_profiles()

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

    def instant_query(self, query: str, at: float) -> list[dict[str, Any]]:
        return self._get("/api/v1/query", {"query": query, "time": at}).get("result", [])

    def range_query(self, query: str, window: Window) -> list[dict[str, Any]]:
        step = max(window.step, window.seconds / MAX_POINTS)
        data = self._get("/api/v1/query_range", {"query": query, "start": window.start, "end": window.end,
                                                 "step": step})
        return data.get("result", [])

    # --- profile detection -----------------------------------------------------------------------------
    def profile_for(self, service: str, window: Window | None = None) -> Detected | None:
        """(profile, service label) for the service: from config when set, else the first that has series."""
        if service in self._profiles:
            return self._profiles[service]
        found = None
        for profile, label in self._candidates(service):
            if self._get("/api/v1/series", {"match[]": detection_query(profile, label, service), "limit": 1,
                                            **_range(window)}):
                found = (profile, label)
                break
        self._profiles[service] = found
        return found

    def profiles_for(self, services: list[str], window: Window | None = None) -> dict[str, Detected | None]:
        """profile_for() for many services at once: one /api/v1/series call per (profile, label) pair that
        some undetected service has as a candidate, all pairs concurrently; cached like profile_for."""
        todo = [s for s in dict.fromkeys(services) if s not in self._profiles]
        candidates = {service: self._candidates(service) for service in todo}
        pairs: dict[tuple[str, str], list[str]] = {}  # (profile, label) -> services to ask about, in order
        profiles: dict[str, MetricProfile] = {}
        for service, pairs_of_service in candidates.items():
            for profile, label in pairs_of_service:
                profiles[profile.name] = profile
                pairs.setdefault((profile.name, label), []).append(service)
        calls = [(key, chunk) for key, members in pairs.items() for chunk in _chunks(members)]

        def present(call: tuple[tuple[str, str], list[str]]) -> set[str]:
            (profile_name, label), chunk = call
            series = self._get("/api/v1/series", {"match[]": detection_query_many(profiles[profile_name], label, chunk),
                                                  **_range(window)})
            return {labels.get(label, "") for labels in series or [] if isinstance(labels, dict)}

        found: dict[tuple[str, str], set[str]] = {}
        for (key, _), values in zip(calls, self._concurrently(present, calls), strict=True):
            found.setdefault(key, set()).update(values)
        for service, pairs_of_service in candidates.items():
            self._profiles[service] = next(((p, label) for p, label in pairs_of_service
                                            if service in found.get((p.name, label), set())), None)
        return {service: self._profiles[service] for service in services}

    def _candidates(self, service: str) -> list[Detected]:
        configured = self.services.get(service)
        profiles = [metric_profile(configured.profile, self.profiles)] if configured and configured.profile else \
            list(self.profiles.values())
        return [(profile, label) for profile in profiles for label in profile.service_labels]

    def _namespace(self, service: str) -> str | None:
        configured = self.services[service].namespace if service in self.services else None
        return configured or self.namespace

    def _concurrently(self, fn: Callable[[T], Any], items: list[T]) -> list[Any]:
        """fn over items, at most WORKERS at once, results in the items' order; the first error is raised."""
        if len(items) <= 1:
            return [fn(item) for item in items]
        pool = ThreadPoolExecutor(max_workers=min(WORKERS, len(items)), thread_name_prefix="obskit-prom")
        try:
            return list(pool.map(fn, items))
        finally:  # after a failure, calls not yet started are dropped
            pool.shutdown(wait=True, cancel_futures=True)

    # --- MetricsSource ---------------------------------------------------------------------------------
    def service_names(self, window: Window) -> list[str]:
        """Values of every profile's service labels on its request metric (what a user may have meant)."""
        pairs = sorted({(p.presence_metric, label) for p in self.profiles.values() for label in p.service_labels})

        def values(pair: tuple[str, str]) -> list[str]:
            metric, label = pair
            return self._get(f"/api/v1/label/{url_segment(label)}/values",
                             {"match[]": metric, **_range(window)}) or []

        return sorted({v for found in self._concurrently(values, pairs) for v in found if isinstance(v, str)})

    def red(self, service: str, window: Window) -> list[Series]:
        detected = self.profile_for(service, window)
        if detected is None:
            return []
        profile, label = detected
        namespace = self._namespace(service)
        out = []
        for name, query in red_queries(profile, label, service, window.step, namespace).items():
            points = [p for r in self.range_query(query, window) for p in _points(r)]
            if points:
                out.append(Series(name, service, sorted(points), labels={"profile": profile.name}, query=query))
        extra = shape_series(self.range_query, self._concurrently, [(profile, label, namespace, [service])], window,
                             have={service: {s.name for s in out}})
        return merge(out, extra.get(service, []), window.step)

    def dependencies(self, window: Window) -> list[Edge]:
        """Caller -> callee edges over the window from each graph profile's counters (servicegraph connector,
        Istio, Linkerd, ...), each with its origin; [] when Prometheus has none of them."""
        return metric_edges(self.instant_query, self._concurrently, list(self.graph_profiles.values()), window)

    def saturation(self, service: str, window: Window) -> list[Series]:
        namespace = self._namespace(service)
        out = []
        for name, query in saturation_queries(saturation_profile(), service, window.step, namespace).items():
            for result in self.range_query(query, window):
                points = _points(result)
                if points:
                    pod = result.get("metric", {}).get("pod")
                    out.append(Series(name, service, points, labels={"pod": pod} if pod else {}, query=query))
        return sorted(out, key=lambda s: (s.name, s.labels.get("pod", "")))


    def red_many(self, services: list[str], window: Window) -> dict[str, list[Series]]:
        """red() for every service: per (profile, label, namespace) group, one range query for request rate,
        one for error ratio and one for the latency bucket rates (split in LATENCY_PARTS service parts, the
        heaviest query by far); p50/p95/p99 are computed from the buckets as histogram_quantile would."""
        detected = self.profiles_for(services, window)
        groups: dict[tuple[str, str, str | None], list[str]] = {}
        profiles: dict[str, MetricProfile] = {}
        for service, found in detected.items():
            if found is not None:
                profiles[found[0].name] = found[0]
                groups.setdefault((found[0].name, found[1], self._namespace(service)), []).append(service)
        calls: list[tuple[str, list[str], str, str]] = []  # (service label, services, signal, query)
        for (profile_name, label, namespace), members in groups.items():
            for name in ("request_rate", "error_ratio", "latency_buckets"):
                size = CHUNK if name != "latency_buckets" else min(CHUNK, -(-len(members) // LATENCY_PARTS))
                for chunk in _chunks(members, size):
                    query = red_queries_many(profiles[profile_name], label, chunk, window.step, namespace).get(name)
                    if query is not None:
                        calls.append((label, chunk, name, query))
        answers = self._concurrently(lambda call: self.range_query(call[3], window), calls)
        points: dict[tuple[str, str], list[tuple[float, float]]] = {}
        buckets: dict[str, dict[float, list[tuple[float, float]]]] = {}  # service -> ts -> [(le, rate)]
        for (label, chunk, name, _), results in zip(calls, answers, strict=True):
            for result in results:
                service = result.get("metric", {}).get(label, "")
                if service not in chunk:
                    continue
                if name != "latency_buckets":
                    points.setdefault((service, name), []).extend(_points(result))
                    continue
                bound = bucket_bound(result.get("metric", {}).get("le", ""))
                if bound is not None:
                    for ts, value in result.get("values", []):
                        buckets.setdefault(service, {}).setdefault(float(ts), []).append((bound, float(value)))
        out: dict[str, list[Series]] = {service: [] for service in services}
        for service, found in detected.items():
            if found is None:
                continue
            profile, label = found
            scale = latency_scale(profile)
            for ts, sample in sorted(buckets.get(service, {}).items()):
                for (name, _), value in zip(QUANTILES, bucket_quantiles(QUANTILE_LEVELS, sample), strict=True):
                    if value is not None and math.isfinite(value * scale):
                        points.setdefault((service, name), []).append((ts, value * scale))
            queries = red_queries(profile, label, service, window.step, self._namespace(service))
            out[service] = [Series(name, service, sorted(points[(service, name)]), labels={"profile": profile.name},
                                   query=queries[name])
                            for name in RED_SERIES if points.get((service, name))]
        shapes = [(profiles[p], label, namespace, chunk) for (p, label, namespace), members in groups.items()
                  for chunk in _chunks(members)]
        have = {service: {s.name for s in series} for service, series in out.items()}
        extra = shape_series(self.range_query, self._concurrently, shapes, window, have=have)
        for service, series in extra.items():
            out[service] = merge(out.get(service, []), series, window.step)
        return out

    def saturation_many(self, services: list[str], window: Window) -> dict[str, list[Series]]:
        """saturation() for every service, one range query per signal per namespace group."""
        profile = saturation_profile()
        groups: dict[str | None, list[str]] = {}
        for service in dict.fromkeys(services):
            groups.setdefault(self._namespace(service), []).append(service)
        calls = [(chunk, name, query) for namespace, members in groups.items() for chunk in _chunks(members)
                 for name, query in saturation_queries_many(profile, chunk, window.step, namespace).items()]
        answers = self._concurrently(lambda call: self.range_query(call[2], window), calls)
        out: dict[str, list[Series]] = {service: [] for service in services}
        for (chunk, name, _), results in zip(calls, answers, strict=True):
            for result in results:
                labels = result.get("metric", {})
                service = labels.get(profile.pod_selector_label, "")
                points = _points(result)
                if service in chunk and points:
                    query = saturation_queries(profile, service, window.step, self._namespace(service))[name]
                    pod = labels.get("pod")
                    out[service].append(Series(name, service, points, labels={"pod": pod} if pod else {},
                                               query=query))
        for series in out.values():
            series.sort(key=lambda s: (s.name, s.labels.get("pod", "")))
        return out


def _chunks(services: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for i in range(0, len(services), size):
        yield services[i:i + size]


def _range(window: Window | None) -> dict[str, float]:
    """Detection looks at the window and the DETECTION_LOOKBACK before it (all of time without a window)."""
    return {} if window is None else {"start": window.start - DETECTION_LOOKBACK, "end": window.end}


