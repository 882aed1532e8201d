"""Real OpenTelemetry SDK pipelines for the simulated services, driven by a simulated clock.

One TracerProvider, MeterProvider and LoggerProvider per (service, version) with its Resource; spans
and log records carry explicit simulated timestamps; metrics are collected every COLLECT_EVERY
simulated seconds with delta temporality and stamped with the simulated time. Everything is encoded
with the OTLP protobuf encoders and stored through the same ingest path as the OTLP/HTTP receiver.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.exporter.otlp.proto.common.metrics_encoder import encode_metrics
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import Counter, Histogram, MeterProvider, ObservableGauge, UpDownCounter
from opentelemetry.sdk.metrics.export import AggregationTemporality, InMemoryMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator

from obskit.local.rows import Batch, log_rows, metric_rows, span_rows
from obskit.local.semconv import CPU_THROTTLING, MEMORY_LIMIT_UTILIZATION, RESTARTS

COLLECT_EVERY = 30.0
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)
DELTA = {Counter: AggregationTemporality.DELTA, Histogram: AggregationTemporality.DELTA,
         UpDownCounter: AggregationTemporality.CUMULATIVE, ObservableGauge: AggregationTemporality.CUMULATIVE}


class SeededIds(IdGenerator):
    """Deterministic trace and span ids for a given demo seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def generate_span_id(self) -> int:
        return self.rng.getrandbits(64) or 1

    def generate_trace_id(self) -> int:
        return self.rng.getrandbits(128) or 1


@dataclass
class ServiceTelemetry:
    """The SDK objects of one service version."""

    service: str
    version: str
    tracer_provider: TracerProvider
    spans: InMemorySpanExporter
    meter_provider: MeterProvider
    reader: InMemoryMetricReader
    logger_provider: LoggerProvider
    logs: InMemoryLogRecordExporter
    instruments: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tracer = self.tracer_provider.get_tracer("shop." + self.service, self.version)
        self.logger = self.logger_provider.get_logger("shop." + self.service, self.version)


def resource(service: str, version: str, namespace: str) -> Resource:
    return Resource.create({
        "service.name": service,
        "service.version": version,
        "service.namespace": namespace,
        "k8s.namespace.name": namespace,
        "deployment.environment.name": "demo",
    })


class Telemetry:
    """All pipelines of the demo, and the flush into the store's ingest path."""

    def __init__(self, namespace: str, rng: random.Random) -> None:
        self.namespace = namespace
        self.ids = SeededIds(rng)
        self.services: dict[tuple[str, str], ServiceTelemetry] = {}
        self.infra: list[tuple[MeterProvider, InMemoryMetricReader]] = []
        self.last_collect_ns = 0

    def service(self, service: str, version: str) -> ServiceTelemetry:
        key = (service, version)
        if key not in self.services:
            res = resource(service, version, self.namespace)
            spans = InMemorySpanExporter()
            tracer_provider = TracerProvider(resource=res, id_generator=self.ids)
            tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
            reader = InMemoryMetricReader(preferred_temporality=DELTA)
            meter_provider = MeterProvider(resource=res, metric_readers=[reader])
            logs = InMemoryLogRecordExporter()
            logger_provider = LoggerProvider(resource=res)
            logger_provider.add_log_record_processor(SimpleLogRecordProcessor(logs))
            st = ServiceTelemetry(service, version, tracer_provider, spans, meter_provider, reader, logger_provider,
                                  logs)
            meter = meter_provider.get_meter("shop." + service, version)
            st.instruments["http.server.request.duration"] = meter.create_histogram(
                "http.server.request.duration", unit="s", description="Duration of HTTP server requests.",
                explicit_bucket_boundaries_advisory=list(HTTP_BUCKETS))
            st.instruments["db.client.operation.duration"] = meter.create_histogram(
                "db.client.operation.duration", unit="s", description="Duration of database client operations.",
                explicit_bucket_boundaries_advisory=list(HTTP_BUCKETS))
            self.services[key] = st
        return self.services[key]

    def add_pod_gauges(self, service: str, observe: Callable[[str], Iterable[tuple[str, float, float, int]]]) -> None:
        """Saturation gauges per pod, as a kubeletstats-style collector reports them for `service`."""
        res = resource(service, "", self.namespace)
        reader = InMemoryMetricReader(preferred_temporality=DELTA)
        provider = MeterProvider(resource=res, metric_readers=[reader])
        meter = provider.get_meter("k8s.kubeletstats")

        def gauge(index: int) -> Callable[[CallbackOptions], Iterable[Observation]]:
            def callback(options: CallbackOptions) -> Iterable[Observation]:
                for pod, *values in observe(service):
                    yield Observation(values[index], {"k8s.pod.name": pod, "k8s.container.name": service})
            return callback

        meter.create_observable_gauge(CPU_THROTTLING, [gauge(0)], unit="1",
                                      description="Share of CPU periods in which the container was throttled.")
        meter.create_observable_gauge(MEMORY_LIMIT_UTILIZATION, [gauge(1)], unit="1",
                                      description="Container memory working set over its memory limit.")
        meter.create_observable_gauge(RESTARTS, [gauge(2)], unit="{restart}",
                                      description="Container restarts since the pod was created.")
        self.infra.append((provider, reader))

    def collect_metrics(self, now_ns: int) -> list[Batch]:
        """Collect every reader and stamp the points with the simulated collection interval."""
        batches = []
        start_ns = self.last_collect_ns or now_ns - int(COLLECT_EVERY * 1e9)
        readers = [st.reader for st in self.services.values()] + [reader for _, reader in self.infra]
        for reader in readers:
            data = reader.get_metrics_data()
            if data is None or not data.resource_metrics:
                continue
            request = encode_metrics(data)
            for rm in request.resource_metrics:
                for sm in rm.scope_metrics:
                    for metric in sm.metrics:
                        which = metric.WhichOneof("data")
                        for point in getattr(metric, which).data_points:
                            point.time_unix_nano = now_ns
                            point.start_time_unix_nano = start_ns
            batches.append(metric_rows(request))
        self.last_collect_ns = now_ns
        return batches

    def drain(self, unspecified_kinds: bool = False) -> list[Batch]:
        """Finished spans and emitted log records since the last drain, as store batches. With
        `unspecified_kinds`, INTERNAL spans are written with kind UNSPECIFIED (the SDK cannot create those),
        as converted traces carry them."""
        batches = []
        for st in self.services.values():
            finished = st.spans.get_finished_spans()
            if finished:
                st.spans.clear()
                request = encode_spans(finished)
                if unspecified_kinds:
                    for rs in request.resource_spans:
                        for ss in rs.scope_spans:
                            for span in ss.spans:
                                if span.kind == span.SPAN_KIND_INTERNAL:
                                    span.kind = span.SPAN_KIND_UNSPECIFIED
                batches.append(span_rows(request))
            records = st.logs.get_finished_logs()
            if records:
                st.logs.clear()
                batches.append(log_rows(encode_logs(records)))
        return batches

    def shutdown(self) -> None:
        for st in self.services.values():
            st.tracer_provider.shutdown()
            st.meter_provider.shutdown()
            st.logger_provider.shutdown()
        for provider, _ in self.infra:
            provider.shutdown()
