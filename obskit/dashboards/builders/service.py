"""service_dashboard(): a RED + saturation + logs + traces dashboard for one service.

Metric names come from the naming profile (obskit/conventions/metrics/*.yaml); saturation from the
kubernetes profile (cAdvisor + kube-state-metrics). Every value placed in a PromQL label matcher is
escaped; the service name in the Lucene logs query is escaped too; Explore links are URL-encoded.
"""

from __future__ import annotations

import json
import re
import warnings
from functools import cache

from grafana_foundation_sdk.builders import common as fcommon
from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import elasticsearch, logs, prometheus, table, timeseries
from grafana_foundation_sdk.models.common import (
    DataSourceRef,
    LegendDisplayMode,
    LegendPlacement,
    SortOrder,
    TooltipDisplayMode,
)
from grafana_foundation_sdk.models.dashboard import DashboardLinkType

from obskit.conventions import FieldMap, MetricProfile, field_map, metric_profile, saturation_profile
from obskit.dashboards.builders.raw import RawQuery
from obskit.dashboards.promql import quote
from obskit.quoting import lucene_phrase, url_segment

DEFAULT_PROFILE = "otel-semconv"  # used when a service names no profile (auto-detection needs Prometheus)
PROM = DataSourceRef(type_val="prometheus", uid="${datasource}")
LOGS = DataSourceRef(type_val="elasticsearch", uid="${logs_datasource}")
TRACES = DataSourceRef(type_val="jaeger", uid="${traces_datasource}")


def legend() -> fcommon.VizLegendOptions:
    return fcommon.VizLegendOptions().show_legend(True).display_mode(LegendDisplayMode.LIST).placement(
        LegendPlacement.BOTTOM)


def tooltip() -> fcommon.VizTooltipOptions:
    return fcommon.VizTooltipOptions().mode(TooltipDisplayMode.MULTI).sort(SortOrder.DESCENDING)




@cache
def _fields(name: str) -> FieldMap:
    """The log field map, parsed once (conventions.field_map reads its YAML on every call)."""
    return field_map(name)


def service_uid(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-").lower() or "service"
    return f"svc-{slug}"[:40]


def _matchers(pairs: dict[str, str]) -> str:
    return ", ".join(f"{label}={quote(value)}" for label, value in pairs.items())


def _number(value: float) -> str:
    return repr(value) if value != int(value) else str(int(value))


class _Queries:
    """The PromQL of one service under one profile."""

    def __init__(self, name: str, profile: MetricProfile) -> None:
        self.p = profile
        svc = {profile.service_labels[0]: name, **profile.extra_matchers}
        self.svc = _matchers(svc)
        self.err = _matchers(svc) + f", {profile.error_label}=~{quote(profile.error_regex)}"
        sat = saturation_profile()
        self.sat = sat
        self.pod = f'namespace=~"$namespace", {sat.pod_selector_label}={quote(name)}'

    def rate(self) -> str:
        return f"sum(rate({self.p.requests_metric}{{{self.svc}}}[$__rate_interval]))"

    def error_ratio(self) -> str:
        errors = f"sum(rate({self.p.requests_metric}{{{self.err}}}[$__rate_interval]))"
        return f"{errors} / {self.rate()}"

    def latency(self, q: float) -> str:
        expr = (f"histogram_quantile({_number(q)}, sum by (le) "
                f"(rate({self.p.latency_bucket_metric}{{{self.svc}}}[$__rate_interval])))")
        if self.p.latency_unit_seconds != 1:
            expr += f" * {_number(self.p.latency_unit_seconds)}"
        return expr

    def throttling(self) -> str:
        s = self.sat
        return (f"sum by (pod) (rate({s.cpu_throttled_periods}{{{self.pod}}}[$__rate_interval])) / "
                f"sum by (pod) (rate({s.cpu_periods}{{{self.pod}}}[$__rate_interval]))")

    def memory(self) -> str:
        s = self.sat
        limit = self.pod + (", " + _matchers(s.memory_limit_matchers) if s.memory_limit_matchers else "")
        return (f"sum by (pod) ({s.memory_working_set}{{{self.pod}}}) / "
                f"sum by (pod) ({s.memory_limit}{{{limit}}})")

    def restarts(self) -> str:
        return f"sum by (pod) (increase({self.sat.restarts}{{{self.pod}}}[1h]))"


def _ts(pid: int, title: str, unit: str, targets: list[tuple[str, str]], w: int = 8) -> timeseries.Panel:
    panel = (timeseries.Panel().id(pid).title(title).datasource(PROM).unit(unit).height(8).span(w)
             .legend(legend()).tooltip(tooltip()))
    for ref, (expr, legend_text) in zip("ABCDEFGH", targets, strict=False):
        panel = panel.with_target(prometheus.Dataquery().expr(expr).legend_format(legend_text).ref_id(ref))
    return panel


def _explore_link(title: str, datasource: str, query: dict[str, object]) -> db.DashboardLink:
    left = json.dumps({"datasource": datasource, "queries": [query], "range": {"from": "now-1h", "to": "now"}},
                      sort_keys=True, separators=(",", ":"))
    url = "/explore?left=" + url_segment(left, "${}")
    return db.DashboardLink(title).type(DashboardLinkType.LINK).url(url).target_blank(True).keep_time(True)


def service_dashboard(name: str, profile: str | None = None, *, namespace: str | None = None,
                      uid: str | None = None, title: str | None = None, field_map_name: str = "ecs") -> db.Dashboard:
    """The FSDK builder of a service dashboard; call ``.build()`` or hand it to obskit as is.

    ``profile`` names a metric naming profile (default otel-semconv); ``namespace`` limits the
    namespace variable to that Kubernetes namespace.
    """
    if not name:
        raise ValueError("service name must not be empty")
    prof = metric_profile(profile or DEFAULT_PROFILE)
    q = _Queries(name, prof)
    fields = _fields(field_map_name)
    ns_scope = f"namespace={quote(namespace)}, " if namespace else ""
    logs_query = (f"{fields.service}:{lucene_phrase(name)} AND "
                  f"{fields.level}:(warn OR warning OR error OR fatal OR critical)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dash = db.Dashboard(title or f"Service / {name}")
    dash = (
        dash.uid(uid or service_uid(name))
        .tags(["obskit", "service", f"profile:{prof.name}"])
        .description(f"RED, saturation, logs and traces for {name} ({prof.description}). Generated by obskit.")
        .time("now-6h", "now").refresh("1m").timezone("browser")
        .with_variable(db.DatasourceVariable("datasource").label("Metrics").type("prometheus"))
        .with_variable(db.DatasourceVariable("logs_datasource").label("Logs").type("elasticsearch"))
        .with_variable(db.DatasourceVariable("traces_datasource").label("Traces").type("jaeger"))
        .with_variable(
            db.QueryVariable("namespace").label("Namespace").datasource(PROM)
            .query(f"label_values({q.sat.restarts}{{{ns_scope}{q.sat.pod_selector_label}={quote(name)}}}, namespace)")
            .include_all(True).all_value(".*").multi(True)
        )
        .link(_explore_link("Explore metrics", "${datasource}", {"refId": "A", "expr": q.rate()}))
        .link(_explore_link("Explore logs", "${logs_datasource}", {"refId": "A", "query": logs_query}))
        .link(_explore_link("Explore traces", "${traces_datasource}",
                            {"refId": "A", "queryType": "search", "service": name}))
        .with_row(db.Row("Requests, errors, duration").id(1))
        .with_panel(_ts(2, "Request rate", "reqps", [(q.rate(), "requests")]))
        .with_panel(_ts(3, "Error ratio", "percentunit", [(q.error_ratio(), "errors")]))
        .with_panel(_ts(4, "Latency", "s", [(q.latency(0.5), "p50"), (q.latency(0.95), "p95"),
                                           (q.latency(0.99), "p99")]))
        .with_row(db.Row("Saturation").id(5))
        .with_panel(_ts(6, "CPU throttling", "percentunit", [(q.throttling(), "{{pod}}")]))
        .with_panel(_ts(7, "Memory vs limit", "percentunit", [(q.memory(), "{{pod}}")]))
        .with_panel(_ts(8, "Restarts (1h)", "short", [(q.restarts(), "{{pod}}")]))
        .with_row(db.Row("Logs and traces").id(9))
        .with_panel(
            logs.Panel().id(10).title("Warnings and errors").datasource(LOGS).height(10).span(12)
            .with_target(elasticsearch.Dataquery().ref_id("A").query(logs_query).time_field(fields.timestamp)
                         .metrics([elasticsearch.Logs().id("1")]))
        )
        .with_panel(
            table.Panel().id(11).title("Traces").datasource(TRACES).height(10).span(12)
            .with_target(RawQuery({"refId": "A", "queryType": "search", "service": name, "limit": 20,
                                   "datasource": {"type": "jaeger", "uid": "${traces_datasource}"}}))
        )
    )
    return dash
