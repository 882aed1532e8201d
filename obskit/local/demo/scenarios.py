"""The demo incidents as data: what breaks, where, when, and the ground truth investigate should find.

Every scenario has a quiet baseline for the first 40 minutes; the fault starts at FAULT_START and
ramps up over `ramp` seconds, so the root-cause service's signals move before its callers'.
"""

from __future__ import annotations

from dataclasses import dataclass

from obskit.local.demo.topology import DATABASE

DURATION = 3600.0  # one simulated hour
FAULT_START = 2400.0  # fault begins 40 minutes in


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    symptom_service: str
    root_service: str
    root_kind: str  # latency | errors | saturation | crash | deploy | none (no fault: investigate must say so)
    ramp: float = 90.0
    latency_factor: float = 1.0  # on root_service's own work (kind latency)
    error_rate: float = 0.0  # share of root_service requests that fail (kinds errors, deploy)
    error_status: int = 500
    error_message: str = ""
    new_version: str | None = None  # kind deploy: the version rolled out at FAULT_START
    leak_per_second: float = 0.0  # kind crash: memory/limit growth per second per pod
    throttle_ratio: float = 0.0  # kind saturation: CPU throttled share of periods
    link_delay: float = 0.0  # kind latency: seconds added on the wire of every call into root_service
    # "otel": RED histograms, pod gauges, logs, client/server spans with peer attributes; "spans-only": the
    # real-world shape of converted traces: spans only, every kind unspecified but the root's (SERVER), no
    # peer attributes, services linked by parent/child spans alone; "metrics-only": no spans, no logs, no
    # histograms: an OTLP Summary per service and status every 5 minutes and the servicegraph connector's
    # edge series (obskit/local/demo/aggregates.py), plus the pod gauges
    shape: str = "otel"


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "slow-database",
            "postgres slows down (lock contention); payments waits on it, checkout and the frontend get slow",
            symptom_service="frontend", root_service=DATABASE, root_kind="latency", latency_factor=120.0,
        ),
        Scenario(
            "bad-deploy",
            "checkout 1.5.0 is rolled out and fails a quarter of checkouts with a TypeError",
            symptom_service="frontend", root_service="checkout", root_kind="deploy", ramp=60.0, error_rate=0.25,
            error_status=500, error_message="TypeError: cannot read properties of undefined (reading 'currency')",
            new_version="1.5.0",
        ),
        Scenario(
            "memory-leak",
            "cart leaks memory until its pods are OOMKilled and restart, failing requests meanwhile",
            symptom_service="frontend", root_service="cart", root_kind="crash", ramp=30.0, leak_per_second=0.0016,
        ),
        Scenario(
            "inventory-outage",
            "inventory loses its warehouse backend and answers 503; checkout and product pages fail",
            symptom_service="frontend", root_service="inventory", root_kind="errors", ramp=60.0, error_rate=0.7,
            error_status=503, error_message="warehouse backend unavailable: connection refused",
        ),
        Scenario(
            "cpu-throttling",
            "shipping hits its CPU limit and is throttled; quotes slow down and checkout with them",
            symptom_service="checkout", root_service="shipping", root_kind="saturation", ramp=120.0,
            throttle_ratio=0.65,
        ),
        Scenario(
            "slow-link",
            "the network path into inventory slows down (a degraded link); spans only, kinds unspecified",
            symptom_service="frontend", root_service="inventory", root_kind="latency", link_delay=0.25,
            shape="spans-only",
        ),
        Scenario(
            "busy-frontend",
            "the frontend burns CPU in its own code (a hot loop after a config change); spans only, kinds "
            "unspecified",
            symptom_service="frontend", root_service="frontend", root_kind="latency", latency_factor=15.0,
            shape="spans-only",
        ),
        Scenario(
            "quiet",
            "an ordinary hour: no fault is injected; investigate should find no symptom on the frontend",
            symptom_service="frontend", root_service="", root_kind="none",
        ),
        Scenario(
            "slow-payments-metrics",
            "payments slows down in its own code (a lock held too long); metrics only: 5-minute summaries and "
            "servicegraph edges, no traces, no logs",
            symptom_service="frontend", root_service="payments", root_kind="latency", latency_factor=25.0,
            shape="metrics-only",
        ),
    )
}


def intensity(scenario: Scenario, t: float) -> float:
    """0 before the fault, ramping linearly to 1 over the scenario's ramp."""
    if t < FAULT_START:
        return 0.0
    return min(1.0, (t - FAULT_START) / scenario.ramp)
