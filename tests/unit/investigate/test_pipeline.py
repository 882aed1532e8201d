"""The investigation pipeline on a seeded synthetic incident: root cause, degradation, quiet case."""

from __future__ import annotations

import time

import pytest

from obskit.investigate.pipeline import Options, investigate
from obskit.sources.window import Window
from tests.unit.investigate.synthetic import BASELINE, ONSET, STEP, WINDOW, Incident, sources


@pytest.mark.parametrize(
    ("root", "kind"),
    [("database", "latency"), ("cart", "errors"), ("payments", "saturation"), ("cart", "crash"),
     ("payments", "deploy"), ("checkout", "latency")],
)
@pytest.mark.parametrize("target", ["frontend", "checkout"])
def test_root_cause_is_suspect_one_not_the_loudest_series(root: str, kind: str, target: str) -> None:
    report = investigate(sources(Incident(root=root, kind=kind)), target, WINDOW, BASELINE)
    assert report.suspects, report.findings
    top = report.suspects[0]
    assert (top.service, top.kind) == (root, kind), [(s.service, s.kind, s.score) for s in report.suspects]
    assert top.onset is not None and abs(top.onset - ONSET) <= 180
    assert [s.score for s in report.suspects] == sorted((s.score for s in report.suspects), reverse=True)
    assert root in report.verdict


def test_quiet_incident_has_no_suspects() -> None:
    report = investigate(sources(Incident(kind="none")), "frontend", WINDOW, BASELINE)
    assert report.suspects == []
    assert "No symptom on frontend" in report.verdict
    assert all(s.checked for s in report.sources)


def test_failing_and_slow_sources_are_listed_not_checked() -> None:
    # the budget is generous enough for a loaded CI machine to run the answering stages (a failing source's
    # error must not turn into a timeout there); the stalled source sleeps far past it, and is not waited for
    incident = Incident(root="database", kind="latency", fail={"logs"}, slow={"cluster"}, stall=60.0)
    t0 = time.monotonic()
    report = investigate(sources(incident), "frontend", WINDOW, BASELINE, Options(source_timeout=3.0))
    assert time.monotonic() - t0 < 20  # a hang guard: the stall (60 s) is not waited for
    status = {s.signal: s for s in report.sources}
    assert not status["logs"].checked and "connection refused" in status["logs"].reason
    assert not status["cluster"].checked and "no answer within 3 s" in status["cluster"].reason
    assert status["metrics"].checked and status["traces"].checked
    assert report.suspects[0].service == "database"


def test_no_source_answers() -> None:
    incident = Incident(fail={"metrics", "logs", "traces", "cluster"})
    report = investigate(sources(incident), "frontend", WINDOW, BASELINE)
    assert not report.answered
    assert report.verdict.startswith("Could not investigate")


def test_baseline_shrinks_to_recorded_data() -> None:
    """Half the baseline predates the store: comparing against it as if it were quiet would flag a rise."""
    start = BASELINE.start + 1800
    report = investigate(sources(Incident(kind="none", data_start=start)), "frontend", WINDOW, BASELINE)
    assert report.baseline.start == start and report.baseline.end == BASELINE.end
    assert report.suspects == [], [(s.service, s.kind, s.evidence) for s in report.suspects]


def test_empty_baseline_splits_the_window_with_a_note() -> None:
    """Nothing before the window (a young store): its first half becomes the baseline, and it says so."""
    early = Window(WINDOW.start - 3600, WINDOW.start, STEP)  # wholly before any data
    incident = Incident(root="database", kind="latency", data_start=WINDOW.start)
    report = investigate(sources(incident), "frontend", WINDOW, early)
    assert report.baseline == Window(WINDOW.start, WINDOW.start + 1800, STEP)
    assert report.window == Window(WINDOW.start + 1800, WINDOW.end, STEP)
    assert report.notes and "no data before the window" in report.notes[0]
    assert (report.suspects[0].service, report.suspects[0].kind) == ("database", "latency")


def test_a_window_with_few_steps_of_data_and_nothing_before_splits_on_finer_steps() -> None:
    from obskit.investigate.pipeline import split_window
    hour = Window(0.0, 1800.0, 60.0)
    assert split_window(hour, 1320.0) is None  # 8 steps of data: too few halves at 60 s
    assert split_window(hour, 1320.0, finer=True) == (Window(1320.0, 1545.0, 45.0), Window(1545.0, 1800.0, 45.0))
    assert split_window(hour, 1720.0, finer=True) is None  # 80 s of data: not even 10 s steps fit
    assert split_window(hour, 1790.0, finer=True) is None  # 10 s of data: no step at all (no division by 0)
    # a store that began recording 9 minutes before the end of the asked hour: compared within those minutes
    early = Window(WINDOW.start - 3600, WINDOW.start, STEP)
    report = investigate(sources(Incident(kind="none", data_start=WINDOW.end - 540)), "frontend", WINDOW, early)
    assert report.window.step < STEP and report.baseline.end == report.window.start
    assert report.baseline.start >= WINDOW.end - 540 and "no data before the window" in report.notes[0]
    assert report.suspects == [] and "No symptom on frontend" in report.verdict, report.verdict


def test_quiet_store_without_baseline_stays_quiet() -> None:
    early = Window(WINDOW.start - 3600, WINDOW.start, STEP)
    report = investigate(sources(Incident(kind="none", data_start=WINDOW.start)), "frontend", WINDOW, early)
    assert report.notes and report.suspects == [], [(s.service, s.evidence) for s in report.suspects]


def test_overall_deadline_holds_when_every_source_hangs() -> None:
    incident = Incident(slow={"metrics", "logs", "traces", "cluster"}, stall=60.0)
    t0 = time.monotonic()
    report = investigate(sources(incident), "frontend", WINDOW, BASELINE,
                         Options(source_timeout=10, overall_timeout=1.0))
    assert time.monotonic() - t0 < 2.5
    assert not report.answered
    assert all("no answer within 10 s" in s.reason for s in report.sources), report.sources


def test_unknown_service_is_named_not_called_healthy() -> None:
    report = investigate(sources(Incident(kind="none")), "fronted", WINDOW, BASELINE)
    assert report.unknown_service
    assert "check the service name" in report.verdict
    assert "frontend" in report.known_services
    known = investigate(sources(Incident(kind="none")), "frontend", WINDOW, BASELINE)
    assert not known.unknown_service


def test_a_hung_traces_backend_does_not_make_a_service_unknown() -> None:
    # traces hang (they stall past the budget); metrics answer but know nothing of the service: not "unknown"
    # (the hung source may be the one that knows it) and the services metrics know are still listed
    incident = Incident(kind="none", slow={"traces"}, stall=60.0)
    report = investigate(sources(incident), "fronted", WINDOW, BASELINE, Options(source_timeout=3.0,
                                                                               overall_timeout=10.0))
    assert not report.unknown_service
    assert "frontend" in report.known_services
    traces = next(s for s in report.sources if s.signal == "traces")
    assert not traces.checked and "no answer" in traces.reason
    assert report.missing and any("traces were not checked" in m for m in report.missing)


def test_an_unknown_service_asks_no_stage_of_any_backend() -> None:
    calls: list[str] = []
    srcs = sources(Incident(kind="none"))
    # (where the baseline's data begins is asked of metrics first, alongside the graph and the names)
    srcs.metrics.saturation_many = lambda *a, **k: calls.append("saturation_many") or {}
    for name in ("span_groups", "find_traces", "entry_requests", "call_points"):
        setattr(srcs.traces, name, lambda *a, _n=name, **k: calls.append(_n) or [])
    for name in ("counts", "sample", "spread_sample"):
        setattr(srcs.logs, name, lambda *a, _n=name, **k: calls.append(_n) or [])
    report = investigate(srcs, "fronted", WINDOW, BASELINE)
    assert report.unknown_service and "check the service name" in report.verdict
    assert calls == []
    assert "frontend" in report.known_services
    logs = next(s for s in report.sources if s.signal == "logs")
    assert not logs.checked and "not queried" in logs.reason


def test_no_usable_data_says_a_profile_matched_when_its_queries_came_back_empty() -> None:
    srcs = sources(Incident(kind="none", fail={"traces"}))
    srcs.metrics.red_many = lambda services, window: {s: [] for s in services}
    report = investigate(srcs, "frontend", WINDOW, BASELINE)
    assert any("match a naming profile, but the RED queries returned no data" in m for m in report.missing), \
        report.missing
    unknown_to_metrics = sources(Incident(kind="none", fail={"traces"}))
    unknown_to_metrics.metrics.red_many = lambda services, window: {s: [] for s in services}
    unknown_to_metrics.metrics.service_names = lambda window: ["checkout"]
    report = investigate(unknown_to_metrics, "frontend", WINDOW, BASELINE)
    assert any("no RED metrics matched a known naming profile" in m for m in report.missing), report.missing


def test_a_window_past_the_store_s_latest_record_ends_there() -> None:
    from obskit.investigate.pipeline import ended
    hour = Window(0.0, 3600.0, 60.0)
    assert ended(hour, 2990.0) == Window(0.0, 3000.0, 60.0)  # cut after the step that holds the latest record
    assert ended(hour, 3550.0) is None  # within the last step: nothing to cut
    assert ended(hour, 30.0) is None  # a single step would remain: left as asked
    assert ended(hour, None) is None  # a source that cannot tell (Prometheus keeps receiving)
    srcs = sources(Incident(root="database", kind="latency"))
    latest = WINDOW.end - 900  # the store (say, a recording) holds nothing after this
    srcs.traces.recorded_until = lambda: latest  # type: ignore[union-attr]
    report = investigate(srcs, "frontend", WINDOW, BASELINE)
    assert report.window.end == WINDOW.start + ((latest - WINDOW.start) // STEP + 1) * STEP < WINDOW.end
    assert any("nothing was recorded after" in n for n in report.notes)
    assert report.suspects[0].service == "database"
