"""PromQL for RED and saturation, built from the metric naming profiles in obskit/conventions/.

Every value placed in a query goes through `quote()`: a service name can never change a query's
structure (tests/unit/sources/test_promql.py parses the result with promql-parser to prove it).
"""

from __future__ import annotations

from obskit.conventions import MetricProfile, SaturationProfile

QUANTILES = (("latency_p50", 0.5), ("latency_p95", 0.95), ("latency_p99", 0.99))


def quote(value: str) -> str:
    """A PromQL double-quoted string literal holding exactly `value`."""
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
               .replace("\t", "\\t"))
    return f'"{escaped}"'


def selector(matchers: dict[str, str], regex: dict[str, str] | None = None) -> str:
    parts = [f"{name}={quote(value)}" for name, value in sorted(matchers.items())]
    parts += [f"{name}=~{quote(value)}" for name, value in sorted((regex or {}).items())]
    return "{" + ", ".join(parts) + "}"


def range_for(step: float) -> str:
    """Rate window: at least a minute (four 15 s scrapes), at least one step."""
    return f"{int(max(60.0, step))}s"


def red_queries(profile: MetricProfile, service_label: str, service: str, step: float,
                namespace: str | None = None) -> dict[str, str]:
    matchers = {service_label: service, **profile.extra_matchers}
    if namespace:
        matchers["namespace"] = namespace
    sel = selector(matchers)
    errors = selector(matchers, {profile.error_label: profile.error_regex})
    window = range_for(step)
    total = f"sum(rate({profile.requests_metric}{sel}[{window}]))"
    queries = {
        "request_rate": total,
        "error_ratio": f"sum(rate({profile.requests_metric}{errors}[{window}])) / {total}",
    }
    unit = "" if profile.latency_unit_seconds == 1 else f" * {profile.latency_unit_seconds:g}"
    for name, q in QUANTILES:
        queries[name] = (f"histogram_quantile({q:g}, sum by (le) (rate({profile.latency_bucket_metric}{sel}"
                         f"[{window}]))){unit}")
    return queries


def detection_query(profile: MetricProfile, service_label: str, service: str) -> str:
    return f"{profile.requests_metric}{selector({service_label: service, **profile.extra_matchers})}"


def saturation_queries(profile: SaturationProfile, service: str, step: float,
                       namespace: str | None = None) -> dict[str, str]:
    matchers = {profile.pod_selector_label: service}
    if namespace:
        matchers["namespace"] = namespace
    sel = selector(matchers)
    limit_sel = selector({**matchers, **profile.memory_limit_matchers})
    window = range_for(step)
    return {
        "cpu_throttling": f"sum by (pod) (rate({profile.cpu_throttled_periods}{sel}[{window}])) / "
                          f"sum by (pod) (rate({profile.cpu_periods}{sel}[{window}]))",
        "memory_vs_limit": f"max by (pod) ({profile.memory_working_set}{sel}) / "
                           f"max by (pod) ({profile.memory_limit}{limit_sel})",
        "restarts": f"sum by (pod) (increase({profile.restarts}{sel}[{int(max(step, 60))}s]))",
    }
