"""Jaeger collector alerts, written with obskit's rule model (an example of a `*.rules.py` file).

Metrics: Jaeger v1 collector (jaeger_collector_spans_dropped_total, jaeger_collector_queue_length)
and Jaeger v2, which is an OpenTelemetry Collector (otelcol_exporter_queue_size / _capacity).
Tests: alerts/tests/jaeger.test.yaml.
"""

from obskit.alerts.model import Alert, Group

RUNBOOK = "https://github.com/obskit/obskit/blob/main/alerts/RUNBOOKS.md"

groups = [
    Group(
        name="obskit-jaeger",
        rules=[
            Alert(
                name="JaegerCollectorDroppingSpans",
                expr="sum by (instance) (rate(jaeger_collector_spans_dropped_total[5m])) > 0",
                for_="10m",
                labels={"severity": "warning"},
                annotations={
                    "summary": "Jaeger collector {{ $labels.instance }} drops spans.",
                    "description": "{{ $value | humanize }} spans/s are dropped, usually because the queue is full.",
                    "runbook_url": RUNBOOK + "#jaegercollectordroppingspans",
                },
            ),
            Alert(
                name="JaegerCollectorQueueFilling",
                expr="otelcol_exporter_queue_size / otelcol_exporter_queue_capacity > 0.8",
                for_="10m",
                labels={"severity": "warning"},
                annotations={
                    "summary": "Jaeger collector {{ $labels.instance }} queue is over 80 % full.",
                    "description": "The exporter queue is {{ $value | humanizePercentage }} full; spans will be "
                    "dropped when it is full. Scale the collector or check the storage backend.",
                    "runbook_url": RUNBOOK + "#jaegercollectorqueuefilling",
                },
            ),
        ],
    )
]
