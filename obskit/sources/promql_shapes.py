"""PromQL for the pre-aggregated shapes of a naming profile (summaries, means from _sum/_count, gauges of
percentiles, request rate/count gauges, failed-request counters, error/success ratio gauges) and for the
service graph profiles. Values go through promql.quote()/alternation(), as in obskit/sources/promql.py.

Every RED query keeps the service label (`by (<label>)`), whether it selects one service or several, so one
parser reads the answers; a summary's quantile series are fetched `by (<label>, quantile)`, weighted by each
series' request rate, and the 0.5, 0.95 and 0.99 levels picked on our side (a quantile label may be written
"0.99" or "0.990").
"""

from __future__ import annotations

from obskit.conventions import GraphProfile, MetricProfile
from obskit.sources.promql import range_for, selector

GAUGE_AGGREGATE = {"latency_p50": "max", "latency_p95": "max", "latency_p99": "max", "latency_mean": "avg"}


def _scaled(expr: str, factor: float) -> str:
    return expr if factor == 1 else f"({expr}) * {factor:g}"


def shape_queries(profile: MetricProfile, matchers: dict[str, str], regex: dict[str, str], label: str,
                  step: float, namespace: str | None) -> dict[str, str]:
    """Queries by signal: request_rate (from gauges, when the profile has no request counter), error_ratio (from
    a failed-request counter or a ratio gauge, when the profile has no error label), latency_summary (the
    quantile series), latency_mean, and latency_p50/p95/p99/mean from gauges (`gauge:<series>`)."""
    matchers = {**matchers, **profile.extra_matchers}
    if namespace:
        matchers["namespace"] = namespace
    sel = selector(matchers, regex)
    window = range_for(step)
    by = f"by ({label})"
    out: dict[str, str] = {}
    requests = None
    if profile.requests_metric:
        requests = f"sum {by} (rate({profile.requests_metric}{sel}[{window}]))"
    elif profile.request_rate_gauge:
        requests = out["request_rate"] = f"sum {by} ({profile.request_rate_gauge}{sel})"
    elif profile.request_count_gauge:
        period = profile.count_period_seconds or step
        requests = out["request_rate"] = f"sum {by} ({profile.request_count_gauge}{sel}) / {period:g}"
    if not (profile.error_label and profile.requests_metric):
        if profile.error_count_metric and requests:
            out["error_ratio"] = f"sum {by} (rate({profile.error_count_metric}{sel}[{window}])) / {requests}"
        elif profile.error_ratio_gauge:
            out["error_ratio"] = f"avg {by} ({profile.error_ratio_gauge}{sel}) / {profile.ratio_scale:g}"
        elif profile.success_ratio_gauge:
            out["error_ratio"] = f"1 - avg {by} ({profile.success_ratio_gauge}{sel}) / {profile.ratio_scale:g}"
    unit = profile.latency_unit_seconds
    if profile.latency_summary_metric:
        # quantiles weighted by each series' request rate (NaN quantiles of idle series drop out), else the
        # largest where a summary has no _count
        summary = profile.latency_summary_metric
        rate = f"rate({summary}_count{sel}[{window}])"
        weighted = (f"sum by ({label}, quantile) (({summary}{sel} >= 0) * ignoring(quantile) group_left {rate}) / "
                    f"ignoring(quantile) group_left sum by ({label}) ({rate})")
        out["latency_summary"] = _scaled(f"{weighted} or max by ({label}, quantile) ({summary}{sel} >= 0)", unit)
    family = profile.latency_family
    if family:
        out["latency_mean"] = _scaled(f"sum {by} (rate({family}_sum{sel}[{window}])) / "
                                      f"sum {by} (rate({family}_count{sel}[{window}]))", unit)
    for series, gauge in sorted(profile.latency_gauges.items()):
        out[f"gauge:{series}"] = _scaled(f"{GAUGE_AGGREGATE[series]} {by} ({gauge}{sel})", unit)
    return out


def graph_queries(profile: GraphProfile, seconds: int) -> dict[str, str]:
    """Instant queries (evaluated at the window's end over `seconds`) of calls, failed calls and latency per
    edge, `by` every caller and callee label (which one names the service is decided on our side)."""
    by = ", ".join(dict.fromkeys([*profile.caller_labels, *profile.callee_labels]))
    sel = selector(profile.extra_matchers)
    span = f"{max(1, seconds)}s"
    out = {"requests": f"sum by ({by}) (increase({profile.requests_metric}{sel}[{span}]))"}
    if profile.failed_metric:
        out["failed"] = f"sum by ({by}) (increase({profile.failed_metric}{sel}[{span}]))"
    elif profile.error_label and profile.error_regex:
        errors = selector(profile.extra_matchers, {profile.error_label: profile.error_regex})
        out["failed"] = f"sum by ({by}) (increase({profile.requests_metric}{errors}[{span}]))"
    if profile.latency_family:
        out["latency_sum"] = f"sum by ({by}) (increase({profile.latency_family}_sum{sel}[{span}]))"
        out["latency_count"] = f"sum by ({by}) (increase({profile.latency_family}_count{sel}[{span}]))"
    return out
