"""Logs joined to traces: templates per request of the operation that logs them, templates that stop, the
service that logs the first error of a trace, ids printed in the text, stack traces as one record."""

from __future__ import annotations

from dataclasses import dataclass, field

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

from obskit.conventions.log_lines import continues, ids_in_text
from obskit.investigate import logs as logs_stage
from obskit.investigate import symptom
from obskit.investigate.log_templates import WARNING_SIGNAL
from obskit.local.rows import log_rows
from obskit.sources.logs import LogRecord
from obskit.sources.window import Window
from tests.unit.investigate.test_log_templates import BASELINE, T0, WINDOW, MemoryLogs


@dataclass
class SpanIndex:
    """The two trace-source calls the logs stage makes: span ids -> operations, spans per operation."""

    ops: dict[str, tuple[str, str, float]] = field(default_factory=dict)  # span id -> (service, operation, start)

    def span_operations(self, span_ids: list[str], window: Window) -> dict[str, str]:
        return {s: self.ops[s][1] for s in span_ids if s in self.ops and window.start <= self.ops[s][2] < window.end}

    def operation_counts(self, window: Window) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for service, op, start in self.ops.values():
            if window.start <= start < window.end:
                out[service, op] = out.get((service, op), 0) + 1
        return out


def traffic(index: SpanIndex, op: str, start: float, end: float, every: float, text: str, level: str = "warn",
            service: str = "orders") -> list[LogRecord]:
    """One request of `op` every `every` seconds, each logging one line with its span id."""
    out = []
    t = start
    while t < end:
        sid = f"{len(index.ops):016x}"
        index.ops[sid] = (service, op, t)
        out.append(LogRecord(t + 0.01, service, level, text.format(n=int(t)), trace_id=f"{len(index.ops):032x}",
                             span_id=sid))
        t += every
    return out


def test_a_warning_that_rises_with_its_operations_traffic_is_workload_not_evidence() -> None:
    index = SpanIndex()
    # "no seats left" is logged by every request of GET /seats; the window brings many more of them
    records = traffic(index, "GET /seats", T0, T0 + 600, 20.0, "no seats left for train {n}")
    records += traffic(index, "GET /seats", T0 + 600, T0 + 780, 2.0, "no seats left for train {n}")
    records += traffic(index, "GET /orders", T0, T0 + 780, 3.0, "listed orders of user {n}", level="info")
    without_join, _ = logs_stage.analyze(MemoryLogs(records), ["orders"], WINDOW, BASELINE)
    joined, _ = logs_stage.analyze(MemoryLogs(records), ["orders"], WINDOW, BASELINE, index)
    assert any("template" in f.signal for f in without_join)  # per second it looks like a spike ...
    assert [f.signal for f in joined if "template" in f.signal] == []  # ... per request of its operation it is not


def pricing(level: str, text: str) -> tuple[SpanIndex, list[LogRecord]]:
    """GET /price every 4 s, each logging a query line and, before the window only, a second line."""
    index = SpanIndex()
    records = []
    t = T0
    while t < T0 + 780:
        sid = f"{len(index.ops):016x}"
        index.ops[sid] = ("pricing", "GET /price", t)
        records.append(LogRecord(t, "pricing", "info", f"price query for route {int(t)}", span_id=sid))
        if t < T0 + 600:
            records.append(LogRecord(t + 0.002, "pricing", level, text.format(n=int(t)), span_id=sid))
        t += 4.0
    return index, records


def test_a_template_that_stops_in_its_operation_is_missing_behaviour() -> None:
    # after the fault the code throws before it logs the second line
    index, records = pricing("info", "price found: {n} units")
    findings, rows = logs_stage.analyze(MemoryLogs(records), ["pricing"], WINDOW, BASELINE, index)
    missing = [f for f in findings if f.signal == "missing log template"]
    assert len(missing) == 1 and "price found" in missing[0].summary
    assert missing[0].onset is not None and WINDOW.start <= missing[0].onset < WINDOW.start + 2 * WINDOW.step
    assert [r.status for r in rows] == ["missing"]


def test_the_service_logging_the_first_error_of_each_trace_is_named() -> None:
    records = []
    for i in range(78):
        t = T0 + 10 * i
        trace = f"{i:032x}"
        records.append(LogRecord(t, "gateway", "info", f"routed request {i}", trace_id=trace))
        if t >= WINDOW.start:  # the callee throws first, its caller reports the failed call after it
            records.append(LogRecord(t + 0.010, "travel", "error", "java.lang.IllegalStateException: no route",
                                     trace_id=trace))
            records.append(LogRecord(t + 0.020, "gateway", "error", "call to travel failed: HTTP 500",
                                     trace_id=trace))
    background = [LogRecord(T0 + 31 * i, "food", "error", f"food menu {i} unavailable", trace_id=f"f{i:031x}")
                  for i in range(25)]  # a steady background error rate all along
    findings, _ = logs_stage.analyze(MemoryLogs(records + background), ["gateway", "travel", "food"], WINDOW,
                                     BASELINE)
    first = [f.service for f in findings if f.signal == "first error in trace"]
    assert first == ["travel"]


def test_the_first_error_onset_is_where_those_traces_rise_not_an_odd_earlier_one() -> None:
    records = []
    rise = WINDOW.start + 90
    for i in range(78):  # now and then a first error of travel's, before and in the window ...
        t = T0 + 10 * i
        if i % 13 == 0:
            records.append(LogRecord(t, "travel", "error", "java.io.IOException: reset", trace_id=f"a{i:031x}"))
    for t in (WINDOW.start + 5, WINDOW.start + 40):  # (two odd ones early in the window)
        records.append(LogRecord(t, "travel", "error", "java.io.IOException: reset", trace_id=f"c{int(t):031x}"))
    for i in range(40):  # ... then one in every request from `rise` on
        t = rise + 2.0 * i
        records.append(LogRecord(t, "travel", "error", "java.lang.IllegalStateException: no route",
                                 trace_id=f"b{i:031x}"))
    findings, _ = logs_stage.analyze(MemoryLogs(records), ["travel"], WINDOW, BASELINE)
    [first] = [f for f in findings if f.signal == "first error in trace"]
    early = min(r.ts for r in records if r.ts >= WINDOW.start)
    assert early < rise and first.onset == rise - (rise - WINDOW.start) % WINDOW.step


def test_ids_printed_by_logging_patterns_are_found() -> None:
    trace, span = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    assert ids_in_text(f"10:00:00.123 ERROR c.e.Svc#12 TraceID: {trace} SpanID: {span} boom") == (trace, span)
    assert ids_in_text(f"level=error trace_id={trace} span_id={span} msg=boom") == (trace, span)
    assert ids_in_text(f"2026 ERROR [shop,{trace[16:]},{span}] boom") == ("0" * 16 + trace[16:], span)
    assert ids_in_text(f'{{"level":"error","traceId":"{trace}","msg":"boom"}}') == (trace, None)
    assert ids_in_text("trace_id=00000000000000000000000000000000 boom") == (None, None)
    assert ids_in_text("no ids in this line") == (None, None)


def _record(ts_ns: int, text: str, severity: int = 17, trace: bytes = b"") -> object:
    rec = ExportLogsServiceRequest().resource_logs.add().scope_logs.add().log_records.add()
    rec.time_unix_nano = ts_ns
    rec.severity_number = severity
    rec.body.CopyFrom(AnyValue(string_value=text))
    if trace:
        rec.trace_id = trace
    return rec


def test_stack_trace_lines_join_their_record_and_text_ids_are_stored() -> None:
    request = ExportLogsServiceRequest()
    rl = request.resource_logs.add()
    rl.resource.attributes.append(KeyValue(key="service.name", value=AnyValue(string_value="travel")))
    records = rl.scope_logs.add().log_records
    lines = [(0, "10:00:00.001 ERROR c.e.Travel TraceID: 4bf92f3577b34da6a3ce929d0e0e4736 SpanID: 00f067aa0ba902b7 "
                 "java.lang.IllegalStateException: no route"),
             (1_000, "\tat com.example.Travel.route(Travel.java:42)"),
             (2_000, "Caused by: java.io.IOException: reset"),
             (3_000, "\t... 12 more"),
             (5_000_000_000, "10:00:05.000 INFO c.e.Travel next request"),
             (6_000_000_000, "10:00:06.000 WARN TRACE_ID=0af7651916cd43dd8448eb211c80319c retry")]
    for offset, text in lines:
        rec = records.add()
        rec.time_unix_nano = 1_700_000_000_000_000_000 + offset
        rec.severity_number = 17 if "ERROR" in text else 9
        rec.body.CopyFrom(AnyValue(string_value=text))
    batch = log_rows(request)
    bodies = batch.columns["body"]
    assert len(bodies) == 3
    assert bodies[0].count("\n") == 3 and "Caused by: java.io.IOException" in bodies[0]
    assert batch.columns["trace_id"][0] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert batch.columns["span_id"][0] == "00f067aa0ba902b7"
    assert batch.columns["trace_id"][1] is None
    assert batch.columns["trace_id"][2] == "0af7651916cd43dd8448eb211c80319c"  # spellings in any case
    assert continues("    at a.B.c(B.java:1)") and not continues("INFO all good")


def test_errors_that_stop_are_a_recovery_not_missing_behaviour() -> None:
    # the upstream rate service recovers when the window starts
    index, records = pricing("error", "rate lookup failed: HTTP {n}")
    findings, rows = logs_stage.analyze(MemoryLogs(records), ["pricing"], WINDOW, BASELINE, index)
    assert [f for f in findings if "template" in f.signal] == [] and rows == []


def checkout(every_nth: int, level: str = "warn", traced: bool = True,
             every: float = 3.0) -> tuple[SpanIndex, list[LogRecord]]:
    """POST /checkout every `every` seconds, each logging an info line; in the window every `every_nth` request
    also logs that the pricing reply failed validation (a wrong answer from below: status and latency stay)."""
    index = SpanIndex()
    records = []
    t, n = T0, 0
    while t < T0 + 780:
        sid = f"{len(index.ops):016x}"
        trace = f"{len(index.ops):032x}"
        index.ops[sid] = ("checkout", "POST /checkout", t)
        records.append(LogRecord(t, "checkout", "info", f"checkout of cart {n} done", trace_id=trace, span_id=sid))
        if t >= T0 + 600 and n % every_nth == 0:
            records.append(LogRecord(t + 0.002, "checkout", level,
                                     f"reply of pricing for cart {n} failed validation, using the list price",
                                     trace_id=trace if traced else None, span_id=sid if traced else None))
        t += every
        n += 1
    return index, records


def test_a_new_warning_on_a_share_of_its_requests_is_a_symptom_of_the_service() -> None:
    index, records = checkout(every_nth=3)
    findings, _ = logs_stage.analyze(MemoryLogs(records), ["checkout"], WINDOW, BASELINE, index)
    assert [f.signal for f in findings if "template" in f.signal or "warning" in f.signal] == [WARNING_SIGNAL]
    symptoms = symptom.from_findings(findings, "checkout")
    assert len(symptoms) == 1 and "failed validation" in symptoms[0].summary
    assert symptom.from_findings(findings, "frontend") == []  # a symptom of the service that logs it only


def test_a_rare_new_warning_or_a_new_info_line_is_no_symptom() -> None:
    # a warning on 1 in 40 requests (9 lines of 360 in the window: new, yet rare) and a new info line
    for every_nth, level in ((40, "warn"), (3, "info")):
        index, records = checkout(every_nth, level, every=0.5)
        findings, _ = logs_stage.analyze(MemoryLogs(records), ["checkout"], WINDOW, BASELINE, index)
        assert WARNING_SIGNAL not in {f.signal for f in findings}, (every_nth, level)
        assert symptom.from_findings(findings, "checkout") == [], (every_nth, level)


def test_a_new_warning_outside_requests_is_no_symptom() -> None:
    # the service's request lines carry trace ids; the new warning's lines do not (a job, a timer)
    index, records = checkout(every_nth=3, traced=False)
    findings, _ = logs_stage.analyze(MemoryLogs(records), ["checkout"], WINDOW, BASELINE, index)
    assert symptom.from_findings(findings, "checkout") == []
