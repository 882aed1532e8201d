"""OpenSLO v1 ``kind: SLO`` -> :class:`~obskit.alerts.slospec.SLO`.

Supported: an inline ``indicator`` with ``ratioMetric`` (``good``/``total`` or ``bad``/``total``, Prometheus
metric sources whose queries contain ``{{.window}}``, the Sloth convention), one rolling ``timeWindow``
(e.g. 28d or 30d, which picks the burn-rate window catalogue) and one objective (``target`` as a ratio or
``targetPercent``). Anything else is an error that names the field: nothing is silently ignored.
"""

from __future__ import annotations

import re
from typing import Any

from obskit.alerts.ruleload import duration_problem
from obskit.alerts.slospec import SLO, SpecReader, check_queries, parse_percent
from obskit.alerts.yamlsource import YamlDoc

TOP = {"apiVersion", "kind", "metadata", "spec"}
METADATA = {"name", "displayName", "labels", "annotations"}
SPEC = {"description", "service", "indicator", "timeWindow", "budgetingMethod", "objectives"}
INDICATOR = {"metadata", "spec"}
INDICATOR_SPEC = {"ratioMetric"}
RATIO = {"counter", "good", "bad", "total"}
SOURCE = {"metricSource"}
METRIC_SOURCE = {"type", "spec", "metricSourceRef"}
WINDOW_KEYS = {"duration", "isRolling", "calendar"}
OBJECTIVE = {"displayName", "target", "targetPercent", "op", "value"}


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^a-zA-Z0-9]+", name) if part)


def _query(r: SpecReader, key: tuple[Any, ...], raw: Any, what: str) -> str:
    source = r.mapping(key, raw, SOURCE, what)
    ms_key = (*key, "metricSource")
    ms = r.mapping(ms_key, source.get("metricSource"), METRIC_SOURCE, f"{what}.metricSource")
    if "metricSourceRef" in ms:
        raise r.fail((*ms_key, "metricSourceRef"), "metricSourceRef is not supported; inline the Prometheus query")
    if str(ms.get("type", "")).lower() != "prometheus":
        raise r.fail((*ms_key, "type"), f"{what}.metricSource.type must be Prometheus")
    spec = r.mapping((*ms_key, "spec"), ms.get("spec"), {"query"}, f"{what}.metricSource.spec")
    return r.text((*ms_key, "spec", "query"), spec.get("query"), f"{what} query").strip()


def parse_openslo(doc: YamlDoc) -> list[SLO]:
    r = SpecReader(doc)
    top = r.mapping((), doc.data, TOP, "the OpenSLO document")
    if top.get("apiVersion") != "openslo/v1":
        raise r.fail(("apiVersion",), f"apiVersion {top.get('apiVersion')!r}: only openslo/v1 is supported")
    if top.get("kind") != "SLO":
        raise r.fail(("kind",), f"kind {top.get('kind')!r}: only kind SLO is supported")
    meta = r.mapping(("metadata",), top.get("metadata"), METADATA, "metadata")
    name = r.text(("metadata", "name"), meta.get("name"), "metadata.name")
    spec = r.mapping(("spec",), top.get("spec"), SPEC, "spec")
    service = r.text(("spec", "service"), spec.get("service"), "spec.service")
    method = spec.get("budgetingMethod", "Occurrences")
    if method != "Occurrences":
        raise r.fail(("spec", "budgetingMethod"), f"budgetingMethod {method!r}: only Occurrences is supported")
    windows = spec.get("timeWindow")
    if not isinstance(windows, list) or len(windows) != 1:
        raise r.fail(("spec", "timeWindow"), "timeWindow must be a list with one rolling window (e.g. 28d)")
    tw = r.mapping(("spec", "timeWindow", 0), windows[0], WINDOW_KEYS, "timeWindow[0]")
    if tw.get("isRolling") is not True or "calendar" in tw:
        raise r.fail(("spec", "timeWindow", 0), "only rolling time windows (isRolling: true) are supported")
    period = r.text(("spec", "timeWindow", 0, "duration"), tw.get("duration"), "timeWindow[0].duration")
    if duration_problem(period) is not None or period == "0":
        raise r.fail(("spec", "timeWindow", 0, "duration"), f"timeWindow[0].duration: {period!r} is not a duration "
                     "such as 28d or 30d")
    objectives = spec.get("objectives")
    if not isinstance(objectives, list) or len(objectives) != 1:
        raise r.fail(("spec", "objectives"), "objectives must be a list with exactly one objective")
    obj_key = ("spec", "objectives", 0)
    obj = r.mapping(obj_key, objectives[0], OBJECTIVE, "objectives[0]")
    if ("target" in obj) == ("targetPercent" in obj):
        raise r.fail(obj_key, "an objective needs exactly one of target (ratio) or targetPercent")
    if "target" in obj:
        objective = parse_percent(r, (*obj_key, "target"), obj["target"], ratio=True)
    else:
        objective = parse_percent(r, (*obj_key, "targetPercent"), obj["targetPercent"])
    ind_key = ("spec", "indicator")
    if "indicator" not in spec:
        raise r.fail(("spec",), "spec.indicator is required (indicatorRef is not supported; inline the SLI)")
    ind = r.mapping(ind_key, spec["indicator"], INDICATOR, "indicator")
    ind_spec = r.mapping((*ind_key, "spec"), ind.get("spec"), INDICATOR_SPEC, "indicator.spec")
    rm_key = (*ind_key, "spec", "ratioMetric")
    ratio = r.mapping(rm_key, ind_spec.get("ratioMetric"), RATIO, "ratioMetric")
    if "total" not in ratio or ("good" in ratio) == ("bad" in ratio):
        raise r.fail(rm_key, "ratioMetric needs total and exactly one of good or bad")
    total = _query(r, (*rm_key, "total"), ratio["total"], "total")
    if "bad" in ratio:
        error, qkey = _query(r, (*rm_key, "bad"), ratio["bad"], "bad"), (*rm_key, "bad")
        check_queries(r, qkey, error, total)
    else:
        good, qkey = _query(r, (*rm_key, "good"), ratio["good"], "good"), (*rm_key, "good")
        check_queries(r, qkey, good, total)
        error = f"({total}) - ({good})"
    return [SLO(service=service, name=name, objective=objective, error_query=error, total_query=total,
                period=period, description=r.text(("spec", "description"), spec.get("description"), "description",
                                                  required=False),
                spec="openslo/v1", labels=r.labels(("metadata", "labels"), meta.get("labels"), "metadata.labels"),
                alert_name=f"{_camel(service)}{_camel(name)}ErrorBudgetBurn",
                alert_annotations=r.labels(("metadata", "annotations"), meta.get("annotations"),
                                           "metadata.annotations"),
                origin=doc.origin(()), query_origin=doc.origin(qkey))]
