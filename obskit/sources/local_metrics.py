"""MetricsSource over the local DuckDB store: RED from OTLP histograms (else from entry spans), saturation from
pod gauges named in obskit/conventions/pods/.

RED comes from the service's inbound request histograms (``http.server.request.duration`` and
friends, delta or cumulative); a service with none (a database) gets RED from its clients'
``db.client.operation.duration`` points whose ``server.address`` names it. Quantiles are
interpolated within histogram buckets the way PromQL's histogram_quantile does (obskit/sources/histogram.py).
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb

from obskit.conventions import GraphProfile, MetricProfile, PodSeries, metric_profiles, pod_profiles
from obskit.conventions import graph_profiles as conventions_graphs
from obskit.local.semconv import DB_CLIENT_DURATION, SERVER_DURATION, STATUS_ATTRIBUTES
from obskit.sources.histogram import counts_quantiles
from obskit.sources.intervals import Buckets, Tracker
from obskit.sources.local_graph import metric_edges
from obskit.sources.local_points import RESOURCE_LABELS, Catalog
from obskit.sources.local_profiles import ProfileRed
from obskit.sources.local_span_red import span_red
from obskit.sources.metrics import QUANTILE_LEVELS, QUANTILES, Series
from obskit.sources.traces import Edge
from obskit.sources.window import Window

HISTOGRAM_SQL = """
SELECT name, ts_ns, start_ns, temporality, attributes, pod, count, bounds, buckets
FROM metric_points
WHERE type = 'histogram' AND name IN ({names}) AND {who} AND ts_ns > ? AND ts_ns <= ?
ORDER BY ts_ns
"""
# the server histograms of several services in one scan (red_many); each service's rows as HISTOGRAM_SQL gives them
HISTOGRAM_MANY_SQL = """
SELECT service, name, ts_ns, start_ns, temporality, attributes, pod, count, bounds, buckets
FROM metric_points
WHERE type = 'histogram' AND name IN ({names}) AND service IN (SELECT unnest(?::VARCHAR[])) AND ts_ns > ?
  AND ts_ns <= ?
ORDER BY service, ts_ns
"""
WHO_SERVICE = "service = ?"
WHO_PEER = "(json_extract_string(attributes, '$.\"server.address\"') = ? " \
           "OR json_extract_string(attributes, '$.\"peer.service\"') = ?)"

# every pod gauge of one service in one query: per name, pod and step both aggregates (the profile says which)
GAUGE_SQL = """
SELECT service, name, pod, floor((ts_ns - 1 - $start) / $step)::BIGINT AS bucket, avg(value), max(value)
FROM metric_points
WHERE name IN (SELECT unnest($names)) AND service IN (SELECT unnest($services)) AND ts_ns > $lo AND ts_ns <= $end
  AND value IS NOT NULL
GROUP BY service, name, pod, bucket ORDER BY service, name, pod, bucket
"""


@dataclass
class _Bucket:
    count: float = 0.0
    errors: float = 0.0
    bounds: tuple[float, ...] | None = None
    buckets: list[float] = field(default_factory=list)


def _is_error(attrs: dict[str, object], database: bool) -> bool:
    if database:
        return "error.type" in attrs
    for key in STATUS_ATTRIBUTES:
        if key in attrs:
            try:
                return int(str(attrs[key])) >= 500 if key != "rpc.grpc.status_code" else int(str(attrs[key])) in (
                    2, 4, 13, 14, 15)
            except ValueError:
                return False
    return "error.type" in attrs


class LocalMetrics:
    name = "local"

    def __init__(self, con: duckdb.DuckDBPyConnection, profiles: dict[str, MetricProfile] | None = None,
                 graph_profiles: dict[str, GraphProfile] | None = None) -> None:
        """`profiles`/`graph_profiles`: the naming and graph profiles in the order to try them (default: the
        built-in ones; obskit.yaml adds and overrides through obskit.conventions.merged)."""
        self.con = con
        self.profiles = list((profiles if profiles is not None else metric_profiles()).values())
        self.graph_profiles = list((graph_profiles if graph_profiles is not None else conventions_graphs()).values())
        self._catalog: Catalog | None = None
        self._lock = threading.Lock()

    @property
    def catalog(self) -> Catalog:
        """The store's metric names by Prometheus name (read once: the store is opened read-only)."""
        with self._lock:
            if self._catalog is None:
                self._catalog = Catalog(self.con)
            return self._catalog

    def dependencies(self, window: Window) -> list[Edge]:
        """Caller -> callee edges from metrics (servicegraph connector, Istio, Linkerd, ... graph profiles),
        each with its origin; [] when the store has none of them."""
        return metric_edges(self.catalog, self.graph_profiles, window)

    def _database_rows(self, service: str, window: Window) -> tuple[str, list[tuple]]:
        """Database client histograms naming the service as their peer (a database has no spans of its own)."""
        sql = HISTOGRAM_SQL.format(names=", ".join("?" for _ in DB_CLIENT_DURATION), who=WHO_PEER)
        # one extra step before the window gives cumulative series a previous point to difference against
        params = [*DB_CLIENT_DURATION, service, service, int((window.start - window.step) * 1e9),
                  int(window.end * 1e9)]
        return sql, self.con.cursor().execute(sql, params).fetchall()

    def red(self, service: str, window: Window) -> list[Series]:
        """RED from request histograms, else through the naming profiles (summaries, counters, gauges), else
        from the service's entry spans."""
        return self.red_many([service], window).get(service, [])

    def _red_profiles(self, services: list[str], window: Window) -> dict[str, list[Series]]:
        return ProfileRed(self.catalog, self.profiles).red_many(services, window)

    def _server_rows_many(self, services: list[str], window: Window) -> dict[str, list[tuple]]:
        """Each service's own request histograms (HISTOGRAM_SQL's rows for it), every service in one query; one
        extra step before the window gives cumulative series a previous point to difference against."""
        names = list(SERVER_DURATION)
        rows = self.con.cursor().execute(
            HISTOGRAM_MANY_SQL.format(names=", ".join("?" for _ in names)),
            [*names, services, int((window.start - window.step) * 1e9), int(window.end * 1e9)]).fetchall()
        out: dict[str, list[tuple]] = {service: [] for service in services}
        for service, *row in rows:
            out[service].append(tuple(row))
        return out

    def _red_metrics(self, service: str, window: Window, server_rows: list[tuple]) -> list[Series]:
        """RED from the service's request histograms (`server_rows`, fetched for every service at once), else
        from database client histograms naming it as the peer."""
        database = False
        sql = HISTOGRAM_SQL.format(names=", ".join("?" for _ in SERVER_DURATION), who=WHO_SERVICE)
        rows = server_rows
        if not rows:
            database = True
            sql, rows = self._database_rows(service, window)
        if not rows:
            return []
        buckets: dict[int, _Bucket] = defaultdict(_Bucket)
        # the rows start one step before the window: a cumulative series that began before them has no earlier
        # point to difference against and is skipped until its second point
        tracker = Tracker(int(window.start * 1e9) - int(window.step * 1e9))
        grid = Buckets.of(window)
        failing: dict[str, bool] = {}  # per label set (rows repeat a few label sets many times)
        seconds: dict[tuple[str, tuple[float, ...]], tuple[float, ...]] = {}  # bounds in seconds per metric
        for name, ts, start, temporality, attrs_json, pod, count, bounds, counts in rows:
            unit = (DB_CLIENT_DURATION if database else SERVER_DURATION)[name]
            kind = "cumulative" if temporality == "cumulative" else "delta"  # unspecified: each point its own
            key = (name, attrs_json, pod)
            found = tracker.increase((*key, "count"), ts, start, count, kind)
            found_buckets = tracker.increase_list((*key, "buckets"), ts, start, counts, kind)
            if found is None:
                continue
            since, count = found
            # bucket counts cover the count's period; where they do not agree (count is not their sum) the
            # point still counts as requests, without a latency shape
            shape = found_buckets[1] if found_buckets is not None and found_buckets[0] == since else None
            error = failing.get(attrs_json)
            if error is None:
                error = failing[attrs_json] = _is_error(json.loads(attrs_json), database)
            key_bounds = (name, tuple(bounds or ()))
            scaled = seconds.get(key_bounds)
            if scaled is None:
                scaled = seconds[key_bounds] = tuple(x * unit for x in key_bounds[1])
            for index, share in grid.shares(since, ts):
                b = buckets[index]
                b.count += count * share
                if error:
                    b.errors += count * share
                if shape is None:
                    continue
                if b.bounds is None:
                    b.bounds, b.buckets = scaled, [float(c) * share for c in shape]
                elif b.bounds == scaled:
                    b.buckets = [x + y * share for x, y in zip(b.buckets, shape, strict=False)]
        series = {n: Series(n, service, [], query=sql.strip()) for n in ("request_rate", "error_ratio",
                                                                         *(q for q, _ in QUANTILES))}
        for index in sorted(buckets):
            b = buckets[index]
            ts = window.start + index * window.step
            series["request_rate"].points.append((ts, b.count / window.step))
            if b.count > 0:
                series["error_ratio"].points.append((ts, b.errors / b.count))
                values = counts_quantiles(QUANTILE_LEVELS, b.bounds or (), b.buckets)
                for (label, _), value in zip(QUANTILES, values, strict=True):
                    if value is not None:
                        series[label].points.append((ts, value))
        return [s for s in series.values() if s.points]

    def red_many(self, services: list[str], window: Window) -> dict[str, list[Series]]:
        """red() per service: the server histograms of all of them in one query; services without request
        histograms get RED from their entry spans in one query (series labelled {"source": "spans"})."""
        unique = list(dict.fromkeys(services))
        server = self._server_rows_many(unique, window) if unique else {}
        found = {service: self._red_metrics(service, window, server[service]) for service in unique}
        bare = [service for service, series in found.items() if not series]
        if bare:
            found.update({s: series for s, series in self._red_profiles(bare, window).items() if series})
        bare = [service for service, series in found.items() if not series]
        found.update(span_red(self.con, bare, window))
        return found

    def service_names(self, window: Window) -> list[str]:
        """Resource service names of the window's metric points, and the services the naming profiles find
        in point labels (istio's destination_workload, ...)."""
        rows = self.con.cursor().execute(
            "SELECT DISTINCT service FROM metric_points WHERE ts_ns > ? AND ts_ns <= ? AND service IS NOT NULL "
            "ORDER BY service", [int(window.start * 1e9), int(window.end * 1e9)]).fetchall()
        return sorted({r[0] for r in rows} | self._labelled_services(window))

    def _labelled_services(self, window: Window) -> set[str]:
        found: set[str] = set()
        lo, hi = int(window.start * 1e9), int(window.end * 1e9)
        for profile in self.profiles:
            labels = [label for label in profile.service_labels if label not in RESOURCE_LABELS]
            parts = self.catalog.find(profile.requests_metric, ("value", "count")) if labels else []
            for row in self.catalog.fetch({p.name for p in parts}, lo, hi) if parts else []:
                if row.matches(profile.extra_matchers):
                    found.update(v for v in (row.labels.get(label, "") for label in labels) if v)
        return found

    def saturation_many(self, services: list[str], window: Window) -> dict[str, list[Series]]:
        """Saturation series per pod of every service, in one query."""
        start_ns, step_ns = int(window.start * 1e9), int(window.step * 1e9)
        wanted = _pod_series()
        names = sorted({name for source in wanted.values() for name in source.names})
        unique = list(dict.fromkeys(services))
        rows = self.con.cursor().execute(GAUGE_SQL, {
            "start": start_ns, "step": step_ns, "names": names, "services": unique, "lo": start_ns - step_ns,
            "end": int(window.end * 1e9)}).fetchall()
        by_service: dict[str, dict[str, list[tuple]]] = {service: defaultdict(list) for service in unique}
        for service, name, pod, bucket, mean, peak in rows:
            by_service[service][name].append((pod, bucket, mean, peak))
        return {service: _saturation(service, by_name, wanted, window) for service, by_name in by_service.items()}

    def saturation(self, service: str, window: Window) -> list[Series]:
        """Saturation series per pod from the gauges named in conventions/pods/*.yaml (first name present)."""
        return self.saturation_many([service], window)[service]


def _saturation(service: str, by_name: dict[str, list[tuple]], wanted: dict[str, PodSeries],
                window: Window) -> list[Series]:
    out: list[Series] = []
    for label, source in wanted.items():
        metric = next((n for n in source.names if n in by_name), None)
        if metric is None:
            continue
        by_pod: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for pod, bucket, mean, peak in by_name[metric]:
            by_pod[pod or ""].append((window.start + bucket * window.step,
                                      float(peak if source.aggregate == "max" else mean)))
        for pod, points in sorted(by_pod.items()):
            if label == "restarts":  # the gauge counts restarts since creation: report the increase per step
                points = [(ts, max(0.0, v - points[i - 1][1]) if i else 0.0)
                          for i, (ts, v) in enumerate(points)]
            points = [(ts, round(v, 6)) for ts, v in points if ts >= window.start]
            if points:
                out.append(Series(label, service, points, labels={"pod": pod} if pod else {},
                                  query=GAUGE_SQL.strip()))
    return out


def _pod_series() -> dict[str, PodSeries]:
    merged: dict[str, PodSeries] = {}
    for profile in pod_profiles():
        for label, source in profile.series.items():
            merged.setdefault(label, source)
    return merged
