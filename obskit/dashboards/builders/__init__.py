"""Dashboard builders on grafana-foundation-sdk: the service dashboard and the stack's own dashboards."""

from obskit.dashboards.builders.service import service_dashboard
from obskit.dashboards.builders.services import service_dashboards, services_from_config
from obskit.dashboards.builders.stack import COMPONENTS, stack_dashboard

__all__ = ["service_dashboard", "stack_dashboard", "COMPONENTS", "service_dashboards", "services_from_config"]
