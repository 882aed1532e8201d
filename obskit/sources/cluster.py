"""Cluster signal: pods with restarts and termination reasons, events and rollouts (Kubernetes or local)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from obskit.sources.window import Window


@dataclass
class PodStatus:
    name: str
    namespace: str
    service: str
    ready: bool
    restarts: int
    last_termination_reason: str | None = None  # e.g. OOMKilled, Error
    last_termination_time: float | None = None


@dataclass
class ClusterEvent:
    ts: float
    namespace: str
    kind: str  # involved object kind: Pod, Deployment, ...
    object_name: str
    type: str  # Normal | Warning
    reason: str  # BackOff, OOMKilling, Unhealthy, ScalingReplicaSet, ...
    message: str
    count: int = 1
    service: str | None = None


@dataclass
class Rollout:
    ts: float
    service: str
    namespace: str
    kind: str  # Deployment | StatefulSet | DaemonSet | ConfigMap
    name: str
    revision: str
    change: str  # e.g. "image checkout:1.4.2 -> checkout:1.5.0"


class ClusterSource(Protocol):
    name: str  # "kubernetes" or "local"

    def pods(self, service: str, namespace: str | None) -> list[PodStatus]: ...

    def events(self, service: str, namespace: str | None, window: Window) -> list[ClusterEvent]: ...

    def rollouts(self, service: str, namespace: str | None, window: Window) -> list[Rollout]: ...
