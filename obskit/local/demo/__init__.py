"""Demo incidents: one simulated hour of a small shop, with a fault, written into the local store.

`run_scenario(name, db)` clears the store, simulates, and records the ground truth (table
ground_truth) that `obskit investigate` should find.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from obskit.errors import InputError
from obskit.local.demo.scenarios import DURATION, FAULT_START, SCENARIOS
from obskit.local.demo.topology import FRONTEND_RATE
from obskit.local.demo.workload import Workload
from obskit.local.store import Store


@dataclass
class RootCause:
    service: str
    kind: str  # latency | errors | saturation | crash | deploy


@dataclass
class GroundTruth:
    scenario: str
    symptom_service: str
    root_cause: RootCause
    window: dict[str, float]  # {"from": epoch s, "to": epoch s}
    db: str

    def to_json(self) -> dict[str, object]:
        """Times as RFC 3339, as every obskit JSON output has them."""
        from obskit.sources.window import rfc3339

        return {**asdict(self), "window": {k: rfc3339(v) for k, v in self.window.items()}}


def scenario_names() -> list[str]:
    return list(SCENARIOS)


def run_scenario(name: str, db: Path, seed: int = 1, *, end: float | None = None,
                 progress: Callable[[float], None] | None = None, rate: float = FRONTEND_RATE) -> GroundTruth:
    """Simulate the hour ending at `end` (default: now, to the minute) into the store at `db`.

    `rate` is the mean frontend request rate (tests use a low one to run fast).
    """
    if name not in SCENARIOS:
        raise InputError(f"unknown scenario {name!r}; scenarios: {', '.join(SCENARIOS)}")
    scenario = SCENARIOS[name]
    end = float(int(end if end is not None else time.time()) // 60 * 60)
    start = end - DURATION
    with Store(db) as store:
        store.clear()
        workload = Workload(scenario, store, start, seed, rate)
        workload.run(progress)
        store.add_cluster_facts("pods", workload.cluster.pod_rows())
        store.add_cluster_facts("cluster_events", sorted(workload.cluster.events))
        store.add_cluster_facts("rollouts", workload.cluster.rollouts)
        truth = GroundTruth(name, scenario.symptom_service, RootCause(scenario.root_service, scenario.root_kind),
                            {"from": start + FAULT_START, "to": end}, str(db))
        store.replace_ground_truth((name, scenario.symptom_service, scenario.root_service, scenario.root_kind,
                                    start + FAULT_START, end, seed))
        store.checkpoint()
    return truth


__all__ = ["GroundTruth", "RootCause", "SCENARIOS", "run_scenario", "scenario_names"]
