"""Sloth specs -> :class:`~obskit.alerts.slospec.SLO`: ``prometheus/v1`` files and ``PrometheusServiceLevel`` objects.

Both carry the same SLO description; the Kubernetes object (``apiVersion: sloth.slok.dev/v1``) nests it
under ``spec`` and spells the keys in camelCase (``errorQuery``, ``pageAlert``, ``sloPlugins``). One
parser serves both: :class:`_Names` turns a ``prometheus/v1`` key into the flavour being read.

Supported: ``sli.events``, ``sli.raw`` (``error_ratio_query``), obskit's ``sli.latency``, alerting with
page/ticket alerts (and their ``for``, which Sloth applies with its ``alert_for`` plugin and obskit
always), ``interval`` (rule group intervals: ``all`` or ``slierror``/``metadata``/``alert``). Plugin
chains are accepted when obskit already does what their plugins do (see sloth_plugins.yaml); other
plugins and ``sli.plugin`` run Go code inside Sloth and are refused as "not supported", naming the field.
"""

from __future__ import annotations

from typing import Any

from obskit.alerts.slospec import (
    NAME_RE,
    SLO,
    AlertSpec,
    SpecReader,
    check_queries,
    latency_queries,
    parse_percent,
)
from obskit.alerts.sloth_plugins import check_chain
from obskit.alerts.yamlsource import YamlDoc
from obskit.duration import parse_duration

K8S_API = "sloth.slok.dev/v1"
# the same SLO spec; Sloth writes Prometheus Operator or Google Managed Prometheus rule objects from them,
# obskit writes rule files (`alerts build --kind prometheusrule` for the operator)
K8S_KINDS = ("PrometheusServiceLevel", "ManagedPrometheusServiceLevel")
INTERVAL_KEYS = {"all", "slierror", "metadata", "alert"}


class _Names:
    """Field names of one flavour: ``prometheus/v1`` (snake_case) or the Kubernetes object (camelCase)."""

    def __init__(self, k8s: bool) -> None:
        self.k8s = k8s

    def __call__(self, snake: str) -> str:
        if not self.k8s or "_" not in snake:
            return snake
        head, *rest = snake.split("_")
        return head + "".join(part.title() for part in rest)


def _intervals(r: SpecReader, key: tuple[Any, ...], raw: Any) -> dict[str, str]:
    spec = r.mapping(key, raw, INTERVAL_KEYS, "interval")
    out = {}
    for name in sorted(spec):
        out[name] = r.text((*key, name), spec[name], f"interval.{name}")
        try:
            parse_duration(out[name])
        except ValueError as exc:
            raise r.fail((*key, name), f"interval.{name}: {exc}") from None
    if "all" in out:
        every = out.pop("all")
        out = {part: out.get(part, every) for part in ("slierror", "metadata", "alert")}
    return out


def _sli(r: SpecReader, key: tuple[Any, ...], raw: Any, n: _Names) -> tuple[str, str, str | None, tuple[Any, ...]]:
    """(error query, total query, raw error ratio query or None, key of the query for positions)."""
    sli = r.mapping(key, raw, {"events", "raw", "plugin", "latency"}, "sli")
    if "plugin" in sli:
        raise r.refuse((*key, "plugin"), "sli.plugin", "SLI plugins run Go code inside Sloth; write the SLI as "
                       "events or raw")
    if len(sli) != 1:
        raise r.fail(key, "sli needs exactly one of events, raw or latency")
    if "latency" in sli:
        error, total = latency_queries(r, (*key, "latency"), sli["latency"])
        return error, total, None, (*key, "latency")
    if "raw" in sli:
        raw_key = (*key, "raw")
        name = n("error_ratio_query")
        # Sloth's own raw example once spelled it errorRatioQuery in a prometheus/v1 file; accept both there
        allowed = {name} | ({"errorRatioQuery"} if not n.k8s else set())
        spec = r.mapping(raw_key, sli["raw"], allowed, "sli.raw")
        used = next((k for k in spec if k in allowed), name)
        query = r.text((*raw_key, used), spec.get(used), f"sli.raw.{name}").strip()
        check_queries(r, (*raw_key, used), query, None)
        return "", "", query, (*raw_key, used)
    ev_key = (*key, "events")
    error_name, total_name = n("error_query"), n("total_query")
    events = r.mapping(ev_key, sli["events"], {error_name, total_name}, "sli.events")
    error = r.text((*ev_key, error_name), events.get(error_name), f"sli.events.{error_name}")
    total = r.text((*ev_key, total_name), events.get(total_name), f"sli.events.{total_name}")
    check_queries(r, (*ev_key, error_name), error, total)
    return error.strip(), total.strip(), None, (*ev_key, error_name)


def _slo(r: SpecReader, key: tuple[Any, ...], raw: Any, service: str, common: dict[str, str], n: _Names) -> SLO:
    spec = r.mapping(key, raw, {"name", "objective", "description", "labels", "sli", "alerting", "plugins",
                                "interval"}, "an SLO")
    check_chain(r, (*key, "plugins"), spec.get("plugins"), "plugins")
    name = r.text((*key, "name"), spec.get("name"), "slos[].name")
    if not NAME_RE.match(name):
        raise r.fail((*key, "name"), f"SLO name {name!r}: use letters, digits, '-', '_' and '.'")
    if "objective" not in spec:
        raise r.fail(key, "objective is required (a percentage such as 99.9)")
    objective = parse_percent(r, (*key, "objective"), spec["objective"])
    error, total, ratio, qkey = _sli(r, (*key, "sli"), spec.get("sli"), n)
    al_key = (*key, "alerting")
    page_name, ticket_name = n("page_alert"), n("ticket_alert")
    alerting = r.mapping(al_key, spec.get("alerting"), {"name", "labels", "annotations", page_name, ticket_name},
                         "alerting")
    slo = SLO(service=service, name=name, objective=objective, error_query=error, total_query=total,
              error_ratio_query=ratio,
              description=r.text((*key, "description"), spec.get("description"), "description", required=False),
              labels={**common, **r.labels((*key, "labels"), spec.get("labels"), "labels")},
              alert_name=r.text((*al_key, "name"), alerting.get("name"), "alerting.name", required=False) or None,
              alert_labels=r.labels((*al_key, "labels"), alerting.get("labels"), "alerting.labels"),
              alert_annotations=r.labels((*al_key, "annotations"), alerting.get("annotations"),
                                         "alerting.annotations"),
              intervals=_intervals(r, (*key, "interval"), spec.get("interval")),
              origin=r.doc.origin(key), query_origin=r.doc.origin(qkey))
    for severity, field_name in (("page", page_name), ("ticket", ticket_name)):
        a_key = (*al_key, field_name)
        alert = r.mapping(a_key, alerting.get(field_name), {"disable", "labels", "annotations", "for"},
                          f"alerting.{field_name}")
        disable = alert.get("disable", False)
        if not isinstance(disable, bool):
            raise r.fail((*a_key, "disable"), "disable must be true or false")
        wait = r.text((*a_key, "for"), alert.get("for"), f"alerting.{field_name}.for", required=False) or None
        if wait is not None:
            try:
                parse_duration(wait)
            except ValueError as exc:
                raise r.fail((*a_key, "for"), f"alerting.{field_name}.for: {exc}") from None
        setattr(slo, severity, AlertSpec(not disable, r.labels((*a_key, "labels"), alert.get("labels"), "labels"),
                                         r.labels((*a_key, "annotations"), alert.get("annotations"),
                                                  "annotations"), wait))
    return slo


def parse_sloth(doc: YamlDoc) -> list[SLO]:
    """A ``prometheus/v1`` spec or a ``PrometheusServiceLevel`` object (one YAML document)."""
    r = SpecReader(doc)
    k8s = isinstance(doc.data, dict) and doc.data.get("kind") in K8S_KINDS
    n = _Names(k8s)
    base: tuple[Any, ...] = ()
    if k8s:
        top = r.mapping((), doc.data, {"apiVersion", "kind", "metadata", "spec", "status"}, "the Sloth object")
        if top.get("apiVersion") != K8S_API:
            raise r.fail(("apiVersion",), f"apiVersion {top.get('apiVersion')!r}: expected {K8S_API}")
        base = ("spec",)
        body = r.mapping(base, top.get("spec"), {"service", "labels", "sloPlugins", "slos"}, "spec")
    else:
        body = r.mapping((), doc.data, {"version", "service", "labels", "slo_plugins", "slos"}, "the Sloth spec")
    plugins_name = n("slo_plugins")
    check_chain(r, (*base, plugins_name), body.get(plugins_name), plugins_name)
    service = r.text((*base, "service"), body.get("service"), "service")
    if not NAME_RE.match(service):
        raise r.fail((*base, "service"), f"service {service!r}: use letters, digits, '-', '_' and '.'")
    common = r.labels((*base, "labels"), body.get("labels"), "labels")
    raw_slos = body.get("slos")
    if not isinstance(raw_slos, list) or not raw_slos:
        raise r.fail((*base, "slos"), "slos must be a non-empty list")
    out: list[SLO] = []
    for i, raw in enumerate(raw_slos):
        slo = _slo(r, (*base, "slos", i), raw, service, common, n)
        if any(other.name == slo.name for other in out):
            raise r.fail((*base, "slos", i, "name"), f"duplicate SLO name {slo.name!r}")
        out.append(slo)
    return out
