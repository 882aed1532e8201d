"""Jaeger collector alerts, written with obskit's rule model (an example of a `*.rules.py` file).

The deployed Jaeger is v2, an OpenTelemetry Collector: it exposes the Collector's own telemetry (otelcol_*),
not Jaeger v1's jaeger_collector_* series (Jaeger's v2 migration notes list those as not available).
Spans are lost when the exporter's sending queue is full (otelcol_exporter_enqueue_failed_spans_total) or
when an export fails for good after its retries (otelcol_exporter_send_failed_spans_total). The queue
series exist only while the exporter has a queue (`queue.enabled` in the chart's jaeger.userconfig).
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
                expr="sum by (instance) (rate(otelcol_exporter_enqueue_failed_spans_total[5m])) > 0"
                " or sum by (instance) (rate(otelcol_exporter_send_failed_spans_total[5m])) > 0",
                for_="10m",
                labels={"severity": "warning"},
                annotations={
                    "summary": "Jaeger collector {{ $labels.instance }} drops spans.",
                    "description": "{{ $value | humanize }} spans/s are dropped: the exporter queue is full or "
                    "the storage backend rejects them.",
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
