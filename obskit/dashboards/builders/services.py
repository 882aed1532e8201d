"""One service dashboard per ``services:`` entry of obskit.yaml (used by dashboards/services/services.py).

Without an obskit.yaml the generator uses EXAMPLE_SERVICES, so a fresh checkout shows what it makes;
an obskit.yaml with ``services: []`` makes none.
"""

from __future__ import annotations

from pathlib import Path

from grafana_foundation_sdk.builders import dashboard as db

from obskit.config import ServiceConfig, load_config
from obskit.dashboards.builders.service import service_dashboard

EXAMPLE_SERVICES = [
    ServiceConfig(name="checkout", profile="otel-semconv"),
    ServiceConfig(name="payments", profile="prometheus-client"),
    ServiceConfig(name="catalog", profile="spring"),
]


def services_from_config(config_file: Path) -> list[ServiceConfig]:
    """The services of ``config_file`` when it exists, else the example list."""
    if not config_file.is_file():
        return list(EXAMPLE_SERVICES)
    return list(load_config(config_file).config.services)


def service_dashboards(services: list[ServiceConfig]) -> list[db.Dashboard]:
    return [service_dashboard(s.name, s.profile, namespace=s.namespace) for s in services]
