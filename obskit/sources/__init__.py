"""Source protocols, one per signal. `investigate` sees only these, never a client library.

metrics.py, logs.py, traces.py, cluster.py define the protocols and data types; prometheus.py,
elasticsearch.py, jaeger.py, kubernetes.py and local.py implement them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from obskit.sources.cluster import ClusterSource
from obskit.sources.errors import SourceError
from obskit.sources.logs import LogsSource
from obskit.sources.metrics import MetricsSource
from obskit.sources.traces import TracesSource
from obskit.sources.window import Window


@dataclass
class Sources:
    """The set of sources one investigation uses; a missing one carries the reason in `missing`."""

    metrics: MetricsSource | None = None
    logs: LogsSource | None = None
    traces: TracesSource | None = None
    cluster: ClusterSource | None = None
    missing: dict[str, str] = field(default_factory=dict)  # signal -> why it is not available


__all__ = ["Sources", "SourceError", "Window", "MetricsSource", "LogsSource", "TracesSource", "ClusterSource"]
