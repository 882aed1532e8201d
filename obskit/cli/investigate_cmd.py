"""`obskit investigate SERVICE`: correlate metrics, logs, traces and cluster events into a ranked verdict.

Exit codes: 0 no symptom on the service, 1 a symptom and its suspects (or inconclusive), 2 usage error,
3 no source answered, 5 no usable data.
"""

from __future__ import annotations

import io
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from obskit.cli import state
from obskit.cli.grammar import exit_codes, format_option, output_option
from obskit.cli.output import scrub, show
from obskit.errors import EXIT_BACKEND, EXIT_FINDINGS, EXIT_OK, InputError
from obskit.investigate.model import Report
from obskit.investigate.pipeline import Options, investigate
from obskit.investigate.timespec import parse_duration, parse_time
from obskit.report.kibana import Kibana
from obskit.sources import Sources
from obskit.sources.window import Window

EPILOG = exit_codes(
    (0, "no symptom"), (1, "a symptom and its suspects"),
    (2, "usage or input error (an unknown service lists the known ones)"), (3, "no source answered"),
    (5, "no usable data (sources answered, but nothing about the service itself can be compared: no RED "
        "metrics of a known profile and too few requests in spans, or no baseline)"))
EXIT_NO_DATA = 5


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


def resolve_window(since: str | None, start: str | None, end: str | None, baseline: str,
                   now: float) -> tuple[Window, Window]:
    if since and (start or end):
        raise InputError("--since cannot be combined with --from/--to", hint="give either --since 1h or --from/--to")
    if end and not start:
        raise InputError("--to needs --from")
    if start:
        t0 = parse_time(start, "--from", now)
        t1 = parse_time(end, "--to", now) if end else now
    else:
        t1 = now
        t0 = now - parse_duration(since or "1h", "--since")
    if t1 <= t0:
        raise InputError(f"--to ({t1:.0f}) must be after --from ({t0:.0f})")
    seconds = t1 - t0
    step = window_step(seconds)
    t0 = t0 - (t0 % step)  # align buckets so every source agrees on bucket starts
    window = Window(t0, t1, step)
    length = max(seconds, MIN_AUTO_BASELINE) if baseline == "auto" else parse_duration(baseline, "--baseline")
    return window, Window(t0 - length, t0, step)


MIN_AUTO_BASELINE = 1800.0  # an automatic baseline covers at least 30 minutes (less where data starts later)


def window_step(seconds: float) -> float:
    """About 12-120 buckets: 15 s for a 3-minute incident, 60 s up to 2 h, then wider."""
    if seconds <= 1800:
        return float(min(60, max(10, 5 * round(seconds / 12 / 5))))
    return 60.0 if seconds <= 7200 else max(60.0, round(seconds / 120 / 60) * 60)


def build_sources(local: bool, db: Path | None, timeout: float,
                  namespace: str | None = None) -> tuple[Sources, str | None]:
    """Sources (the local store, or the production backends from the config) and the Grafana URL for links."""
    loaded = state.config()
    if local:
        from obskit.sources.factory import profiles
        from obskit.sources.local import local_sources

        path = db or loaded.config.local.db
        if not Path(path).exists():
            raise InputError(f"--db {path}: no such local store", hint="run `obskit demo` or ingest OTLP first")
        return local_sources(Path(path), *profiles(loaded.config)), None
    from obskit.sources.factory import production_sources

    return production_sources(loaded.config, timeout, namespace), loaded.config.grafana.url


def kibana_target() -> Kibana | None:
    """Kibana Discover links for log findings and example lines, when kibana.url is configured."""
    cfg = state.config().config.kibana
    return Kibana(cfg.url, cfg.data_view) if cfg.url else None


def render(report: Report, fmt: ReportFormat, grafana: str | None, kibana: Kibana | None = None) -> str | None:
    from obskit.report import html, json, markdown

    if fmt is ReportFormat.json:
        return json.render(report, grafana, kibana)
    if fmt is ReportFormat.markdown:
        return markdown.render(report, grafana, kibana)
    if fmt is ReportFormat.html:
        return html.render(report, grafana, kibana)
    return None


def investigate_command(
    service: Annotated[str, typer.Argument(help="Service to investigate (as named in traces/metrics).",
                                           metavar="SERVICE")],
    since: Annotated[str | None, typer.Option("--since", metavar="DURATION",
                                              help="Window ending now, e.g. 30m, 1h (default 1h).")] = None,
    start: Annotated[str | None, typer.Option("--from", metavar="TIME",
                                              help="Start: RFC 3339, epoch, now-2h, '2h ago'.")] = None,
    end: Annotated[str | None, typer.Option("--to", metavar="TIME", help="Window end (default now).")] = None,
    baseline: Annotated[str, typer.Option(
        "--baseline", metavar="auto|DURATION", help="auto (just before the window: its length, at least 30m, "
        "trimmed to where data starts) or an exact duration.")] = "auto",
    namespace: Annotated[str | None, typer.Option("--namespace", "-n", metavar="NAMESPACE",
                                                  help="Kubernetes namespace.")] = None,
    local: Annotated[bool, typer.Option("--local", help="Use the local DuckDB store instead of backends.")] = False,
    db: Annotated[Path | None, typer.Option("--db", metavar="FILE", dir_okay=False,
                                            help="Local store path (implies --local).")] = None,
    fmt: Annotated[ReportFormat, format_option("text, json, markdown or html.")] = ReportFormat.text,
    output: Annotated[Path | None, output_option("Write the report to this file.")] = None,
    graph: Annotated[Path | None, typer.Option(
        "--graph", metavar="FILE", dir_okay=False,
        help="A graph file (YAML `edges: [{from: a, to: b}]`) merged with the graph from traces and metrics: "
             "for services nothing else links.")] = None,
    source_timeout: Annotated[float, typer.Option("--source-timeout", min=0.1, help="Seconds per source.")] = 10.0,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds for the whole run.")] = 30.0,
) -> None:
    """Find what is wrong with SERVICE, since when, and the most likely root cause, with evidence and links."""
    local = local or db is not None  # --db names a local store
    window, base = resolve_window(since, start, end, baseline, time.time())
    sources, grafana = build_sources(local, db, source_timeout, namespace)
    if sys.stderr.isatty():
        sys.stderr.write(f"investigating {service} ...\n")
    edges = []
    if graph is not None:
        from obskit.sources.graph_file import load_graph_file

        edges = load_graph_file(graph)
    report = investigate(sources, service, window, base,
                         Options(namespace=namespace, source_timeout=source_timeout, overall_timeout=timeout,
                                 graph_edges=edges))
    if report.unknown_service:
        known = ", ".join(report.known_services[:20]) or "none in the window"
        raise InputError(f"{service}: no metrics or traces for this service in the window", hint=f"known: {known}")
    kibana = None if local else kibana_target()  # Kibana shows the backends' logs, not the local store
    text = render(report, fmt, grafana, kibana)
    if output is not None:
        if text is None:
            from rich.console import Console

            console = Console(width=160, record=True, file=io.StringIO())
            console.print(_text(report, grafana, kibana))
            text = console.export_text()
        output.write_text(scrub(text), encoding="utf-8")
        sys.stdout.write(f"wrote {output} ({fmt.value} report, {len(report.suspects)} suspects)\n")
    elif text is None:
        show(_text(report, grafana, kibana))
    else:
        sys.stdout.write(scrub(text))
    code = EXIT_BACKEND if not report.answered else EXIT_FINDINGS if report.suspects else \
        EXIT_NO_DATA if report.missing else EXIT_OK
    if code == EXIT_BACKEND and not local:
        sys.stderr.write("hint: check the backends with `obskit doctor`, or investigate the embedded store with "
                         "--local / --db PATH (`make demo` fills one)\n")
    # a hung backend call may still occupy a thread: a daemon thread (obskit.deadlines), so exiting is not held
    raise typer.Exit(code)


def _text(report: Report, grafana: str | None, kibana: Kibana | None = None) -> object:
    from obskit.report import text

    return text.render(report, grafana, kibana)
