"""Hand-written metrics of every metrics-only shape, in two encodings of the same traffic: OTLP/JSON lines for
the local store (summaries and counts per 5-minute period with their start times, cumulative counters, gauges
with start times) and OpenMetrics for a real Prometheus (scraped every 15 s, counters cumulative).

Every service serves 1.8 ok + 0.2 failing requests per second (error ratio 0.1) with p50 0.15 s, p95 0.3 s,
p99 0.4 s and a mean of 0.2 s (the OTLP summary service's failing requests are slower: SLOW_FAILURES; its
quantiles are the request-weighted ones, summary_quantile()); the graph edges carry the call rates in EDGES.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from obskit.conventions import MetricProfile

START = (int(time.time()) - 6 * 3600) // 3600 * 3600  # an hour boundary (Prometheus keeps recent blocks only)
HOURS = 2
END = START + HOURS * 3600
SCRAPE = 15  # Prometheus sample spacing
PERIOD = 300  # OTLP summaries, delta sums and count gauges cover 5 minutes
OK, FAILED = 1.8, 0.2  # requests per second
RATE, RATIO = OK + FAILED, FAILED / (OK + FAILED)
QUANTILES = {0.5: 0.15, 0.95: 0.3, 0.99: 0.4}  # seconds
SLOW_FAILURES = {0.5: 1.0, 0.95: 1.5, 0.99: 2.0}  # quantiles of the failing requests where they are apart
MEAN = 0.2

SUMMARY = "svc-summary"  # OTLP Summary http.server.request.duration (otel-semconv)
PROM_SUMMARY = "svc-prom-summary"  # http_requests_total{code} + summary http_request_duration_seconds
GAUGES = "svc-gauges"  # a user profile: count per period, availability %, latency gauges in ms
ISTIO_CALLEE = "svc-istio"  # its RED comes from istio_requests_total{destination_workload}

# caller, callee, calls per second, failed share, origin
EDGES = [("frontend", "checkout", 5.0, 0.1, "servicegraph"),
         ("checkout", ISTIO_CALLEE, 3.0, 0.2, "istio"),
         (ISTIO_CALLEE, "stock-db", 2.0, 0.05, "linkerd")]
EDGE_LATENCY = 0.05  # seconds per servicegraph call

GAUGE_PROFILE = MetricProfile(
    name="shop-gauges", description="hand-made aggregates", service_labels=["service"],
    request_count_gauge="shop_requests", count_period_seconds=PERIOD, success_ratio_gauge="shop_availability",
    ratio_scale=100, latency_gauges={"latency_p50": "shop_latency_p50_ms", "latency_p99": "shop_latency_p99_ms",
                                     "latency_mean": "shop_latency_avg_ms"}, latency_unit_seconds=0.001)


# --- OTLP/JSON -------------------------------------------------------------------------------------------
def _attrs(values: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for key, value in sorted(values.items()):
        typed = {"intValue": str(value)} if isinstance(value, int) else {"stringValue": str(value)}
        out.append({"key": key, "value": typed})
    return out


def _line(service: str, metrics: list[dict[str, Any]]) -> str:
    return json.dumps({"resourceMetrics": [{"resource": {"attributes": _attrs({"service.name": service})},
                                            "scopeMetrics": [{"metrics": metrics}]}]}) + "\n"


def _ns(t: float) -> str:
    return str(int(t * 10**9))


def _sum(name: str, points: list[tuple[float, float, dict[str, Any], float]], delta: bool) -> dict[str, Any]:
    return {"name": name, "sum": {"aggregationTemporality": 1 if delta else 2, "isMonotonic": True, "dataPoints": [
        {"startTimeUnixNano": _ns(start), "timeUnixNano": _ns(ts), "attributes": _attrs(a), "asDouble": v}
        for start, ts, a, v in points]}}


def _gauge(name: str, points: list[tuple[float, float, dict[str, Any], float]]) -> dict[str, Any]:
    return {"name": name, "gauge": {"dataPoints": [
        {"startTimeUnixNano": _ns(start), "timeUnixNano": _ns(ts), "attributes": _attrs(a), "asDouble": v}
        for start, ts, a, v in points]}}


def _summary_point(start: float, ts: float, attrs: dict[str, Any], count: float,
                   quantiles: dict[float, float] = QUANTILES) -> dict[str, Any]:
    return {"startTimeUnixNano": _ns(start), "timeUnixNano": _ns(ts), "attributes": _attrs(attrs),
            "count": str(round(count)), "sum": count * MEAN,
            "quantileValues": [{"quantile": q, "value": v} for q, v in quantiles.items()]}


def summary_quantile(q: float) -> float:
    """The SUMMARY service's q-quantile: its ok and failing series' quantiles weighted by their requests."""
    return (OK * QUANTILES[q] + FAILED * SLOW_FAILURES[q]) / RATE


def otlp_lines() -> Iterator[str]:
    periods = range(START + PERIOD, END + 1, PERIOD)
    # 1. OTLP Summary per 5-minute period (delta: each point starts where the last ended), split by status
    yield _line(SUMMARY, [{"name": "http.server.request.duration", "unit": "s", "summary": {"dataPoints": [
        _summary_point(ts - PERIOD, ts, {"http.response.status_code": code}, rate * PERIOD, quantiles)
        for ts in periods for code, rate, quantiles in ((200, OK, QUANTILES), (500, FAILED, SLOW_FAILURES))]}}])
    # 2. the Prometheus client shape: a cumulative counter by code and a cumulative summary, every minute
    minutes = range(START + 60, END + 1, 60)
    yield _line(PROM_SUMMARY, [
        _sum("http_requests_total", [(START, ts, {"code": code}, rate * (ts - START)) for ts in minutes
                                     for code, rate in (("200", OK), ("500", FAILED))], delta=False),
        {"name": "http_request_duration_seconds", "summary": {"dataPoints": [
            _summary_point(START, ts, {}, RATE * (ts - START)) for ts in minutes]}}])
    # 3. gauges of a whole period: requests in it, availability in percent, latency percentiles in ms
    per = [(ts - PERIOD, ts, {"service": GAUGES}) for ts in periods]
    yield _line("shop-exporter", [
        _gauge("shop_requests", [(s, t, a, RATE * PERIOD) for s, t, a in per]),
        _gauge("shop_availability", [(s, t, a, (1 - RATIO) * 100) for s, t, a in per]),
        _gauge("shop_latency_p50_ms", [(s, t, a, QUANTILES[0.5] * 1000) for s, t, a in per]),
        _gauge("shop_latency_p99_ms", [(s, t, a, QUANTILES[0.99] * 1000) for s, t, a in per]),
        _gauge("shop_latency_avg_ms", [(s, t, a, MEAN * 1000) for s, t, a in per])])
    # 4. graph edges: servicegraph as 5-minute deltas, Istio and Linkerd as cumulative counters
    (sg_caller, sg_callee, sg_rate, sg_failed, _), istio, linkerd = EDGES
    edge = {"client": sg_caller, "server": sg_callee, "connection_type": ""}
    yield _line("otel-collector", [
        _sum("traces_service_graph_request_total", [(t - PERIOD, t, edge, sg_rate * PERIOD) for t in periods], True),
        _sum("traces_service_graph_request_failed_total",
             [(t - PERIOD, t, edge, sg_rate * sg_failed * PERIOD) for t in periods], True),
        {"name": "traces_service_graph_request_server", "unit": "s", "histogram": {
            "aggregationTemporality": 1, "dataPoints": [
                {"startTimeUnixNano": _ns(t - PERIOD), "timeUnixNano": _ns(t), "attributes": _attrs(edge),
                 "count": str(round(sg_rate * PERIOD)), "sum": sg_rate * PERIOD * EDGE_LATENCY,
                 "explicitBounds": [0.1], "bucketCounts": [str(round(sg_rate * PERIOD)), "0"]} for t in periods]}}])
    istio_points = []
    for caller, callee, rate, failed, _ in (istio, ("unknown", ISTIO_CALLEE, 1.0, 0.0, "")):
        for code, share in (("200", 1 - failed), ("503", failed)):
            labels = {"reporter": "destination", "source_workload": caller, "destination_workload": callee,
                      "response_code": code}
            istio_points += [(START, ts, labels, rate * share * (ts - START)) for ts in minutes]
    yield _line("istio-proxy", [_sum("istio_requests_total", istio_points, delta=False)])
    caller, callee, rate, failed, _ = linkerd
    yield _line("linkerd-proxy", [_sum("response_total", [
        (START, ts, {"direction": "outbound", "deployment": caller, "dst_deployment": callee, "classification": cls},
         rate * share * (ts - START)) for ts in minutes for cls, share in (("success", 1 - failed),
                                                                           ("failure", failed))], delta=False)])


# --- OpenMetrics -----------------------------------------------------------------------------------------
def _family(name: str, series: list[tuple[dict[str, str], float]], counter: bool) -> list[str]:
    """Samples every SCRAPE seconds: counters grow at `value` per second, gauges stay at `value`."""
    lines = [f"# TYPE {name} unknown"]
    for labels, value in series:
        text = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        for ts in range(START, END + 1, SCRAPE):
            number = value * (ts - START) if counter else value
            lines.append(f"{name}{{{text}}} {number:g} {ts}")
    return lines


def openmetrics() -> str:
    lines: list[str] = []
    # 1. the OTLP summary as the Collector's Prometheus exporter writes it
    by_code = [({"job": SUMMARY, "http_response_status_code": code}, rate) for code, rate in (("200", OK),
                                                                                              ("500", FAILED))]
    base = "http_server_request_duration_seconds"
    lines += _family(base, [({**labels, "quantile": f"{q:g}"}, v) for (labels, _), quantiles in
                            zip(by_code, (QUANTILES, SLOW_FAILURES), strict=True) for q, v in quantiles.items()],
                     counter=False)
    lines += _family(f"{base}_count", by_code, counter=True)
    lines += _family(f"{base}_sum", [(labels, rate * MEAN) for labels, rate in by_code], counter=True)
    # 2. Prometheus client: counter by code and a summary
    lines += _family("http_requests_total", [({"job": PROM_SUMMARY, "code": "200"}, OK),
                                             ({"job": PROM_SUMMARY, "code": "500"}, FAILED)], counter=True)
    lines += _family("http_request_duration_seconds", [({"job": PROM_SUMMARY, "quantile": f"{q:g}"}, v)
                                                       for q, v in QUANTILES.items()], counter=False)
    lines += _family("http_request_duration_seconds_count", [({"job": PROM_SUMMARY}, RATE)], counter=True)
    lines += _family("http_request_duration_seconds_sum", [({"job": PROM_SUMMARY}, RATE * MEAN)], counter=True)
    # 3. gauges
    who = {"service": GAUGES}
    lines += _family("shop_requests", [(who, RATE * PERIOD)], counter=False)
    lines += _family("shop_availability", [(who, (1 - RATIO) * 100)], counter=False)
    lines += _family("shop_latency_p50_ms", [(who, QUANTILES[0.5] * 1000)], counter=False)
    lines += _family("shop_latency_p99_ms", [(who, QUANTILES[0.99] * 1000)], counter=False)
    lines += _family("shop_latency_avg_ms", [(who, MEAN * 1000)], counter=False)
    # 4. graph edges
    (sg_caller, sg_callee, sg_rate, sg_failed, _), istio, linkerd = EDGES
    edge = {"client": sg_caller, "server": sg_callee, "connection_type": ""}
    lines += _family("traces_service_graph_request_total", [(edge, sg_rate)], counter=True)
    lines += _family("traces_service_graph_request_failed_total", [(edge, sg_rate * sg_failed)], counter=True)
    lines += _family("traces_service_graph_request_server_seconds_count", [(edge, sg_rate)], counter=True)
    lines += _family("traces_service_graph_request_server_seconds_sum", [(edge, sg_rate * EDGE_LATENCY)],
                     counter=True)
    istio_series = []
    for caller, callee, rate, failed, _ in (istio, ("unknown", ISTIO_CALLEE, 1.0, 0.0, "")):
        for code, share in (("200", 1 - failed), ("503", failed)):
            istio_series.append(({"reporter": "destination", "source_workload": caller,
                                  "destination_workload": callee, "response_code": code}, rate * share))
    lines += _family("istio_requests_total", istio_series, counter=True)
    caller, callee, rate, failed, _ = linkerd
    lines += _family("response_total", [({"direction": "outbound", "deployment": caller, "dst_deployment": callee,
                                          "classification": cls}, rate * share)
                                        for cls, share in (("success", 1 - failed), ("failure", failed))],
                     counter=True)
    return "\n".join(lines) + "\n# EOF\n"


def expected_istio_red() -> tuple[float, float]:
    """(request rate, error ratio) of ISTIO_CALLEE: every caller's requests, the meshed one's failures."""
    _, _, rate, failed, _ = EDGES[1]
    return rate + 1.0, rate * failed / (rate + 1.0)
