"""Metric names the local store reads (OpenTelemetry semantic conventions where one exists)."""

from __future__ import annotations

# inbound request histograms, with the factor that turns their unit into seconds
SERVER_DURATION = {"http.server.request.duration": 1.0, "http.server.duration": 0.001, "rpc.server.duration": 0.001}
# a database is usually not instrumented: its RED comes from its clients' operation histograms,
# attributed to the service named by the server.address / peer.service attribute
DB_CLIENT_DURATION = {"db.client.operation.duration": 1.0, "db.client.operations.duration": 1.0}
STATUS_ATTRIBUTES = ("http.response.status_code", "http.status_code", "rpc.grpc.status_code")

# saturation gauges per pod: the names the demo emits; investigate reads the names in conventions/pods/
CPU_THROTTLING = "k8s.container.cpu.throttling_ratio"
MEMORY_LIMIT_UTILIZATION = "k8s.container.memory_limit_utilization"
RESTARTS = "k8s.container.restarts"
