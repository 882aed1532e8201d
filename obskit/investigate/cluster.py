"""Cluster stage: restarts, OOMKilled, Warning events, rollouts and config changes in the window."""

from __future__ import annotations

from typing import Any

from obskit.investigate.model import Finding, TimelineEntry
from obskit.sources.cluster import ClusterEvent, ClusterSource, PodStatus, Rollout
from obskit.sources.window import Window

CRASH_REASONS = {"OOMKilled", "OOMKilling", "BackOff", "CrashLoopBackOff", "Error"}


def _state(source: ClusterSource, services: list[str], namespace: str | None, window: Window) -> tuple[
    dict[str, list[PodStatus]], dict[str, list[ClusterEvent]], dict[str, list[Rollout]]
]:
    """Pods, events and rollouts per service: in one query per kind where the source offers it (`*_many`),
    else per service."""
    def many(kind: str, *args: object) -> dict[str, list[Any]]:
        batch = getattr(source, f"{kind}_many", None)
        if batch is not None:
            return batch(services, namespace, *args)  # type: ignore[no-any-return]
        one = getattr(source, kind)
        return {service: one(service, namespace, *args) for service in services}

    return many("pods"), many("events", window), many("rollouts", window)


def analyze(source: ClusterSource, services: list[str], namespace: str | None, window: Window) -> tuple[
    list[Finding], list[TimelineEntry]
]:
    findings: list[Finding] = []
    timeline: list[TimelineEntry] = []
    pods, events, rollouts = _state(source, services, namespace, window)
    for service in services:
        crashed: list[str] = []
        first_crash: float | None = None
        for pod in pods[service]:
            t = pod.last_termination_time
            if pod.restarts and pod.last_termination_reason and (t is None or window.start <= t < window.end):
                crashed.append(f"{pod.name} restarted {pod.restarts}x, last {pod.last_termination_reason}")
                if t is not None:
                    first_crash = t if first_crash is None else min(first_crash, t)
                    timeline.append(TimelineEntry(t, service, "cluster",
                                                  f"{pod.name} terminated: {pod.last_termination_reason}"))
        warnings = [e for e in events[service] if e.type == "Warning"]
        for e in warnings:
            timeline.append(TimelineEntry(e.ts, service, "cluster", f"{e.reason} {e.kind}/{e.object_name}: "
                                                                     f"{e.message}"))
        crash_events = [e for e in warnings if e.reason in CRASH_REASONS]
        if crash_events:
            t0 = min(e.ts for e in crash_events)
            first_crash = t0 if first_crash is None else min(first_crash, t0)
        if crashed or crash_events:
            oom = any("OOM" in c for c in crashed) or any("OOM" in e.reason for e in crash_events)
            findings.append(Finding(
                source="cluster", service=service, kind="crash", signal="OOMKilled" if oom else "restarts",
                score=10.0 + len(crashed) + sum(e.count for e in crash_events), onset=first_crash,
                summary="; ".join(crashed[:3]) or f"{len(crash_events)} crash warning events",
            ))
        for r in rollouts[service]:
            timeline.append(TimelineEntry(r.ts, service, "cluster", f"rollout {r.kind}/{r.name} rev {r.revision}: "
                                                                     f"{r.change}"))
            findings.append(Finding(
                source="cluster", service=service, kind="deploy", signal="rollout", score=0.0, onset=r.ts,
                summary=f"{r.kind}/{r.name} revision {r.revision}: {r.change}",
            ))
    return findings, timeline
