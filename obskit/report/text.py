"""Rich text for people: verdict, suspects, timeline, log templates, trace paths, cluster changes, links."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from obskit.investigate.model import Report
from obskit.report import kibana as kibana_links
from obskit.report.kibana import Kibana
from obskit.report.links import clock, explore_url, rfc3339

MAX_ROWS = 15


def render(report: Report, grafana: str | None = None, kibana: Kibana | None = None) -> Group:
    start, end = rfc3339(report.window.start), rfc3339(report.window.end)
    parts: list[object] = [
        Text(report.verdict, style="bold"),
        Text(f"{report.service}: {start} .. {end}, baseline {rfc3339(report.baseline.start)} .. "
             f"{rfc3339(report.baseline.end)}", style="dim"),
        *(Text(f"note: {note}", style="yellow") for note in report.notes),
        *(Text(f"missing: {why}", style="yellow") for why in report.missing),
    ]
    if report.red_sources:
        by = sorted(report.red_sources.items())
        parts.append(Text("RED figures from " + ", ".join(f"{svc}: {src}" for svc, src in by), style="dim"))
    if report.suspects:
        table = Table(title="Suspects", title_justify="left")
        for col in ("#", "service", "kind", "score", "onset", "evidence"):
            table.add_column(col, overflow="fold")
        for i, s in enumerate(report.suspects[:MAX_ROWS], 1):
            table.add_row(str(i), s.service, s.kind, f"{s.score:.2f}", clock(s.onset), "\n".join(s.evidence[:3]))
        parts.append(table)
    if report.timeline:
        table = Table(title="Timeline (UTC)", title_justify="left")
        for col in ("time", "service", "source", "what"):
            table.add_column(col, overflow="fold")
        for e in report.timeline[:MAX_ROWS]:
            table.add_row(clock(e.ts), e.service, e.source, e.text)
        parts.append(table)
    if report.templates:
        table = Table(title="New and spiking log templates", title_justify="left")
        for col in ("service", "status", "window", "baseline", "template", "example"):
            table.add_column(col, overflow="fold")
        for t in report.templates[:MAX_ROWS]:
            example = t.example + (f"  trace_id={t.trace_id}" if t.trace_id else "")
            table.add_row(t.service, t.status, str(t.window_count), str(t.baseline_count), t.template, example)
        parts.append(table)
    if report.paths:
        table = Table(title="Slowest and erroring paths", title_justify="left")
        for col in ("trace", "ms", "error", "path"):
            table.add_column(col, overflow="fold")
        for p in report.paths:
            table.add_row(p.url or p.trace_id, f"{p.duration * 1000:.0f}", "yes" if p.error else "",
                          " > ".join(p.path))
        parts.append(table)
    changes = [f for f in report.findings if f.source == "cluster"]
    if changes:
        table = Table(title="Cluster changes", title_justify="left")
        for col in ("time", "service", "what"):
            table.add_column(col, overflow="fold")
        for f in changes:
            table.add_row(clock(f.onset), f.service, f"{f.signal}: {f.summary}")
        parts.append(table)
    links = []
    for f in report.findings:
        language = {"metrics": "promql", "logs": "lucene"}.get(f.source)
        url = f.link or (explore_url(grafana, language, f.query, report.window) if language else None)
        for u in (url, kibana_links.finding_link(kibana, f, report.window)):
            if u and u not in links:
                links.append(u)
    for t in report.templates[:MAX_ROWS] if kibana else []:  # each example line in Kibana Discover
        u = kibana_links.template_link(kibana, report, t)
        if u and u not in links:
            links.append(u)
    if links:
        parts.append(Text("Links:"))
        parts += [Text(f"  {u}", no_wrap=True, overflow="ignore") for u in links[:MAX_ROWS]]  # copyable, unbroken
    for s in report.sources:
        if not s.checked:
            parts.append(Text(f"not checked: {s.signal}: {s.reason}", style="yellow"))
    return Group(*parts)
