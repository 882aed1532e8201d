"""OpenSLO v1 ``kind: SLO`` -> :class:`~obskit.alerts.slospec.SLO`.

Supported: the indicator inline (``indicator``) or by name (``indicatorRef`` -> a ``kind: SLI`` document
of the same tree) with ``ratioMetric`` (``good``/``total`` or ``bad``/``total``) or ``thresholdMetric``,
Prometheus metric sources (``{{.window}}`` in a query is each alert window, the Sloth convention, or with
time slices the slice length); every ``budgetingMethod``: ``Occurrences`` (events) and ``Timeslices``/
``RatioTimeslices`` (see :mod:`obskit.alerts.openslo_timeslices` and docs/slos.md); one ``timeWindow``,
rolling or calendar-aligned (approximated by a rolling window, with a lint warning); one or more
objectives (``target`` or ``targetPercent``, ``op``/``value``, ``timeSliceTarget``/``timeSliceWindow``;
each objective beyond the first becomes its own SLO ``<name>-<objective>``); ``alertPolicies`` inline or
by ``alertPolicyRef``, whose ``burnrate`` conditions become the SLO's alerts (instead of Sloth's default
page/ticket alerts). Refused as "not supported", naming the field: raw ratios, other metric source types,
composite objectives, alerts on no data.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from obskit.alerts.openslo_refs import OpenSloIndex
from obskit.alerts.openslo_timeslices import (
    OPS,
    SliceObjective,
    budgeting_method,
    slice_objective,
    time_window,
    timeslices,
)
from obskit.alerts.slospec import SLO, PolicyAlert, SpecReader, check_queries, parse_percent
from obskit.alerts.yamlsource import YamlDoc
from obskit.duration import parse_duration

TOP = {"apiVersion", "kind", "metadata", "spec"}
METADATA = {"name", "displayName", "labels", "annotations", "namespace"}
SPEC = {"description", "service", "indicator", "indicatorRef", "timeWindow", "budgetingMethod", "objectives",
        "alertPolicies"}
INDICATOR_SPEC = {"description", "ratioMetric", "thresholdMetric"}
RATIO = {"counter", "good", "bad", "total", "raw", "rawType"}
METRIC_SOURCE = {"type", "spec", "metricSourceRef"}
OBJECTIVE = {"displayName", "target", "targetPercent", "op", "value", "timeSliceTarget", "timeSliceWindow",
             "indicator", "indicatorRef", "compositeWeight"}
POLICY_SPEC = {"description", "alertWhenNoData", "alertWhenResolved", "alertWhenBreaching", "conditions",
               "notificationTargets"}
CONDITION_SPEC = {"description", "severity", "condition"}
CONDITION = {"kind", "op", "threshold", "lookbackWindow", "alertAfter"}
SLOTH_SEVERITY = {"page": "critical", "ticket": "warning"}


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^a-zA-Z0-9]+", name) if part)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _items(r: SpecReader, key: tuple[Any, ...], value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise r.fail(key, f"{what} must be a list")
    return value


def _query(r: SpecReader, key: tuple[Any, ...], raw: Any, what: str) -> str:
    source = r.mapping(key, raw, {"metricSource"}, what)
    ms_key = (*key, "metricSource")
    ms = r.mapping(ms_key, source.get("metricSource"), METRIC_SOURCE, f"{what}.metricSource")
    if str(ms.get("type", "")).lower() != "prometheus":
        if "type" not in ms and "metricSourceRef" in ms:
            raise r.fail(ms_key, f"{what}.metricSource: add `type: Prometheus` (obskit reads Prometheus "
                         "queries only; the DataSource is not consulted)")
        raise r.refuse((*ms_key, "type"), f"{what}.metricSource.type {ms.get('type')!r}",
                       "only Prometheus queries can become Prometheus rules")
    spec = r.mapping((*ms_key, "spec"), ms.get("spec"), {"query", "promql"}, f"{what}.metricSource.spec")
    name = "promql" if "promql" in spec else "query"
    return r.text((*ms_key, "spec", name), spec.get(name), f"{what} query").strip()


Indicator = tuple[str, str, str | None, tuple[Any, ...]]  # error query, total query, threshold query, its key


def _indicator(r: SpecReader, key: tuple[Any, ...], raw: Any, slices: bool) -> Indicator:
    """An SLI's ``spec``: a ratioMetric (error and total queries) or a thresholdMetric (one query).

    ``slices``: the SLO is measured per time slice, where ``{{.window}}`` (the slice length) is optional."""
    spec = r.mapping(key, raw, INDICATOR_SPEC, "indicator spec")
    if ("thresholdMetric" in spec) == ("ratioMetric" in spec):
        raise r.fail(key, "an indicator needs exactly one of ratioMetric or thresholdMetric")
    if "thresholdMetric" in spec:
        t_key = (*key, "thresholdMetric")
        return "", "", _query(r, t_key, spec["thresholdMetric"], "thresholdMetric"), t_key
    rm_key = (*key, "ratioMetric")
    ratio = r.mapping(rm_key, spec.get("ratioMetric"), RATIO, "ratioMetric")
    if "raw" in ratio or "rawType" in ratio:
        raise r.refuse((*rm_key, "raw" if "raw" in ratio else "rawType"), "ratioMetric.raw",
                       "use good/bad and total (or a Sloth spec with sli.raw)")
    if "total" not in ratio or ("good" in ratio) == ("bad" in ratio):
        raise r.fail(rm_key, "ratioMetric needs total and exactly one of good or bad")
    total = _query(r, (*rm_key, "total"), ratio["total"], "total")
    if "bad" in ratio:
        error = _query(r, (*rm_key, "bad"), ratio["bad"], "bad")
        check_queries(r, (*rm_key, "bad"), error, total, need_window=not slices)
        return error, total, None, (*rm_key, "bad")
    good = _query(r, (*rm_key, "good"), ratio["good"], "good")
    check_queries(r, (*rm_key, "good"), good, total, need_window=not slices)
    return f"({total}) - ({good})", total, None, (*rm_key, "good")


def _resolve_indicator(r: SpecReader, spec: dict[str, Any], index: OpenSloIndex, slices: bool
                       ) -> tuple[SpecReader, Indicator]:
    if ("indicator" in spec) == ("indicatorRef" in spec):
        raise r.fail(("spec",), "an SLO needs exactly one of indicator (inline SLI) or indicatorRef")
    if "indicator" in spec:
        ind = r.mapping(("spec", "indicator"), spec["indicator"], {"metadata", "spec"}, "indicator")
        return r, _indicator(r, ("spec", "indicator", "spec"), ind.get("spec"), slices)
    name = r.text(("spec", "indicatorRef"), spec["indicatorRef"], "indicatorRef")
    sli = SpecReader(index.get("SLI", name, r.doc, ("spec", "indicatorRef")))
    top = sli.mapping((), sli.doc.data, TOP, "the OpenSLO SLI")
    sli.mapping(("metadata",), top.get("metadata"), METADATA, "metadata")
    return sli, _indicator(sli, ("spec",), top.get("spec"), slices)


def _condition(r: SpecReader, key: tuple[Any, ...], raw: Any, index: OpenSloIndex) -> tuple[SpecReader, dict,
                                                                                            tuple[Any, ...]]:
    """(reader of the condition's document, its mapping, key of the condition object) inline or by ref."""
    item = r.mapping(key, raw, {"conditionRef", "kind", "metadata", "spec"}, "a condition")
    if "conditionRef" in item:
        ref = r.text((*key, "conditionRef"), item["conditionRef"], "conditionRef")
        doc = index.get("AlertCondition", ref, r.doc, (*key, "conditionRef"))
        other = SpecReader(doc)
        return other, other.mapping((), doc.data, TOP, "the OpenSLO AlertCondition"), ()
    return r, item, key


def _policy_alerts(r: SpecReader, key: tuple[Any, ...], raw: Any, index: OpenSloIndex, base: str
                   ) -> list[PolicyAlert]:
    item = r.mapping(key, raw, {"alertPolicyRef", "kind", "metadata", "spec"}, "an alert policy")
    if "alertPolicyRef" in item:
        ref = r.text((*key, "alertPolicyRef"), item["alertPolicyRef"], "alertPolicyRef")
        r = SpecReader(index.get("AlertPolicy", ref, r.doc, (*key, "alertPolicyRef")))
        item, key = r.mapping((), r.doc.data, TOP, "the OpenSLO AlertPolicy"), ()
    meta = r.mapping((*key, "metadata"), item.get("metadata"), METADATA, "metadata")
    policy = r.text((*key, "metadata", "name"), meta.get("name"), "alert policy metadata.name")
    spec = r.mapping((*key, "spec"), item.get("spec"), POLICY_SPEC, "alert policy spec")
    if spec.get("alertWhenNoData") is True:
        raise r.refuse((*key, "spec", "alertWhenNoData"), "alertWhenNoData: true",
                       "add an absent() alert for the SLI's metrics instead")
    if spec.get("alertWhenBreaching") is False:
        raise r.refuse((*key, "spec", "alertWhenBreaching"), "alertWhenBreaching: false",
                       "a generated alert fires when its condition breaches")
    targets = []
    for ti, target in enumerate(_items(r, (*key, "spec", "notificationTargets"), spec.get("notificationTargets"),
                                       "notificationTargets")):
        t_key = (*key, "spec", "notificationTargets", ti)
        t = r.mapping(t_key, target, {"targetRef", "kind", "metadata", "spec"}, "a notification target")
        if "targetRef" in t:
            targets.append(r.text((*t_key, "targetRef"), t["targetRef"], "targetRef"))
        else:
            t_meta = r.mapping((*t_key, "metadata"), t.get("metadata"), METADATA, "metadata")
            targets.append(r.text((*t_key, "metadata", "name"), t_meta.get("name"), "target metadata.name"))
    conditions = spec.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        raise r.fail((*key, "spec", "conditions"), "an alert policy needs a list of conditions")
    out = []
    for ci, raw_condition in enumerate(conditions):
        c_reader, cond, c_key = _condition(r, (*key, "spec", "conditions", ci), raw_condition, index)
        c_meta = c_reader.mapping((*c_key, "metadata"), cond.get("metadata"), METADATA, "metadata")
        c_spec = c_reader.mapping((*c_key, "spec"), cond.get("spec"), CONDITION_SPEC, "alert condition spec")
        body_key = (*c_key, "spec", "condition")
        body = c_reader.mapping(body_key, c_spec.get("condition"), CONDITION, "condition")
        kind = body.get("kind", "burnrate")
        if kind != "burnrate":
            raise c_reader.refuse((*body_key, "kind"), f"condition kind {kind!r}", "only burnrate conditions")
        op = str(body.get("op", ""))
        if op not in OPS:
            raise c_reader.fail((*body_key, "op"), f"op {op!r}: expected one of {', '.join(OPS)}")
        try:
            threshold = Decimal(str(body.get("threshold")))
        except InvalidOperation:
            raise c_reader.fail((*body_key, "threshold"), "threshold must be a number (a burn rate)") from None
        window = c_reader.text((*body_key, "lookbackWindow"), body.get("lookbackWindow"), "lookbackWindow")
        after = c_reader.text((*body_key, "alertAfter"), body.get("alertAfter"), "alertAfter", required=False)
        for name, value in (("lookbackWindow", window), ("alertAfter", after)):
            try:
                if value:
                    parse_duration(value)
            except ValueError as exc:
                raise c_reader.fail((*body_key, name), f"{name}: {exc}") from None
        severity = c_reader.text((*c_key, "spec", "severity"), c_spec.get("severity"), "severity")
        # page/ticket are Sloth's severities: same labels as Sloth's alerts so routes keep working
        labels = ({"severity": SLOTH_SEVERITY[severity], "sloth_severity": severity} if severity in SLOTH_SEVERITY
                  else {"severity": severity})
        labels["openslo_alert_policy"] = policy
        if targets:
            labels["notification_target"] = ",".join(targets)
        annotations = {}
        description = c_spec.get("description") or spec.get("description")
        if description:
            annotations["description"] = str(description)
        condition_name = str(c_meta.get("name") or policy)
        out.append(PolicyAlert(name=f"{base}{camel(condition_name)}", window=window, op=OPS[op],
                               threshold=threshold.normalize(), for_=after or None, labels=labels,
                               annotations=annotations))
    return out


def _objectives(r: SpecReader, spec: dict[str, Any], method: str, threshold: bool
                ) -> list[tuple[str | None, Decimal, SliceObjective]]:
    objectives = spec.get("objectives")
    if not isinstance(objectives, list) or not objectives:
        raise r.fail(("spec", "objectives"), "objectives must be a non-empty list")
    out: list[tuple[str | None, Decimal, SliceObjective]] = []
    for i, raw in enumerate(objectives):
        key = ("spec", "objectives", i)
        obj = r.mapping(key, raw, OBJECTIVE, f"objectives[{i}]")
        for name in ("indicator", "indicatorRef", "compositeWeight"):
            if name in obj:
                raise r.refuse((*key, name), f"objectives[].{name}", "give the indicator on the SLO (composite "
                               "SLOs are not generated)")
        if ("target" in obj) == ("targetPercent" in obj):
            raise r.fail(key, "an objective needs exactly one of target (ratio) or targetPercent")
        if "target" in obj:
            percent = parse_percent(r, (*key, "target"), obj["target"], ratio=True)
        else:
            percent = parse_percent(r, (*key, "targetPercent"), obj["targetPercent"])
        slices = slice_objective(r, key, obj, method, threshold)
        label = str(obj.get("displayName") or "") or None
        out.append((_slug(label) if label else (str(i) if i else None), percent, slices))
    return out


def parse_openslo(doc: YamlDoc, index: OpenSloIndex | None = None) -> list[SLO]:
    index = index or OpenSloIndex()
    index.add(doc)
    r = SpecReader(doc)
    top = r.mapping((), doc.data, TOP, "the OpenSLO document")
    if top.get("apiVersion") != "openslo/v1":
        raise r.refuse(("apiVersion",), f"apiVersion {top.get('apiVersion')!r}", "only openslo/v1 is read")
    if top.get("kind") != "SLO":
        raise r.fail(("kind",), f"kind {top.get('kind')!r}: only kind SLO makes rules")
    meta = r.mapping(("metadata",), top.get("metadata"), METADATA, "metadata")
    name = r.text(("metadata", "name"), meta.get("name"), "metadata.name")
    spec = r.mapping(("spec",), top.get("spec"), SPEC, "spec")
    service = r.text(("spec", "service"), spec.get("service"), "spec.service")
    method = budgeting_method(r, spec)
    period, calendar = time_window(r, spec)
    source, (error, total, threshold, qkey) = _resolve_indicator(r, spec, index, slices=method != "Occurrences")
    objectives = _objectives(r, spec, method, threshold is not None)
    base = f"{camel(service)}{camel(name)}"
    policies: list[PolicyAlert] = []
    for pi, raw in enumerate(_items(r, ("spec", "alertPolicies"), spec.get("alertPolicies"), "alertPolicies")):
        policies.extend(_policy_alerts(r, ("spec", "alertPolicies", pi), raw, index, base))
    out = []
    for suffix, objective, slice_obj in objectives:
        slices = timeslices(method, slice_obj, threshold, error, total)
        info = {"openslo_budgeting_method": method} if slices else {}  # the event path keeps Sloth's labels
        info |= {"openslo_calendar": calendar} if calendar else {}
        slo_name = f"{name}-{suffix}" if suffix and len(objectives) > 1 else name
        out.append(SLO(service=service, name=slo_name, objective=objective, error_query=error, total_query=total,
                       period=period, spec="openslo/v1",
                       description=r.text(("spec", "description"), spec.get("description"), "description",
                                          required=False),
                       labels=r.labels(("metadata", "labels"), meta.get("labels"), "metadata.labels"),
                       alert_name=f"{base}ErrorBudgetBurn",
                       # one alert name for every objective: a static label keeps their rules apart
                       alert_labels={"openslo_objective": suffix or "0"} if len(objectives) > 1 else {},
                       alert_annotations=r.labels(("metadata", "annotations"), meta.get("annotations"),
                                                  "metadata.annotations"),
                       policies=list(policies), origin=doc.origin(()), query_origin=source.doc.origin(qkey),
                       timeslices=slices, info=info))
    return out
