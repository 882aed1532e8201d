"""Simulated Kubernetes state of the demo: pods, memory, CPU throttling, restarts, events, rollouts."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

from obskit.local.demo.scenarios import FAULT_START, Scenario, intensity
from obskit.local.demo.topology import DATABASE, NAMESPACE, REPLICAS, SERVICES, VERSIONS

RESTART_DOWNTIME = 25.0  # seconds a pod is out of rotation after an OOM kill
IN_FLIGHT_FAILURES = 10.0  # seconds during which requests still routed to it fail


@dataclass
class Pod:
    name: str
    service: str
    version: str
    memory: float  # working set / limit
    memory_growth: float  # leak factor of this pod
    throttling: float = 0.0
    restarts: int = 0
    last_reason: str | None = None
    last_time: float | None = None
    down_until: float = -1.0
    created: float = 0.0
    deleted: float | None = None


@dataclass
class ClusterSim:
    scenario: Scenario
    start: float  # epoch seconds of simulated t=0
    rng: random.Random
    pods: dict[str, list[Pod]] = field(default_factory=dict)
    events: list[tuple] = field(default_factory=list)
    rollouts: list[tuple] = field(default_factory=list)
    retired: list[Pod] = field(default_factory=list)

    def __post_init__(self) -> None:
        for service in (*SERVICES, DATABASE):
            if service == DATABASE:
                self.pods[service] = [self._pod(service, "16.4", name=f"{DATABASE}-0")]
            else:
                template = self._suffix(10, digits=True)
                self.pods[service] = [
                    self._pod(service, VERSIONS[service], name=f"{service}-{template}-{self._suffix(5)}")
                    for _ in range(REPLICAS[service])
                ]

    def _suffix(self, n: int, digits: bool = False) -> str:
        alphabet = "bcdfghjklmnpqrstvwxz2456789" if not digits else string.digits[2:] + "bcdf"
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def _pod(self, service: str, version: str, name: str) -> Pod:
        return Pod(name, service, version, memory=self.rng.uniform(0.35, 0.5),
                   memory_growth=self.rng.uniform(0.8, 1.25), throttling=self.rng.uniform(0.0, 0.03))

    def event(self, t: float, kind: str, obj: str, type_: str, reason: str, message: str, service: str,
              count: int = 1) -> None:
        self.events.append((self.start + t, NAMESPACE, kind, obj, type_, reason, message, count, service))

    # --- per simulated second ------------------------------------------------------------------------
    def tick(self, t: float) -> None:
        s = self.scenario
        level = intensity(s, t)
        for service, pods in self.pods.items():
            for pod in pods:
                pod.memory += self.rng.gauss(0, 0.002) + (0.45 - pod.memory) * 0.01  # noise, pulled to baseline
                pod.throttling = max(0.0, min(1.0, 0.015 + self.rng.gauss(0, 0.006)))
                if service == s.root_service and s.leak_per_second and level > 0:
                    pod.memory += s.leak_per_second * pod.memory_growth + (pod.memory - 0.45) * 0.01
                if service == s.root_service and s.throttle_ratio:
                    pod.throttling = min(1.0, pod.throttling + s.throttle_ratio * level + self.rng.gauss(0, 0.03))
                if pod.memory >= 1.0:
                    self._oom_kill(pod, t)
        if s.new_version and FAULT_START <= t < FAULT_START + 1:
            self._rollout(s.root_service, s.new_version, t)
        if t == 900.0:  # a harmless rollout long before the incident (real clusters are never quiet)
            self._rollout("shipping", "2.3.2", t, surge=False)
        if t == 1500.0:
            pod = self.pods["frontend"][0]
            self.event(t, "Pod", pod.name, "Warning", "Unhealthy",
                       "Readiness probe failed: HTTP probe failed with statuscode: 503", "frontend")

    def _oom_kill(self, pod: Pod, t: float) -> None:
        pod.restarts += 1
        pod.last_reason, pod.last_time = "OOMKilled", self.start + t
        pod.memory = self.rng.uniform(0.25, 0.32)
        pod.down_until = t + RESTART_DOWNTIME
        self.event(t, "Pod", pod.name, "Warning", "OOMKilling",
                   f"Memory cgroup out of memory: Killed process {self.rng.randint(20, 90)} (node) in container "
                   f"{pod.service}", pod.service)
        self.event(t + 1, "Pod", pod.name, "Normal", "Pulled",
                   f'Container image "registry.example/{pod.service}:{pod.version}" already present on machine',
                   pod.service)
        self.event(t + 2, "Pod", pod.name, "Normal", "Started", f"Started container {pod.service}", pod.service)
        if pod.restarts >= 2:
            self.event(t + 1, "Pod", pod.name, "Warning", "BackOff",
                       f"Back-off restarting failed container {pod.service} in pod {pod.name}", pod.service)

    def _rollout(self, service: str, version: str, t: float, surge: bool = True) -> None:
        old = self.pods[service]
        template = self._suffix(10, digits=True)
        new = [self._pod(service, version, f"{service}-{template}-{self._suffix(5)}") for _ in old]
        for pod in new:
            pod.created = t
        for pod in old:
            pod.deleted = t + 30
        self.retired.extend(old)
        self.pods[service] = new
        revision = 7 + len([r for r in self.rollouts if r[1] == service])
        self.rollouts.append((self.start + t, service, NAMESPACE, "Deployment", service, str(revision + 1),
                              f"image registry.example/{service}:{old[0].version} -> "
                              f"registry.example/{service}:{version}"))
        self.event(t, "Deployment", service, "Normal", "ScalingReplicaSet",
                   f"Scaled up replica set {new[0].name.rsplit('-', 1)[0]} to {len(new)}", service)
        self.event(t + 30, "Deployment", service, "Normal", "ScalingReplicaSet",
                   f"Scaled down replica set {old[0].name.rsplit('-', 1)[0]} to 0 from {len(old)}", service)

    # --- what a request sees -------------------------------------------------------------------------
    def route(self, service: str, t: float) -> tuple[Pod, bool]:
        """The pod serving a request and whether the request fails because the pod is restarting."""
        pods = self.pods[service]
        up = [p for p in pods if p.down_until <= t]
        pod = self.rng.choice(pods)
        if pod.down_until > t:
            if pod.down_until - t > RESTART_DOWNTIME - IN_FLIGHT_FAILURES or not up:
                return pod, True
            pod = self.rng.choice(up)
        return pod, False

    def version(self, service: str, t: float) -> str:
        """Version serving at t: during a rollout the new pods take traffic over the ramp."""
        s = self.scenario
        if service == s.root_service and s.new_version:
            return s.new_version if self.rng.random() < intensity(s, t) else VERSIONS[service]
        return VERSIONS.get(service, "")

    def observe(self, service: str) -> list[tuple[str, float, float, int]]:
        return [(p.name, round(p.throttling, 4), round(max(0.0, min(p.memory, 1.0)), 4), p.restarts)
                for p in self.pods[service]]

    def pod_rows(self) -> list[tuple]:
        rows = []
        for pods in self.pods.values():
            for p in pods:
                rows.append((p.name, NAMESPACE, p.service, True, p.restarts, p.last_reason, p.last_time))
        return rows
