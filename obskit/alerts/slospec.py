"""The SLO model shared by every spec format, and the strict field reading the parsers use.

Parsers: :mod:`obskit.alerts.sloth` (Sloth ``prometheus/v1`` and ``PrometheusServiceLevel``) and
:mod:`obskit.alerts.openslo` (OpenSLO ``v1``); :mod:`obskit.alerts.slodocs` picks one per document.
Every field is checked: unknown fields are errors that name the field and its line (never ignored);
objectives must be in (0, 100); event queries must contain ``{{.window}}`` and differ from each other.
Objectives are :class:`~decimal.Decimal` percentages taken from the text as written.

obskit extension (Sloth's ``sli``): ``sli.latency`` builds the queries from a histogram:
``{metric, threshold, selector}`` -> errors are requests slower than the ``le`` bucket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from obskit.alerts.model import Origin
from obskit.alerts.yamlsource import YamlDoc
from obskit.errors import InputError

WINDOW = "{{.window}}"
WINDOW_PATTERN = re.compile(r"\{\{\s*\.window\s*\}\}")
_METRIC_RE = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")


@dataclass
class AlertSpec:
    enabled: bool = True
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    for_: str | None = None


@dataclass
class PolicyAlert:
    """One OpenSLO alert condition (``kind: burnrate``) of an alert policy: one alert rule."""

    name: str  # the alert name
    window: str  # lookbackWindow: the SLI window the burn rate is measured over
    op: str  # PromQL comparison: >, >=, <, <=
    threshold: Decimal  # burn rate
    for_: str | None = None  # alertAfter
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass
class TimeSlices:
    """An SLI measured per time slice (OpenSLO ``Timeslices``/``RatioTimeslices``, and ``thresholdMetric``).

    One recording rule per slice evaluates ``value_query`` every ``window`` (its ``{{.window}}`` filled with
    the slice length): the slice's success ratio (ratioMetric) or value (thresholdMetric). A slice is good
    when ``value op target``. ``average``: the SLI is the mean of the slice values (RatioTimeslices);
    otherwise the share of good slices (Timeslices; Occurrences of a thresholdMetric, one per evaluation).
    """

    method: str  # the OpenSLO budgetingMethod, for the info series
    window: str  # slice length: the slice group's evaluation interval
    value_query: str  # {{.window}} already filled
    op: str  # PromQL comparison: >=, >, <=, <
    target: Decimal  # timeSliceTarget (ratio) or the objective's value (threshold)
    average: bool = False


@dataclass
class SLO:
    service: str
    name: str
    objective: Decimal  # percent, e.g. Decimal("99.9")
    error_query: str  # contains {{.window}}
    total_query: str
    period: str | None = None  # None: the project default (alerts.slo_period, Sloth's --default-slo-period)
    error_ratio_query: str | None = None  # Sloth sli.raw: the error ratio itself; error/total queries unused
    intervals: dict[str, str] = field(default_factory=dict)  # Sloth interval: slierror/metadata/alert -> interval
    policies: list[PolicyAlert] = field(default_factory=list)  # OpenSLO alertPolicies: replace page/ticket alerts
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
    timeslices: TimeSlices | None = None  # set: the SLI is built from time slices (error/total queries unused)
    info: dict[str, str] = field(default_factory=dict)  # extra labels of the sloth_slo_info series

    @property
    def id(self) -> str:
        return f"{self.service}-{self.name}"

    @property
    def id_labels(self) -> dict[str, str]:
        """The labels that identify the SLO's series (Sloth's)."""
        return {"sloth_id": self.id, "sloth_service": self.service, "sloth_slo": self.name}


def exact(value: Decimal | Fraction | int) -> str:
    """An exact PromQL number: ``0.001``, ``14.4``, ``30``; ``(14 / 15)`` when no finite decimal exists."""
    frac = Fraction(value)
    den = frac.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    if den != 1:
        return f"({frac.numerator} / {frac.denominator})"
    return format((Decimal(frac.numerator) / Decimal(frac.denominator)).normalize(), "f")


def fill_window(query: str, window: str) -> str:
    """The query with every ``{{.window}}`` replaced by a range such as ``5m``."""
    return WINDOW_PATTERN.sub(window, query)


def scalar_text(value: Any) -> str:
    """A YAML scalar as Sloth (Go) prints it in a label: true/false lowercase, numbers as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


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

    def refuse(self, key: tuple[Any, ...], name: str, why: str) -> InputError:
        """A documented field of the source format that obskit does not implement: say so, name it."""
        return self.fail(key, f"{name} is not supported by obskit: {why}", of_key=True)

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
        return {str(k): scalar_text(v) for k, v in value.items()}


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


def check_queries(reader: SpecReader, key: tuple[Any, ...], error: str, total: str | None,
                  need_window: bool = True) -> None:
    """Both event queries (or, with ``total`` None, a raw error ratio query) use the window and differ.

    ``need_window`` False (time slices): ``{{.window}}`` is optional; a gauge ratio needs no range."""
    pairs = (("error query", error), ("total query", total)) if total is not None else (("error ratio query", error),)
    for name, query in pairs:
        if need_window and not WINDOW_PATTERN.search(query):
            raise reader.fail(key, f"the {name} has no {WINDOW} placeholder; obskit fills it with each "
                              "alert window (5m, 1h, ...), e.g. rate(http_requests_total[{{.window}}])")
    if total is not None and " ".join(error.split()) == " ".join(total.split()):
        raise reader.fail(key, "the error query equals the total query: the SLI would always be 100 % errors")


def latency_queries(reader: SpecReader, key: tuple[Any, ...], raw: Any) -> tuple[str, str]:
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
