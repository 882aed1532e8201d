"""Investigation policy as data: thresholds read from YAML beside the code, validated once."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from obskit.errors import InputError

HERE = Path(__file__).parent
Policy = TypeVar("Policy", bound=BaseModel)


def _load(model: type[Policy], name: str, what: str) -> Policy:
    """The policy file `name` beside this module, validated against `model`; an InputError naming it."""
    path = HERE / name
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: invalid {what} policy: {exc}") from None


class BlamePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float
    min_spans: int
    floor_seconds: float
    relative_floor: float
    min_request_share: float
    full_score: float
    caller_stall_callees: int
    caller_stall_alike: float
    call_pattern_ratio: float
    call_pattern_threshold: float
    post_call_min_rise: float
    post_call_other_max_rise: float
    post_call_min_share: float
    stop_min_requests: int
    stop_min_rise: float
    stop_alpha: float
    stop_threshold: float
    stop_dispersion: float


@cache
def blame_policy() -> BlamePolicy:
    return _load(BlamePolicy, "blame.yaml", "blame")


class LogEvidencePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    severity_weight: dict[str, float]
    exception_weight: float
    exception_patterns: list[str]
    body_levels: dict[str, str]
    min_new: int
    spike_ratio: float
    spike_z: float
    error_like: float
    warning_share: float
    sample: dict[str, int]


@cache
def log_evidence_policy() -> LogEvidencePolicy:
    policy = _load(LogEvidencePolicy, "log_evidence.yaml", "log evidence")
    for pattern in [*policy.exception_patterns, *policy.body_levels.values()]:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InputError(f"{HERE / 'log_evidence.yaml'}: invalid log evidence policy: {pattern!r}: {exc}") \
                from None
    return policy


class SymptomPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float
    family_alpha: float
    min_requests: int
    min_route_requests: int
    latency_dispersion: float
    error_dispersion: float
    latency_min_rise: float
    latency_min_ms: float
    error_min_rise: float
    error_min_ratio: float
    path_min_change: float
    path_dispersion: float
    via_min_requests: int
    p99_min_requests: int
    short_baseline_seconds: float


@cache
def symptom_policy() -> SymptomPolicy:
    return _load(SymptomPolicy, "symptom.yaml", "symptom")
