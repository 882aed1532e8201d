"""Stack health: prometheus (built by obskit.dashboards.builders.stack; edit the component there or replace this)."""

from obskit.dashboards.builders import stack_dashboard

dashboard = stack_dashboard("prometheus")
