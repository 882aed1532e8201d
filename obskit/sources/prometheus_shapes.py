"""The pre-aggregated RED shapes and the service graph on Prometheus (queries in promql_shapes.py).

`shape_series()` runs a profile's summary/mean/gauge/ratio queries for groups of services (one range query
per signal and group) and returns the series the counter/histogram queries did not give; `metric_edges()`
runs each graph profile's instant queries at the window's end.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from obskit.conventions import GraphProfile, MetricProfile
from obskit.sources.metrics import Series
from obskit.sources.promql import alternation
from obskit.sources.promql_shapes import graph_queries, shape_queries
from obskit.sources.service_graph import endpoint, profile_edges
from obskit.sources.traces import Edge
from obskit.sources.window import Window

QUANTILE_SERIES = {0.5: "latency_p50", 0.95: "latency_p95", 0.99: "latency_p99"}
Group = tuple[MetricProfile, str, str | None, list[str]]  # profile, service label, namespace, services
RangeQuery = Callable[[str, Window], list[dict[str, Any]]]


def shape_series(range_query: RangeQuery, concurrently: Callable[..., list[Any]], groups: list[Group],
                 window: Window, have: dict[str, set[str]] | None = None) -> dict[str, list[Series]]:
    """Series by service from the pre-aggregated shapes, labelled {"profile": name}; error_ratio carries the
    requests behind each point (`counts`) when the request rate is known.

    `have`: the series names each service already has from the counter/histogram queries. merge() keeps
    those, so a shape's query is asked only for the services that lack one of the names it gives (a summary's
    quantiles are not asked for where histograms gave p50/p95/p99), and not at all when none does."""
    have = have or {}
    calls = []
    for profile, label, namespace, services in groups:
        queries = {tuple(services): shape_queries(profile, {}, {label: alternation(services)}, label, window.step,
                                                  namespace)}
        for signal in queries[tuple(services)]:
            lacking = [s for s in services if not _names(signal) <= have.get(s, set())]
            if not lacking:
                continue
            if tuple(lacking) not in queries:
                queries[tuple(lacking)] = shape_queries(profile, {}, {label: alternation(lacking)}, label,
                                                        window.step, namespace)
            calls.append((profile, label, namespace, lacking, signal, queries[tuple(lacking)][signal]))
    answers = concurrently(lambda call: range_query(call[5], window), calls)
    found: dict[tuple[str, str], dict[float, float]] = {}  # (service, series) -> ts -> value
    profile_of: dict[str, tuple[MetricProfile, str, str | None]] = {}
    for (profile, label, namespace, services, signal, _), results in zip(calls, answers, strict=True):
        for result in results:
            metric = result.get("metric", {})
            service = metric.get(label, "")
            if service not in services:
                continue
            profile_of[service] = (profile, label, namespace)
            name = signal.removeprefix("gauge:")
            if signal == "latency_summary":
                name = _quantile_series(metric.get("quantile", ""))
                if name is None:
                    continue
            values = found.setdefault((service, name), {})
            for ts, value in finite_points(result):
                if signal.startswith("gauge:") and ts in values:
                    continue  # a histogram or summary value of the same series wins
                values[ts] = max(values.get(ts, -math.inf), value)
    out: dict[str, list[Series]] = {}
    for (service, name), values in sorted(found.items()):
        profile, label, namespace = profile_of[service]
        if not values:
            continue
        query = _query_for(profile, label, namespace, service, name, window.step)
        out.setdefault(service, []).append(Series(name, service, sorted(values.items()),
                                                  labels={"profile": profile.name}, query=query))
    return out


def merge(base: list[Series], extra: list[Series], step: float) -> list[Series]:
    """The counter/histogram series, plus the shapes' series for names they lack; an error_ratio from the
    shapes gets the requests behind each point (request_rate times the step) as `counts`."""
    have = {s.name for s in base}
    added = [s for s in extra if s.name not in have]
    out = base + added
    rate = next((s for s in out if s.name == "request_rate"), None)
    for s in added:
        if s.name == "error_ratio" and not s.counts and rate is not None:
            per_ts = dict(rate.points)
            if all(ts in per_ts for ts, _ in s.points):
                s.counts = [round(per_ts[ts] * step) for ts, _ in s.points]
    return out


def metric_edges(instant_query: Callable[[str, float], list[dict[str, Any]]],
                 concurrently: Callable[..., list[Any]], profiles: list[GraphProfile], window: Window) -> list[Edge]:
    """Edges of every graph profile over the window (increase() at its end), sorted per profile."""
    seconds = int(math.ceil(window.seconds))
    calls = [(profile, part, query) for profile in profiles for part, query in graph_queries(profile, seconds).items()]
    answers = concurrently(lambda call: instant_query(call[2], window.end), calls)
    totals: dict[str, dict[tuple[str, str], dict[str, float]]] = {}
    for (profile, part, _), results in zip(calls, answers, strict=True):
        for result in results:
            labels = result.get("metric", {})
            caller = endpoint(labels, profile.caller_labels, profile.ignore_values)
            callee = endpoint(labels, profile.callee_labels, profile.ignore_values)
            value = result.get("value") or [0, "NaN"]
            number = float(value[1])
            if caller and callee and math.isfinite(number):
                edge = totals.setdefault(profile.name, {}).setdefault((caller, callee), {})
                edge[part] = edge.get(part, 0.0) + number
    return [edge for profile in profiles for edge in profile_edges(profile, totals.get(profile.name, {}))]


def _names(signal: str) -> set[str]:
    """The series names a shape query can give."""
    return set(QUANTILE_SERIES.values()) if signal == "latency_summary" else {signal.removeprefix("gauge:")}


def _quantile_series(text: str) -> str | None:
    try:
        level = float(text)
    except ValueError:
        return None
    return next((name for q, name in QUANTILE_SERIES.items() if abs(level - q) < 1e-9), None)


def _query_for(profile: MetricProfile, label: str, namespace: str | None, service: str, name: str,
               step: float) -> str:
    """The query behind one service's series, for deep links."""
    queries = shape_queries(profile, {label: service}, {}, label, step, namespace)
    if name in QUANTILE_SERIES.values() and "latency_summary" in queries:
        return queries["latency_summary"]
    return queries.get(name) or queries.get(f"gauge:{name}") or ""


def finite_points(result: dict[str, Any]) -> list[tuple[float, float]]:
    """(ts, value) of a range-query result, without NaN/Inf (no requests in a step divides by zero)."""
    points = []
    for ts, value in result.get("values", []):
        number = float(value)
        if math.isfinite(number):
            points.append((float(ts), number))
    return points
