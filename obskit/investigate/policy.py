"""Investigation policy as data: thresholds read from YAML beside the code, validated once."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from obskit.errors import InputError

HERE = Path(__file__).parent


class BlamePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float
    min_spans: int
    floor_seconds: float
    relative_floor: float
    min_request_share: float
    full_score: float
    caller_stall_callees: int
    call_pattern_ratio: float
    call_pattern_threshold: float
    post_call_min_rise: float
    post_call_other_max_rise: float
    post_call_min_share: float


@cache
def blame_policy() -> BlamePolicy:
    path = HERE / "blame.yaml"
    try:
        return BlamePolicy.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: invalid blame policy: {exc}") from None


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
    sample: dict[str, int]


@cache
def log_evidence_policy() -> LogEvidencePolicy:
    path = HERE / "log_evidence.yaml"
    try:
        policy = LogEvidencePolicy.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        for pattern in [*policy.exception_patterns, *policy.body_levels.values()]:
            re.compile(pattern)
        return policy
    except (ValidationError, yaml.YAMLError, re.error) as exc:
        raise InputError(f"{path}: invalid log evidence policy: {exc}") from None


class SymptomPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float
    family_alpha: float
    min_requests: int
    min_route_requests: int
    latency_dispersion: float
    error_dispersion: float
    latency_min_rise: float
    error_min_rise: float
    error_min_ratio: float
    short_baseline_seconds: float


@cache
def symptom_policy() -> SymptomPolicy:
    path = HERE / "symptom.yaml"
    try:
        return SymptomPolicy.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: invalid symptom policy: {exc}") from None
