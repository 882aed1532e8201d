"""SLO specs -> :class:`SLO`: Sloth ``prometheus/v1`` and OpenSLO ``v1`` (``kind: SLO``), validated strictly.

Every field is checked: unknown fields are errors that name the field and its line (never ignored);
objectives must be in (0, 100); event queries must contain ``{{.window}}`` and differ from each other.
Objectives are :class:`~decimal.Decimal` percentages taken from the text as written.

obskit extension (both formats accept it in Sloth's ``sli``): ``sli.latency`` builds the queries from a
histogram: ``{metric, threshold, selector}`` -> errors are requests slower than the ``le`` bucket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from obskit.alerts.model import Origin
from obskit.alerts.yamlsource import YamlDoc
from obskit.errors import InputError

WINDOW = "{{.window}}"
WINDOW_PATTERN = re.compile(r"\{\{\s*\.window\s*\}\}")
_METRIC_RE = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")


@dataclass
class AlertSpec:
    enabled: bool = True
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass
class SLO:
    service: str
    name: str
    objective: Decimal  # percent, e.g. Decimal("99.9")
    error_query: str  # contains {{.window}}
    total_query: str
    period: str = "30d"
    description: str = ""
    spec: str = "prometheus/v1"
    labels: dict[str, str] = field(default_factory=dict)
    alert_name: str | None = None  # None: no alerts (Sloth: alerting.name missing)
    alert_labels: dict[str, str] = field(default_factory=dict)
    alert_annotations: dict[str, str] = field(default_factory=dict)
    page: AlertSpec = field(default_factory=AlertSpec)
    ticket: AlertSpec = field(default_factory=AlertSpec)
    origin: Origin | None = None
    query_origin: Origin | None = None  # where the error query (or latency block) is written

    @property
    def id(self) -> str:
        return f"{self.service}-{self.name}"


class SpecReader:
    """Strict access to a YAML mapping with file:line errors."""

    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc

    def fail(self, key: tuple[Any, ...], message: str, of_key: bool = False) -> InputError:
        o = self.doc.origin(key, of_key=of_key)
        return InputError(f"{o.file}:{o.line}:{o.column}: {message}")

    def mapping(self, key: tuple[Any, ...], value: Any, allowed: set[str], what: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, f"{what} must be a mapping")
        for name in value:
            if name not in allowed:
                raise self.fail((*key, name), f"unknown field {name!r} in {what} "
                                f"(expected one of: {', '.join(sorted(allowed))})", of_key=True)
        return value

    def text(self, key: tuple[Any, ...], value: Any, what: str, required: bool = True) -> str:
        if value is None or value == "":
            if required:
                raise self.fail(key, f"{what} is required")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(key, f"{what} must be a string")
        return str(value)

    def labels(self, key: tuple[Any, ...], value: Any, what: str) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, f"{what} must be a mapping of strings")
        return {str(k): "" if v is None else str(v) for k, v in value.items()}


def parse_percent(reader: SpecReader, key: tuple[Any, ...], value: Any, ratio: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise reader.fail(key, "objective must be a number")
    try:
        number = Decimal(str(value))  # str(float) is the shortest round-trip text: 99.9 -> "99.9"
    except InvalidOperation:
        raise reader.fail(key, f"objective must be a number, got {value!r}") from None
    if not number.is_finite():
        raise reader.fail(key, f"objective must be a finite number, got {value!r}")
    if ratio:
        number *= 100
    if not Decimal(0) < number < Decimal(100):
        shown = f"{value} (= {number.normalize():f} %)" if ratio else f"{value}"
        raise reader.fail(key, f"objective {shown} is out of range: expected more than 0 and less than 100 %")
    return number.normalize()


def check_queries(reader: SpecReader, key: tuple[Any, ...], error: str, total: str) -> None:
    for name, query in (("error query", error), ("total query", total)):
        if not WINDOW_PATTERN.search(query):
            raise reader.fail(key, f"the {name} has no {WINDOW} placeholder; obskit fills it with each "
                              "alert window (5m, 1h, ...), e.g. rate(http_requests_total[{{.window}}])")
    if " ".join(error.split()) == " ".join(total.split()):
        raise reader.fail(key, "the error query equals the total query: the SLI would always be 100 % errors")


def _latency_queries(reader: SpecReader, key: tuple[Any, ...], raw: Any) -> tuple[str, str]:
    spec = reader.mapping(key, raw, {"metric", "threshold", "selector"}, "sli.latency")
    metric = reader.text((*key, "metric"), spec.get("metric"), "sli.latency.metric")
    if not _METRIC_RE.match(metric):
        raise reader.fail((*key, "metric"), f"not a metric name: {metric!r}")
    metric = metric.removesuffix("_bucket")
    threshold = reader.text((*key, "threshold"), spec.get("threshold"), "sli.latency.threshold")
    try:
        le = Decimal(threshold)
    except InvalidOperation:
        message = f"threshold must be a number (a histogram le bound), got {threshold!r}"
        raise reader.fail((*key, "threshold"), message) from None
    if not le.is_finite() or le <= 0:
        raise reader.fail((*key, "threshold"), "threshold must be positive")
    selector = reader.text((*key, "selector"), spec.get("selector"), "sli.latency.selector", required=False).strip()
    if any(c in selector for c in "{}"):
        raise reader.fail((*key, "selector"), 'selector is the matchers only, without braces: job="checkout"')
    sep = ", " if selector else ""
    total = f"sum(rate({metric}_count{{{selector}}}[{WINDOW}]))"
    good = f'sum(rate({metric}_bucket{{{selector}{sep}le="{threshold}"}}[{WINDOW}]))'
    return f"({total} - {good})", total


SLOTH_TOP = {"version", "service", "labels", "slos"}
SLOTH_SLO = {"name", "objective", "description", "labels", "sli", "alerting"}
SLOTH_SLI = {"events", "raw", "plugin", "latency"}
SLOTH_ALERTING = {"name", "labels", "annotations", "page_alert", "ticket_alert"}
SLOTH_ALERT = {"disable", "labels", "annotations"}


def parse_sloth(doc: YamlDoc) -> list[SLO]:
    r = SpecReader(doc)
    top = r.mapping((), doc.data, SLOTH_TOP, "the Sloth spec")
    service = r.text(("service",), top.get("service"), "service")
    if not _NAME_RE.match(service):
        raise r.fail(("service",), f"service {service!r}: use letters, digits, '-', '_' and '.'")
    common = r.labels(("labels",), top.get("labels"), "labels")
    raw_slos = top.get("slos")
    if not isinstance(raw_slos, list) or not raw_slos:
        raise r.fail(("slos",), "slos must be a non-empty list")
    out, names = [], set()
    for i, raw in enumerate(raw_slos):
        key: tuple[Any, ...] = ("slos", i)
        spec = r.mapping(key, raw, SLOTH_SLO, "an SLO")
        name = r.text((*key, "name"), spec.get("name"), "slos[].name")
        if not _NAME_RE.match(name):
            raise r.fail((*key, "name"), f"SLO name {name!r}: use letters, digits, '-', '_' and '.'")
        if name in names:
            raise r.fail((*key, "name"), f"duplicate SLO name {name!r}")
        names.add(name)
        if "objective" not in spec:
            raise r.fail(key, "objective is required (a percentage such as 99.9)")
        objective = parse_percent(r, (*key, "objective"), spec["objective"])
        sli_key = (*key, "sli")
        sli = r.mapping(sli_key, spec.get("sli"), SLOTH_SLI, "sli")
        if len(sli) != 1:
            raise r.fail(sli_key, "sli needs exactly one of events, raw or latency")
        if "plugin" in sli:
            raise r.fail((*sli_key, "plugin"), "sli.plugin is not supported by obskit; use events or latency")
        if "raw" in sli:
            raise r.fail((*sli_key, "raw"), "sli.raw is not supported yet; use events (error_query/total_query)")
        if "latency" in sli:
            error, total = _latency_queries(r, (*sli_key, "latency"), sli["latency"])
            qkey: tuple[Any, ...] = (*sli_key, "latency")
        else:
            ev_key = (*sli_key, "events")
            events = r.mapping(ev_key, sli["events"], {"error_query", "total_query"}, "sli.events")
            error = r.text((*ev_key, "error_query"), events.get("error_query"), "sli.events.error_query")
            total = r.text((*ev_key, "total_query"), events.get("total_query"), "sli.events.total_query")
            qkey = (*ev_key, "error_query")
            check_queries(r, qkey, error, total)
        al_key = (*key, "alerting")
        alerting = r.mapping(al_key, spec.get("alerting"), SLOTH_ALERTING, "alerting")
        slo = SLO(service=service, name=name, objective=objective, error_query=error.strip(),
                  total_query=total.strip(), description=r.text((*key, "description"), spec.get("description"),
                                                                "description", required=False),
                  labels={**common, **r.labels((*key, "labels"), spec.get("labels"), "labels")},
                  alert_name=r.text((*al_key, "name"), alerting.get("name"), "alerting.name", required=False) or None,
                  alert_labels=r.labels((*al_key, "labels"), alerting.get("labels"), "alerting.labels"),
                  alert_annotations=r.labels((*al_key, "annotations"), alerting.get("annotations"),
                                             "alerting.annotations"),
                  origin=doc.origin(key), query_origin=doc.origin(qkey))
        for sev in ("page", "ticket"):
            a_key = (*al_key, f"{sev}_alert")
            a = r.mapping(a_key, alerting.get(f"{sev}_alert"), SLOTH_ALERT, f"alerting.{sev}_alert")
            disable = a.get("disable", False)
            if not isinstance(disable, bool):
                raise r.fail((*a_key, "disable"), "disable must be true or false")
            setattr(slo, sev, AlertSpec(not disable, r.labels((*a_key, "labels"), a.get("labels"), "labels"),
                                        r.labels((*a_key, "annotations"), a.get("annotations"), "annotations")))
        out.append(slo)
    return out


def parse_spec(doc: YamlDoc) -> list[SLO]:
    """Parse a Sloth or OpenSLO document (see :func:`obskit.alerts.rulefiles.classify`)."""
    if isinstance(doc.data, dict) and str(doc.data.get("apiVersion", "")).startswith("openslo/"):
        from obskit.alerts.openslo import parse_openslo

        return parse_openslo(doc)
    return parse_sloth(doc)
