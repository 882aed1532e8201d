"""PromQL for RED and saturation, built from the metric naming profiles in obskit/conventions/.

Every value placed in a query goes through obskit.quoting (`quote()` here): a service name can never change a query's
structure (tests/unit/sources/test_promql.py parses the result with promql-parser to prove it). The
batched builders (`*_many`) select several services at once with an anchored regex alternation of
`regex_literal()`-escaped names and keep the service label in the result (`by (<label>)`).
"""

from __future__ import annotations

from obskit.conventions import MetricProfile, SaturationProfile
from obskit.quoting import REGEX_META, alternation, promql_matchers, regex_literal
from obskit.quoting import promql_string as quote
from obskit.sources.metrics import QUANTILES

__all__ = ["REGEX_META", "alternation", "quote", "regex_literal", "selector"]



def selector(matchers: dict[str, str], regex: dict[str, str] | None = None) -> str:
    return promql_matchers(matchers, regex)


def range_for(step: float) -> str:
    """Rate window: at least a minute (four 15 s scrapes), at least one step."""
    return f"{int(max(60.0, step))}s"


def red_queries(profile: MetricProfile, service_label: str, service: str, step: float,
                namespace: str | None = None) -> dict[str, str]:
    """RED for one service: each query's result is one label-less series."""
    queries = _red(profile, {service_label: service}, {}, [], step, namespace)
    queries.pop("latency_buckets", None)
    return queries


def red_queries_many(profile: MetricProfile, service_label: str, services: list[str], step: float,
                     namespace: str | None = None) -> dict[str, str]:
    """RED for several services in one query per signal, one series per service (labelled with
    `service_label`): request_rate and error_ratio as red_queries() gives them for each service alone,
    and `latency_buckets`, the bucket rates red_queries()'s histogram_quantile calls work on (one series
    per service and `le`): the quantiles come from them with obskit.sources.histogram, in seconds after
    multiplying by latency_scale(profile)."""
    queries = _red(profile, {}, {service_label: alternation(services)}, [service_label], step, namespace)
    return {name: query for name, query in queries.items()
            if name in ("request_rate", "error_ratio", "latency_buckets")}


def latency_scale(profile: MetricProfile) -> float:
    """The factor red_queries() multiplies quantiles by to get seconds (as written in the query)."""
    return float(f"{profile.latency_unit_seconds:g}")


def _red(profile: MetricProfile, matchers: dict[str, str], regex: dict[str, str], by: list[str], step: float,
         namespace: str | None) -> dict[str, str]:
    """The counter and histogram queries of a profile (those it has the metrics for); the other shapes
    (summaries, gauges, ratios) are in obskit/sources/promql_shapes.py."""
    matchers = {**matchers, **profile.extra_matchers}
    if namespace:
        matchers["namespace"] = namespace
    sel = selector(matchers, regex)
    window = range_for(step)
    agg = f"sum by ({', '.join(by)}) " if by else "sum"
    queries = {}
    if profile.requests_metric:
        total = f"{agg}(rate({profile.requests_metric}{sel}[{window}]))"
        queries["request_rate"] = total
        if profile.error_label and profile.error_regex:
            errors = selector(matchers, {**regex, profile.error_label: profile.error_regex})
            queries["error_ratio"] = f"{agg}(rate({profile.requests_metric}{errors}[{window}])) / {total}"
    if profile.latency_bucket_metric:
        unit = "" if profile.latency_unit_seconds == 1 else f" * {profile.latency_unit_seconds:g}"
        buckets = f"sum by ({', '.join(['le', *by])}) (rate({profile.latency_bucket_metric}{sel}[{window}]))"
        for name, q in QUANTILES:
            queries[name] = f"histogram_quantile({q:g}, {buckets}){unit}"
        queries["latency_buckets"] = buckets
    return queries


def detection_query(profile: MetricProfile, service_label: str, service: str) -> str:
    return f"{profile.presence_metric}{selector({service_label: service, **profile.extra_matchers})}"


def detection_query_many(profile: MetricProfile, service_label: str, services: list[str]) -> str:
    """The request metric's series of any of the services (for /api/v1/label/<label>/values)."""
    return (f"{profile.presence_metric}"
            f"{selector(profile.extra_matchers, {service_label: alternation(services)})}")


def saturation_queries(profile: SaturationProfile, service: str, step: float,
                       namespace: str | None = None) -> dict[str, str]:
    """Saturation for one service's pods: one series per pod (label `pod`)."""
    return _saturation(profile, {profile.pod_selector_label: service}, {}, ["pod"], step, namespace)


def saturation_queries_many(profile: SaturationProfile, services: list[str], step: float,
                            namespace: str | None = None) -> dict[str, str]:
    """Saturation for several services' pods at once: one series per (service label, pod)."""
    label = profile.pod_selector_label
    return _saturation(profile, {}, {label: alternation(services)}, [label, "pod"], step, namespace)


def _saturation(profile: SaturationProfile, matchers: dict[str, str], regex: dict[str, str], by: list[str],
                step: float, namespace: str | None) -> dict[str, str]:
    if namespace:
        matchers = {**matchers, "namespace": namespace}
    sel = selector(matchers, regex)
    limit_sel = selector({**matchers, **profile.memory_limit_matchers}, regex)
    window = range_for(step)
    group = f"by ({', '.join(by)})"
    used = f"sum {group} (rate({profile.cpu_usage}{sel}[{window}]))"
    cpu_limit = f"sum {group} ({profile.cpu_limit}{selector({**matchers, **profile.cpu_limit_matchers}, regex)})"
    cpu_request = (f"sum {group} ({profile.cpu_request}"
                   f"{selector({**matchers, **profile.cpu_request_matchers}, regex)})")
    return {
        "cpu_usage": used,
        # against the limit, or against the request for containers without a limit
        "cpu_vs_limit": f"{used} / {cpu_limit} or {used} / {cpu_request}",
        "cpu_throttling": f"sum {group} (rate({profile.cpu_throttled_periods}{sel}[{window}])) / "
                          f"sum {group} (rate({profile.cpu_periods}{sel}[{window}]))",
        "memory_vs_limit": f"max {group} ({profile.memory_working_set}{sel}) / "
                           f"max {group} ({profile.memory_limit}{limit_sel})",
        "restarts": f"sum {group} (increase({profile.restarts}{sel}[{int(max(step, 60))}s]))",
    }
