"""Run one investigation: query every source concurrently with time limits, then correlate.

A source that fails, is slow or is not configured never stops the report: it is listed as not checked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from obskit.deadlines import Deadline, Job
from obskit.investigate import cluster as cluster_stage
from obskit.investigate import confirm, correlate
from obskit.investigate import logs as logs_stage
from obskit.investigate import metrics as metrics_stage
from obskit.investigate import symptom as symptom_stage
from obskit.investigate import traces as traces_stage
from obskit.investigate.graph import ServiceGraph
from obskit.investigate.model import SIGNALS, Finding, Report, SourceStatus
from obskit.sources import Sources
from obskit.sources.errors import SourceError
from obskit.sources.metrics import MetricsSource
from obskit.sources.traces import Edge, TracesSource
from obskit.sources.window import Window, rfc3339


@dataclass
class Options:
    namespace: str | None = None
    source_timeout: float = 10.0  # seconds per source
    overall_timeout: float = 30.0  # seconds for the whole investigation
    depth: int = 8  # levels of callees to look at
    max_services: int = 60
    graph_edges: list[Edge] = field(default_factory=list)  # a user's graph file (origin "file"), merged in


def investigate(sources: Sources, service: str, window: Window, baseline: Window,
                options: Options | None = None) -> Report:
    opts = options or Options()
    report = Report(service=service, window=window, baseline=baseline)
    status: dict[str, SourceStatus] = {}
    for signal in SIGNALS:
        src = getattr(sources, signal)
        if src is None:
            reason = sources.missing.get(signal, "not configured")
            status[signal] = SourceStatus(signal, None, False, reason)
    # each job's budget starts when that job starts (not while the pipeline waits for another source),
    # and no stuck job can hold the report past the overall deadline
    deadline = Deadline(opts.overall_timeout, opts.source_timeout)

    def wait(name: str, job: Job) -> Any:
        return _result(job, name, status, getattr(sources, name).name, deadline.left(job), opts.source_timeout)

    cut = ended(window, recorded_until(sources))
    if cut is not None:  # nothing recorded after the store's latest record: no empty tail dilutes the rates
        report.notes.append(f"nothing was recorded after {rfc3339(cut.end)} (the store's latest record): the "
                            f"window ends there, not at {rfc3339(window.end)}")
        window = report.window = cut
    with deadline as pool:
        # first, concurrently: where the baseline has data (metrics) and the dependency graph (traces)
        probe = deps = None
        red_baseline = False  # the service's RED (metrics or spans) has data the window is compared with
        if sources.metrics is not None:
            probe = pool.submit("metrics", first_sample, sources.metrics, service, baseline)
        if sources.traces is not None:
            deps = pool.submit("traces", sources.traces.dependencies, Window(baseline.start, window.end, window.step))
        metric_deps = None  # edges from servicegraph / mesh metrics, where the metrics source has them
        if sources.metrics is not None and hasattr(sources.metrics, "dependencies"):
            metric_deps = pool.submit("graph", sources.metrics.dependencies, Window(baseline.start, window.end,
                                                                                   window.step))
        if probe is not None:
            first = wait("metrics", probe)
            scant = first is not None and baseline.end - first < MIN_BASELINE_STEPS * baseline.step
            if (first is None or scant) and "metrics" not in status:
                # nothing (or a few steps) recorded before the window (a young store, a new service): compare
                # the window's own first half with its second instead of comparing against (almost) nothing
                in_window = wait("metrics", pool.submit("metrics", first_sample, sources.metrics, service, window))
                split = split_window(window, in_window, finer=first is None)
                if split is not None:
                    red_baseline = True
                    before = "no data" if first is None else f"only {baseline_gap(first, baseline):.0f} s of data"
                    baseline, window = split
                    report.window = window
                    report.notes.append(
                        f"{before} before the window: its first half with data is the baseline; "
                        "pass --from/--to and --baseline to compare against a quiet period you choose")
                else:
                    red_baseline = first is not None
            else:
                red_baseline = first is not None
                trimmed = covered(baseline, first)
                if trimmed != baseline:
                    report.notes.append(f"the baseline starts at {rfc3339(trimmed.start)}, where {service}'s data "
                                        f"begins (asked from {rfc3339(baseline.start)})")
                baseline = trimmed
            report.baseline = baseline
        # each source's service names on its own: a hung backend must not hide what the others know
        span_window = Window(baseline.start, window.end, window.step)
        known = [pool.submit(f"known-{src.name}", service_names, src, span_window)
                 for src in (sources.metrics, sources.traces) if src is not None]
        edges: list[Edge] = list(opts.graph_edges)
        if deps is not None:
            edges += wait("traces", deps) or []
        if metric_deps is not None:  # a failing graph query only loses those edges; metrics stay checked
            edges += _result(metric_deps, "graph", {}, "", deadline.left(metric_deps), opts.source_timeout) or []
        graph = ServiceGraph.from_edges(edges)
        report.edge_origins = _origins(edges)
        in_graph = service in graph.callees or service in graph.callers  # known: no need to wait for the names
        names = [None if in_graph else _names(job, min(NAMES_WAIT, deadline.left(job))) for job in known]
        if _unknown(service, names, graph, status):
            # every metrics/traces source answered and none knows the service: nothing more to ask anyone
            return _unknown_report(report, names, graph, status, sources)
        services = graph.downstream(service, opts.depth)[: opts.max_services]  # queried per service
        reachable = graph.downstream(service, len(graph.callees) + 1)  # span blame covers every one at once
        jobs: dict[str, tuple[Callable[..., Any], tuple[Any, ...]]] = {}
        if sources.metrics is not None:
            jobs["metrics"] = (metrics_stage.analyze, (sources.metrics, services, window, baseline))
        if sources.logs is not None:
            jobs["logs"] = (logs_stage.analyze, (sources.logs, services, window, baseline, sources.traces))
        if sources.traces is not None:
            jobs["traces"] = (traces_stage.analyze, (sources.traces, service, window, baseline, sources.logs))
        if sources.cluster is not None:
            jobs["cluster"] = (cluster_stage.analyze, (sources.cluster, services, opts.namespace, window))
        futures = {}
        for name, (fn, args) in jobs.items():
            if name in status:  # it already failed or timed out above
                continue
            futures[name] = pool.submit(name, fn, *args)
        results: dict[str, Any] = {name: wait(name, future) for name, future in futures.items()}
        for i, job in enumerate(known):
            if names[i] is None:
                names[i] = _result(job, "known", {}, "", deadline.left(job), opts.source_timeout)
            report.known_services += names[i] or []
    findings: list[Finding] = []
    events = []
    if results.get("metrics") is not None:
        metric_findings, report.series = results["metrics"]
        findings += metric_findings
    if results.get("logs") is not None:
        log_findings, report.templates = results["logs"]
        findings += log_findings
    requests = (0, 0)
    symptoms = []
    tested = -1  # operations of the service its spans could test (-1: no traces)
    if results.get("traces") is not None:
        traced = results["traces"]
        report.paths = traced.paths
        requests = traced.requests
        symptoms += traced.symptoms
        tested = traced.tested
        findings += [f for f in traced.findings if f.service in reachable]
    if results.get("cluster") is not None:
        cluster_findings, events = results["cluster"]
        findings += cluster_findings
    for name in SIGNALS:
        if name not in status:
            status[name] = SourceStatus(name, getattr(sources, name).name, True)
    report.sources = [status[n] for n in SIGNALS]
    report.findings = sorted(findings, key=lambda f: (f.service, f.source, f.signal, f.onset or 0.0, f.summary))
    report.edges = graph.edges_among(sorted(set(services) | {f.service for f in findings}))
    report.known_services = sorted(set(report.known_services) | set(graph.callees) | set(graph.callers))
    report.red_sources = {s.service: s.labels.get("source", "metrics") for s in report.series}
    answered = {s.signal for s in report.sources if s.checked} & {"metrics", "traces"}
    # "unknown" only when every configured metrics/traces source answered: one that failed or timed out may
    # be the one that knows the service (it is listed as not checked instead)
    unanswered = {s.signal for s in report.sources if s.backend is not None and not s.checked} & {"metrics", "traces"}
    report.unknown_service = bool(answered) and not unanswered and not report.series \
        and service not in report.known_services \
        and not findings
    metric_names = names[0] if sources.metrics is not None else None  # what the metrics source said it knows
    report.missing = [] if report.unknown_service else missing_data(report, service, requests, red_baseline, tested,
                                                                    metric_names)
    symptoms += symptom_stage.from_findings(findings, service)
    downstream = getattr(results.get("traces"), "downstream", None)  # the tests of its requests into services
    if not symptoms:  # else: leads into services with evidence of their own
        symptoms = confirm.confirmed(downstream, findings)
    report.symptoms = sorted(symptoms, key=lambda s: -s.z)
    short = symptom_stage.baseline_note(report.baseline, requests[1])
    if short and not report.unknown_service:
        report.notes.append(short)
    suspects, _ = correlate.rank(service, graph, findings, window.step, correlate.fitting_kinds(report.symptoms))
    report.timeline = correlate.timeline(findings, events)
    if report.symptoms:
        report.suspects = correlate.explain(service, graph, suspects, report.symptoms, short is not None)
        report.inconclusive = correlate.inconclusive(report.suspects)
        if report.suspects:
            report.impacted = report.suspects[0].path[1:-1]
    else:
        # no symptom: nothing to explain; what changed elsewhere is a note, never a root cause, and so is a
        # change of its requests into a service with evidence of its own, short of a symptom (where to look first)
        report.changes = [f"{s.service}: {s.evidence[0] if s.evidence else s.kind}" for s in suspects[:5]]
        report.leads = confirm.below_bar(downstream, findings)
        report.notes += [f"changed elsewhere, explaining no symptom: {c}" for c in report.changes] + [
            f"a lead below the bar: {text}" for _, text in report.leads]
    report.verdict = verdict(report)
    return report


def _origins(edges: list[Edge]) -> dict[str, list[str]]:
    """Where each caller -> callee edge came from (traces, a metrics graph profile, a graph file)."""
    out: dict[str, set[str]] = {}
    for e in edges:
        if e.caller != e.callee:
            out.setdefault(f"{e.caller} -> {e.callee}", set()).add(e.origin)
    return {k: sorted(v) for k, v in sorted(out.items())}


def verdict(report: Report) -> str:
    """One sentence a person reads first: the symptom (or that there is none), then its cause."""
    start, end = report.window.iso()
    checked = [s.signal for s in report.sources if s.checked]
    if not checked:
        return f"Could not investigate {report.service}: no source answered."
    if report.unknown_service:
        return f"No metrics or traces mention {report.service} between {start} and {end}: check the service name."
    if not report.symptoms and report.missing:
        return (f"No usable data for {report.service} between {start} and {end}: {'; '.join(report.missing)}. "
                f"This is not a healthy verdict.")
    if not report.symptoms:
        elsewhere = f"; {len(report.changes)} change(s) elsewhere explain no symptom (see notes)" if report.changes \
            else ""
        if report.leads:
            elsewhere += (f"; its requests into {report.leads[0][0]} changed, short of a symptom, where that service "
                          f"shows evidence of its own: look there first (see notes)")
        return (f"No symptom on {report.service} between {start} and {end}: its own requests, errors and error "
                f"logs are within the baseline's variation (checked {', '.join(checked)}){elsewhere}.")
    first = report.symptoms[0]
    when = _clock(first.onset)
    what_kind = {"latency": "a latency", "errors": "an error"}.get(first.kind, f"a {first.kind}")
    head = f"{report.service} shows {what_kind} symptom since {when}: {first.summary}."
    if not report.suspects:
        return head + " No service it depends on explains it."
    top = report.suspects[0]
    if report.inconclusive:
        names = " or ".join(f"{s.service} ({s.kind}, confidence {s.confidence:.0%})" for s in report.suspects[:3])
        return head + f" Inconclusive: the evidence does not separate {names}."
    what = {"latency": "is slow", "errors": "is failing", "saturation": "is saturated", "crash": "is crashing",
            "deploy": "changed in a rollout and misbehaves"}[top.kind]
    if top.service == report.service:
        return head + f" Most likely cause: {top.service} itself {what} since {_clock(top.onset)} ({top.kind}; " \
                      f"confidence {top.confidence:.0%}); no dependency explains it."
    caveat = f" Note: {top.caveat}." if top.caveat else ""
    return (head + f" Most likely root cause: {top.service} {what} since {_clock(top.onset)} ({top.kind}; "
            f"confidence {top.confidence:.0%}), via {' -> '.join(top.path)}.{caveat}")


def _clock(ts: float | None) -> str:
    return time.strftime("%H:%M:%S UTC", time.gmtime(ts)) if ts is not None else "the window start"


MIN_BASELINE_STEPS = 5
MIN_RECORDED_STEPS = 2  # steps of a window before the store's latest record below which it is not cut there
MIN_SPLIT_STEP = 10.0  # seconds: the finest steps a window split into baseline and window gets


NAMES_WAIT = 2.0  # seconds to wait for the sources' service names before the stages start anyway


def service_names(source: MetricsSource | TracesSource, window: Window) -> list[str] | None:
    """The services one source knows in the window (None when it fails: the others still count)."""
    try:
        return sorted(source.service_names(window))
    except SourceError:
        return None


def _names(job: Job, timeout: float) -> list[str] | None:
    """One source's service names, or None when it failed or has not answered within `timeout`."""
    try:
        return job.result(timeout=timeout)
    except Exception:  # a failing or slow source: the stages run and it is reported there
        return None


def _unknown(service: str, names: list[list[str] | None], graph: ServiceGraph,
             status: dict[str, SourceStatus]) -> bool:
    """Every configured metrics/traces source answered (names and graph) and none of them knows the service."""
    if not names or any(n is None for n in names) or {"metrics", "traces"} & set(status):
        return False
    return service not in set().union(*names) | set(graph.callees) | set(graph.callers)


def _unknown_report(report: Report, names: list[list[str] | None], graph: ServiceGraph,
                    status: dict[str, SourceStatus], sources: Sources) -> Report:
    """The report of a service no source knows: its stages are not run (no backend is asked for nothing)."""
    report.unknown_service = True
    report.known_services = sorted(set().union(*(n or [] for n in names)) | set(graph.callees) | set(graph.callers))
    for name in SIGNALS:
        if name not in status:
            src = getattr(sources, name)
            asked = name in ("metrics", "traces")
            status[name] = SourceStatus(name, src.name, asked, "" if asked else
                                        "not queried: no metrics or traces source knows the service")
    report.sources = [status[n] for n in SIGNALS]
    report.verdict = verdict(report)
    return report


def missing_data(report: Report, service: str, requests: tuple[int, int], red_baseline: bool,
                 tested: int = -1, metric_names: list[str] | None = None) -> list[str]:
    """Why nothing about the service can be compared (empty when RED from metrics or spans covers both the
    window and the baseline): "no usable data" is its own verdict, never "nothing anomalous"."""
    red = [s for s in report.series if s.service == service and s.name == "request_rate" and s.points]
    has_red = bool(red) and red_baseline and report.red_sources.get(service) != "spans"
    has_spans = min(requests) >= symptom_stage.symptom_policy().min_requests and tested != 0
    if has_red or has_spans:
        return []
    checked = {s.signal for s in report.sources if s.checked}
    reasons = []
    from_metrics = [s for s in red if s.labels.get("source") != "spans"]
    if "metrics" not in checked:
        reasons.append("metrics were not checked")
    elif not red and metric_names is not None and service in metric_names:
        reasons.append("its metrics match a naming profile, but the RED queries returned no data for the window")
    elif not red:
        reasons.append("no RED metrics matched a known naming profile")
    elif from_metrics:
        reasons.append("its RED metrics have no baseline before the window")
    if "traces" not in checked:
        reasons.append("traces were not checked")
    elif requests == (0, 0):
        reasons.append("no spans enter the service")
    elif tested == 0 and min(requests) >= symptom_stage.symptom_policy().min_requests:
        reasons.append(f"no operation has {symptom_stage.symptom_policy().min_requests} requests in both the window "
                       f"and the baseline ({requests[0]} and {requests[1]} in all)")
    else:
        reasons.append(f"too few requests in spans to compare ({requests[0]} in the window, {requests[1]} in the "
                       f"baseline; {symptom_stage.symptom_policy().min_requests} needed in each)")
    return reasons


def recorded_until(sources: Sources) -> float | None:
    """The store's latest record of any signal, where a source can tell (the local store's traces source
    answers for the one store its sources share); None elsewhere: a Prometheus or Elasticsearch behind the
    sources keeps receiving, and a silent service is itself a symptom."""
    ask = getattr(sources.traces, "recorded_until", None)
    return ask() if ask is not None else None


def ended(window: Window, latest: float | None) -> Window | None:
    """The window cut after the step that holds the store's latest record, when the window reaches at least a
    step past it and at least MIN_RECORDED_STEPS steps remain; None otherwise. Store-wide, not per service: a
    service that went silent while others kept reporting keeps its whole window."""
    if latest is None or latest >= window.end - window.step:
        return None
    end = window.start + (int((latest - window.start) // window.step) + 1) * window.step
    if end - window.start < MIN_RECORDED_STEPS * window.step:
        return None
    return Window(window.start, end, window.step)


def first_sample(metrics: MetricsSource, service: str, baseline: Window) -> float | None:
    """When the service's request rate was first recorded within the baseline, if at all."""
    series = metrics.red_many([service], baseline).get(service, [])
    return min((ts for s in series if s.name == "request_rate" for ts, _ in s.points), default=None)


def baseline_gap(first: float, baseline: Window) -> float:
    """Seconds of data the asked-for baseline held (from the first sample to its end)."""
    return max(0.0, baseline.end - first)


def covered(baseline: Window, first: float | None) -> Window:
    """The baseline shrunk to where the service has data: a store that began recording mid-baseline would
    otherwise make every count look like a rise. Unchanged when unknown or too short to use."""
    if first is None or first <= baseline.start + baseline.step:
        return baseline
    if baseline.end - first < MIN_BASELINE_STEPS * baseline.step:
        return baseline
    return Window(first, baseline.end, baseline.step)


def split_window(window: Window, first: float | None, finer: bool = False) -> tuple[Window, Window] | None:
    """(baseline, window): the part of the window with data, halved on a step boundary; None when the data is
    too short for both halves to hold MIN_BASELINE_STEPS steps. With `finer` (nothing at all to compare with
    before the window), too few steps are made finer first, down to MIN_SPLIT_STEP (requests are compared one
    by one; the steps only date changes)."""
    if first is None:
        return None
    start = max(window.start, first)
    step = window.step
    if finer and (window.end - start) // step < 2 * MIN_BASELINE_STEPS:
        step = float(int((window.end - start) / (2 * MIN_BASELINE_STEPS) // 5 * 5))  # whole multiples of 5 s
    if step < MIN_SPLIT_STEP:  # (0 for under 50 s of data)
        return None
    steps = int((window.end - start) // step)
    if steps < 2 * MIN_BASELINE_STEPS:
        return None
    middle = start + (steps // 2) * step
    return Window(start, middle, step), Window(middle, window.end, step)


def _result(future: Job, name: str, status: dict[str, SourceStatus], backend: str, timeout: float,
            limit: float) -> Any:
    try:
        return future.result(timeout=timeout)
    except TimeoutError:
        status[name] = SourceStatus(name, backend, False, f"no answer within {limit:g} s")
    except SourceError as exc:
        status[name] = SourceStatus(name, backend, False, exc.reason)
    except Exception as exc:  # a source bug must not stop the report; the reason is shown
        status[name] = SourceStatus(name, backend, False, f"{type(exc).__name__}: {exc}")
    return None
