"""Log template evidence per service: new and risen templates, severity weights, even sampling."""

from __future__ import annotations

from dataclasses import dataclass, field

from obskit.investigate import logs as logs_stage
from obskit.investigate.log_templates import level_of, looks_like_exception, weight_of
from obskit.sources.logs import LogCount, LogRecord, sample_in_slices
from obskit.sources.window import Window

T0 = 1_700_000_000.0
BASELINE = Window(T0, T0 + 600, 15)
WINDOW = Window(T0 + 600, T0 + 780, 15)


@dataclass
class MemoryLogs:
    """A logs source over a list of records (newest first per sample, as backends answer)."""

    records: list[LogRecord]
    name: str = "memory"
    calls: list[tuple[float, float, int]] = field(default_factory=list)

    def counts(self, service: str, window: Window, levels: tuple[str, ...] = ("error", "warn")) -> list[LogCount]:
        out: dict[tuple[float, str], int] = {}
        for r in self.records:
            if r.service == service and window.start <= r.ts < window.end and r.level in levels:
                ts = window.start + (r.ts - window.start) // window.step * window.step
                out[ts, r.level] = out.get((ts, r.level), 0) + 1
        return [LogCount(ts, level, n) for (ts, level), n in sorted(out.items())]

    def sample(self, service: str, window: Window, levels: tuple[str, ...] = ("error", "warn"),
               limit: int = 2000) -> list[LogRecord]:
        self.calls.append((window.start, window.end, limit))
        hits = [r for r in self.records if r.service == service and window.start <= r.ts < window.end
                and r.level in levels]
        return sorted(hits, key=lambda r: -r.ts)[:limit]

    def spread_sample(self, services: list[str], window: Window, levels: tuple[str, ...],
                      limit: int) -> dict[str, list[LogRecord]]:
        return {svc: sample_in_slices(self, svc, window, levels, limit) for svc in services}

    def query_text(self, service: str, levels: tuple[str, ...] = ("error", "warn")) -> str | None:
        return None


def quiet(service: str) -> list[LogRecord]:
    return [LogRecord(T0 + i, service, "info", f"handled request {i} in {i % 7} ms") for i in range(0, 780, 2)]


def test_a_new_exception_template_is_error_evidence_of_its_service() -> None:
    records = quiet("svc-a") + quiet("svc-b") + [
        LogRecord(T0 + 650 + i, "svc-b", "error", f"java.lang.IllegalStateException: order {i} has no items",
                  trace_id=f"{i:032x}") for i in range(40)]
    findings, rows = logs_stage.analyze(MemoryLogs(records), ["svc-a", "svc-b"], WINDOW, BASELINE)
    templates = [f for f in findings if f.signal == "new error template"]
    assert [f.service for f in templates] == ["svc-b"]
    assert templates[0].onset is not None and T0 + 650 <= templates[0].onset <= T0 + 652
    assert "IllegalStateException" in templates[0].summary and "trace" in templates[0].summary
    assert [r.status for r in rows] == ["new"]


def test_an_unchanged_service_has_no_template_evidence() -> None:
    findings, rows = logs_stage.analyze(MemoryLogs(quiet("svc-a")), ["svc-a"], WINDOW, BASELINE)
    assert findings == [] and rows == []


def test_a_risen_info_template_is_only_a_weak_log_template_finding() -> None:
    records = quiet("svc-a") + [LogRecord(T0 + 600 + i / 4, "svc-a", "info", f"handled request {i} in 3 ms")
                                for i in range(600)]
    findings, rows = logs_stage.analyze(MemoryLogs(records), ["svc-a"], WINDOW, BASELINE)
    assert [f.signal for f in findings] == ["new log template"]
    assert rows[0].status == "spiking"


def test_a_sample_over_its_limit_is_taken_evenly_across_the_period() -> None:
    source = MemoryLogs(quiet("svc-a"))
    records = sample_in_slices(source, "svc-a", BASELINE, ("info",), 60, 6)
    assert len(source.calls) == 7  # the full try, then six slices
    assert min(r.ts for r in records) < T0 + 100 and max(r.ts for r in records) > T0 + 500


def test_weights_follow_level_and_exception_like_bodies() -> None:
    assert looks_like_exception("Caused by: java.net.SocketTimeoutException: Read timed out")
    assert looks_like_exception("Traceback (most recent call last):")
    assert not looks_like_exception("order 12 shipped")
    assert weight_of("info", "NullPointerException at line 3") == 1.0
    assert weight_of("warn", "retrying") < weight_of("error", "retrying")


def test_a_level_written_in_the_line_counts_when_the_record_has_none() -> None:
    raw = "2026-01-02 10:00:01.123 ERROR 1 --- [nio-8080-exec-3] c.e.OrderService : order 7 not found"
    assert level_of(LogRecord(T0, "svc-a", "info", raw)) == "error"
    assert level_of(LogRecord(T0, "svc-a", "info", "2026-01-02 WARN pool low")) == "warn"
    assert level_of(LogRecord(T0, "svc-a", "error", "WARN inside an error record")) == "error"
    assert level_of(LogRecord(T0, "svc-a", "info", "errors are counted per hour")) == "info"


def test_an_untraced_burst_in_a_traced_service_explains_nobody() -> None:
    traced = [LogRecord(T0 + i, "svc-a", "info", f"served order {i}", trace_id=f"{i:032x}") for i in range(0, 780, 2)]
    burst = [LogRecord(T0 + 700 + i, "svc-a", "error", f"Scheduled job failed on stale entry {i}") for i in range(12)]
    findings, _ = logs_stage.analyze(MemoryLogs(traced + burst), ["svc-a"], WINDOW, BASELINE)
    signals = [f.signal for f in findings if f.source == "logs" and "template" in f.signal]
    assert signals == ["new untraced error template"]


def test_a_risen_error_template_is_dated_where_its_lines_thicken_not_by_its_scattered_background() -> None:
    background = [LogRecord(T0 + t, "svc-b", "error", f"upstream ledger POST /entry failed: HTTP {500 + t % 3}")
                  for t in (40, 170, 300, 430, 560, 615, 662)]  # one line every two minutes or so, window included
    burst = [LogRecord(T0 + 700 + i * 2, "svc-b", "error", f"upstream ledger POST /entry failed: HTTP {502 - i % 2}")
             for i in range(35)]
    findings, _ = logs_stage.analyze(MemoryLogs(quiet("svc-b") + background + burst), ["svc-b"], WINDOW, BASELINE)
    risen = [f for f in findings if f.service == "svc-b" and "template" in f.signal]
    assert risen and risen[0].onset == T0 + 700, [(f.signal, f.onset) for f in risen]
