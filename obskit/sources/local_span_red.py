"""RED from spans in the local store, for services without request histograms: their entry spans (no parent,
or the parent in another service), over ALL spans of the window, as the spanmetrics connector counts them."""

from __future__ import annotations

import duckdb

from obskit.sources.local_span_groups import FAILED
from obskit.sources.metrics import Series
from obskit.sources.window import Window

RED_SQL = f"""
WITH s AS (
  SELECT trace_id, span_id, parent_span_id, service, start_ns, end_ns - start_ns AS dur, {FAILED} AS failed
  FROM spans WHERE start_ns >= $start AND start_ns < $end),
e AS (
  SELECT c.service, c.start_ns, c.dur, c.failed FROM s c
  LEFT JOIN s p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
  WHERE c.service IN (SELECT unnest($services)) AND (p.service IS NULL OR p.service <> c.service))
SELECT service, floor((start_ns - $start) / $step)::BIGINT AS bucket, count(*), sum(failed::INTEGER),
       quantile_cont(dur, [0.5, 0.95, 0.99])
FROM e GROUP BY service, bucket ORDER BY service, bucket
"""
MIN_SPANS = 10  # error ratio and quantiles of fewer spans in one step are noise (one failure of 5 is 20 %)
# a quantile q needs at least one span above it (n * (1 - q) >= 1): p95 from 20 spans, p99 from 100
MIN_POINT_SPANS = {"request_rate": 1, "error_ratio": MIN_SPANS, "latency_p50": MIN_SPANS, "latency_p95": 20,
                   "latency_p99": 100}
QUERY_TEXT = "entry spans (no parent, or the parent in another service) per step: count, failed, quantiles"


def span_red(con: duckdb.DuckDBPyConnection, services: list[str], window: Window) -> dict[str, list[Series]]:
    """request_rate, error_ratio and latency_p50/p95/p99 per service, labelled {"source": "spans"}; a step
    with fewer than MIN_POINT_SPANS entry spans has a rate but no ratio or that quantile."""
    if not services:
        return {}
    rows = con.cursor().execute(RED_SQL, {"start": int(window.start * 1e9), "end": int(window.end * 1e9),
                                          "step": int(window.step * 1e9), "services": services}).fetchall()
    out: dict[str, dict[str, Series]] = {}
    names = ("request_rate", "error_ratio", "latency_p50", "latency_p95", "latency_p99")
    for service, bucket, n, failed, quantiles in rows:
        series = out.setdefault(service, {name: Series(name, service, [], {"source": "spans"}, QUERY_TEXT)
                                          for name in names})
        ts = window.start + int(bucket) * window.step
        values = (n / window.step, failed / n, *(q / 1e9 for q in quantiles))
        for name, value in zip(names, values, strict=True):
            if n >= MIN_POINT_SPANS[name]:
                series[name].points.append((ts, round(value, 9)))
                series[name].counts.append(int(n))
    return {service: [s for s in series.values() if s.points] for service, series in out.items()}
