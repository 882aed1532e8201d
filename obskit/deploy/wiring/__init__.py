"""Wiring checks on the full rendering (all subcharts): what the API server would refuse or what would
leave a part unconnected, which schema validation cannot see. One check per module, each with an ID;
`run` applies them all. See README.md here for what each checks and how to read a finding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from obskit.deploy.chart import Manifest
from obskit.deploy.wiring import (
    config_hosts,
    containers,
    datasources,
    eck_refs,
    fluentd_self,
    log_fields,
    metric_producers,
    references,
    selectors,
    servicemonitors,
)
from obskit.deploy.wiring.objects import Objects, index

CHECKS: list[tuple[str, Callable[[Objects], list[str]]]] = [
    (m.ID, m.check) for m in (containers, references, selectors, servicemonitors, datasources, config_hosts, eck_refs,
                              metric_producers, log_fields, fluentd_self)
]


def run(manifests: list[Manifest], namespace: str, values: dict[str, Any]) -> list[str]:
    return findings(index(manifests, namespace, values))


def findings(objects: Objects) -> list[str]:
    """Every check on an index of the rendering (what they share is worked out once: Objects.once)."""
    return [f"{check_id}: {problem}" for check_id, check in CHECKS for problem in check(objects)]
