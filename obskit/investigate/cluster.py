"""Cluster stage: restarts, OOMKilled, Warning events, rollouts and config changes in the window."""

from __future__ import annotations

from obskit.investigate.model import Finding, TimelineEntry
from obskit.sources.cluster import ClusterSource
from obskit.sources.window import Window

CRASH_REASONS = {"OOMKilled", "OOMKilling", "BackOff", "CrashLoopBackOff", "Error"}


def analyze(source: ClusterSource, services: list[str], namespace: str | None, window: Window) -> tuple[
    list[Finding], list[TimelineEntry]
]:
    findings: list[Finding] = []
    timeline: list[TimelineEntry] = []
    for service in services:
        crashed: list[str] = []
        first_crash: float | None = None
        for pod in source.pods(service, namespace):
            t = pod.last_termination_time
            if pod.restarts and pod.last_termination_reason and (t is None or window.start <= t < window.end):
                crashed.append(f"{pod.name} restarted {pod.restarts}x, last {pod.last_termination_reason}")
                if t is not None:
                    first_crash = t if first_crash is None else min(first_crash, t)
                    timeline.append(TimelineEntry(t, service, "cluster",
                                                  f"{pod.name} terminated: {pod.last_termination_reason}"))
        warnings = [e for e in source.events(service, namespace, window) if e.type == "Warning"]
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
        for r in source.rollouts(service, namespace, window):
            timeline.append(TimelineEntry(r.ts, service, "cluster", f"rollout {r.kind}/{r.name} rev {r.revision}: "
                                                                     f"{r.change}"))
            findings.append(Finding(
                source="cluster", service=service, kind="deploy", signal="rollout", score=0.0, onset=r.ts,
                summary=f"{r.kind}/{r.name} revision {r.revision}: {r.change}",
            ))
    return findings, timeline
