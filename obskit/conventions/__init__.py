"""Telemetry conventions as data: metric naming profiles and log field maps (YAML beside this file).

Policy as data: adding a profile is adding a YAML file under metrics/ or fields/.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from obskit.errors import InputError

HERE = Path(__file__).parent
METRIC_NAME = r"^[a-zA-Z_:][a-zA-Z0-9_:]*$"  # a Prometheus metric name
LABEL_NAME = r"^[a-zA-Z_][a-zA-Z0-9_]*$"  # a Prometheus label name
LATENCY_GAUGE_SERIES = ("latency_p50", "latency_p95", "latency_p99", "latency_mean")

MetricName = Annotated[str, Field(pattern=METRIC_NAME)]
LabelName = Annotated[str, Field(pattern=LABEL_NAME)]


class MetricProfile(BaseModel):
    """How one instrumentation convention names RED metrics (Prometheus names; the local store matches OTLP
    metrics through their Prometheus names, obskit/sources/prom_names.py).

    Requests come from `requests_metric` (a counter, or a histogram/summary `_count`), else a gauge of requests
    per second (`request_rate_gauge`) or of requests per period (`request_count_gauge`). Errors come from
    `error_label`/`error_regex` on the requests, a counter of failed requests (`error_count_metric`), or a
    gauge of the error or success ratio (`ratio_scale` is the value meaning 100 %). Latency comes from a
    histogram (`latency_bucket_metric`), a summary (`latency_summary_metric`: `{quantile="0.99"}`, `_sum` and
    `_count`; the mean from `_sum/_count`) or gauges (`latency_gauges`: series name -> gauge), in the unit
    `latency_unit_seconds` says. Every field but `name`, `description` and `service_labels` is optional;
    a profile needs one source of requests."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str = ""
    service_labels: list[LabelName] = Field(min_length=1)  # tried in order; the first with series wins
    requests_metric: MetricName | None = None  # counter (or histogram/summary _count) of requests
    request_rate_gauge: MetricName | None = None  # requests per second
    request_count_gauge: MetricName | None = None  # requests in the period each point covers
    count_period_seconds: float | None = Field(default=None, gt=0)  # that period (Prometheus; OTLP has start times)
    latency_bucket_metric: MetricName | None = None  # histogram _bucket series
    latency_summary_metric: MetricName | None = None  # summary: quantile series, _sum and _count
    latency_gauges: dict[str, MetricName] = {}  # latency_p50|latency_p95|latency_p99|latency_mean -> gauge
    latency_unit_seconds: float = Field(default=1.0, gt=0)  # multiply latencies by this to get seconds
    error_label: LabelName | None = None
    error_regex: str | None = None
    error_count_metric: MetricName | None = None  # counter of failed requests
    error_ratio_gauge: MetricName | None = None
    success_ratio_gauge: MetricName | None = None  # availability
    ratio_scale: float = Field(default=1.0, gt=0)  # the value of a ratio gauge meaning 100 % (100 for percent)
    extra_matchers: dict[LabelName, str] = {}

    @field_validator("latency_gauges")
    @classmethod
    def _known_series(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(LATENCY_GAUGE_SERIES))
        if unknown:
            raise ValueError(f"unknown latency series {', '.join(unknown)}; expected {', '.join(LATENCY_GAUGE_SERIES)}")
        return value

    @model_validator(mode="after")
    def _complete(self) -> MetricProfile:
        if not (self.requests_metric or self.request_rate_gauge or self.request_count_gauge):
            raise ValueError("a profile needs requests_metric, request_rate_gauge or request_count_gauge")
        if (self.error_label is None) != (self.error_regex is None):
            raise ValueError("error_label and error_regex go together")
        return self

    @property
    def presence_metric(self) -> str:
        """The metric whose series show that a service uses this profile."""
        return self.requests_metric or self.request_count_gauge or self.request_rate_gauge or ""

    @property
    def latency_family(self) -> str | None:
        """The histogram or summary family whose _sum/_count give the mean latency."""
        if self.latency_bucket_metric and self.latency_bucket_metric.endswith("_bucket"):
            return self.latency_bucket_metric[: -len("_bucket")]
        return self.latency_summary_metric


class GraphProfile(BaseModel):
    """Where service-to-service call counts live in metrics (service graph without traces): the caller and
    callee are label values of a request counter (the first non-empty label of each list)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str = ""
    requests_metric: MetricName  # counter of calls per edge
    caller_labels: list[LabelName] = Field(min_length=1)
    callee_labels: list[LabelName] = Field(min_length=1)
    failed_metric: MetricName | None = None  # counter of failed calls per edge
    error_label: LabelName | None = None  # else: failed calls are requests with this label matching error_regex
    error_regex: str | None = None
    latency_family: MetricName | None = None  # histogram/summary family: mean call latency from _sum/_count
    latency_unit_seconds: float = Field(default=1.0, gt=0)
    extra_matchers: dict[LabelName, str] = {}
    ignore_values: list[str] = []  # caller/callee values that name no service (e.g. "unknown")

    @model_validator(mode="after")
    def _errors(self) -> GraphProfile:
        if (self.error_label is None) != (self.error_regex is None):
            raise ValueError("error_label and error_regex go together")
        return self


class SaturationProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    pod_selector_label: str
    cpu_throttled_periods: str
    cpu_periods: str
    cpu_usage: str  # CPU seconds used (counter)
    cpu_limit: str  # cores allowed; CPU used against it is saturation
    cpu_limit_matchers: dict[str, str] = {}
    cpu_request: str  # cores requested: the reference when a container has no limit
    cpu_request_matchers: dict[str, str] = {}
    memory_working_set: str
    memory_limit: str
    memory_limit_matchers: dict[str, str] = {}
    restarts: str
    last_terminated_reason: str


class PodSeries(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    names: list[str]  # tried in order; the first the service has points of is used
    aggregate: Literal["avg", "max"]  # over the pod's points in one step


class PodProfile(BaseModel):
    """Pod/container gauge names (OTel kubeletstats, k8s semconv) for saturation series of the local store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    series: dict[str, PodSeries]  # saturation series name -> where it comes from


class FieldMap(BaseModel):
    """Log document field names for one shipping convention."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    timestamp: str
    service: str
    level: str
    message: str
    trace_id: str
    span_id: str
    namespace: str
    pod: str


T = TypeVar("T", MetricProfile, GraphProfile)


def _load(path: Path, model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: invalid {model.__name__}: {exc}") from None


@cache
def metric_profiles() -> dict[str, MetricProfile]:
    """RED naming profiles by name, in detection order (file name order)."""
    profiles = {}
    for path in sorted((HERE / "metrics").glob("*.yaml")):
        if path.stem == "kubernetes":
            continue
        profile = _load(path, MetricProfile)
        profiles[profile.name] = profile  # type: ignore[attr-defined]
    return profiles  # type: ignore[return-value]


@cache
def graph_profiles() -> dict[str, GraphProfile]:
    """Service graph profiles (conventions/graphs/*.yaml) by name, in file name order."""
    profiles = [_load(path, GraphProfile) for path in sorted((HERE / "graphs").glob("*.yaml"))]
    return {p.name: p for p in profiles}  # type: ignore[attr-defined,misc]


def merged(builtin: dict[str, T], user: list[T] | None) -> dict[str, T]:
    """User profiles (obskit.yaml) first, in their order, then the built-in ones; a user profile with a
    built-in's name replaces it."""
    out: dict[str, T] = {}
    for profile in user or []:
        out[profile.name] = profile  # type: ignore[attr-defined]
    for name, profile in builtin.items():
        out.setdefault(name, profile)
    return out


@cache
def saturation_profile() -> SaturationProfile:
    return _load(HERE / "metrics" / "kubernetes.yaml", SaturationProfile)  # type: ignore[return-value]


@cache
def pod_profiles() -> list[PodProfile]:
    """Pod metric naming profiles (conventions/pods/*.yaml), in file name order."""
    return [_load(path, PodProfile) for path in sorted((HERE / "pods").glob("*.yaml"))]  # type: ignore[misc]


def metric_profile(name: str, profiles: dict[str, MetricProfile] | None = None) -> MetricProfile:
    profiles = metric_profiles() if profiles is None else profiles
    if name not in profiles:
        raise InputError(f"unknown metric naming profile {name!r}; known: {', '.join(profiles)}")
    return profiles[name]


def field_map(name: str = "ecs", overrides: dict[str, str] | None = None) -> FieldMap:
    """The named field map with per-field overrides applied (config: elasticsearch.field_map/fields)."""
    from obskit.conventions import stack_fields

    path = HERE / "fields" / f"{name}.yaml"
    if name == stack_fields.NAME:  # the deployed stack's map, shared with its Fluentd config and datasources
        base = FieldMap(name=name, **{k: v for k, v in stack_fields.load().fields.items()
                                      if k in FieldMap.model_fields})
    elif not path.is_file():
        known = ", ".join(sorted([p.stem for p in (HERE / "fields").glob("*.yaml")] + [stack_fields.NAME]))
        raise InputError(f"elasticsearch.field_map: unknown field map {name!r}; known: {known}")
    else:
        base = _load(path, FieldMap)  # type: ignore[assignment]
    if overrides:
        unknown = set(overrides) - set(FieldMap.model_fields)
        if unknown:
            raise InputError(f"elasticsearch.fields: unknown field(s) {', '.join(sorted(unknown))}")
        base = base.model_copy(update=overrides)
    return base
