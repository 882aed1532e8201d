"""Telemetry conventions as data: metric naming profiles and log field maps (YAML beside this file).

Policy as data: adding a profile is adding a YAML file under metrics/ or fields/.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from obskit.errors import InputError

HERE = Path(__file__).parent


class MetricProfile(BaseModel):
    """How one instrumentation convention names RED metrics."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    service_labels: list[str]  # tried in order; the first with series for the service wins
    requests_metric: str  # counter (or histogram _count) of requests
    latency_bucket_metric: str  # histogram _bucket series
    latency_unit_seconds: float  # multiply bucket `le` by this to get seconds
    error_label: str
    error_regex: str
    extra_matchers: dict[str, str] = {}


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
def saturation_profile() -> SaturationProfile:
    return _load(HERE / "metrics" / "kubernetes.yaml", SaturationProfile)  # type: ignore[return-value]


@cache
def pod_profiles() -> list[PodProfile]:
    """Pod metric naming profiles (conventions/pods/*.yaml), in file name order."""
    return [_load(path, PodProfile) for path in sorted((HERE / "pods").glob("*.yaml"))]  # type: ignore[misc]


def metric_profile(name: str) -> MetricProfile:
    profiles = metric_profiles()
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
