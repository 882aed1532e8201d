"""Markdown for incident tickets: the same content as the text report, as tables."""

from __future__ import annotations

from obskit.investigate.model import Report
from obskit.report import kibana as kibana_links
from obskit.report.kibana import Kibana
from obskit.report.links import clock, explore_url, rfc3339
from obskit.report.mdtext import cell, code, inline


class Markup(str):
    """A table cell that is already Markdown (a code span, a link): placed as is."""


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(c if isinstance(c, Markup) else cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def render(report: Report, grafana: str | None = None, kibana: Kibana | None = None) -> str:
    lines = [f"# Investigation: {inline(report.service)}", "", f"**{inline(report.verdict)}**", "",
             f"Window {rfc3339(report.window.start)} .. {rfc3339(report.window.end)}, baseline "
             f"{rfc3339(report.baseline.start)} .. {rfc3339(report.baseline.end)}.", ""]
    lines += [f"> Note: {inline(note)}" for note in report.notes] + ([""] if report.notes else [])
    lines += [f"> Missing: {inline(why)}" for why in report.missing] + ([""] if report.missing else [])
    if report.red_sources:
        sources = ", ".join(f"{inline(svc)} ({src})" for svc, src in sorted(report.red_sources.items()))
        lines += [f"RED figures from: {sources}.", ""]
    if report.suspects:
        lines += ["## Suspects", ""]
        lines += _table(["#", "service", "kind", "score", "onset (UTC)", "evidence"],
                        [[str(i), s.service, s.kind, f"{s.score:.2f}", clock(s.onset), "\n".join(s.evidence[:3])]
                         for i, s in enumerate(report.suspects, 1)])
    if report.timeline:
        lines += ["## Timeline", ""]
        lines += _table(["time (UTC)", "service", "source", "what"],
                        [[clock(e.ts), e.service, e.source, e.text] for e in report.timeline[:30]])
    if report.templates:
        lines += ["## New and spiking log templates", ""]
        lines += _table(["service", "status", "window", "baseline", "template", "example"],
                        [[t.service, t.status, str(t.window_count), str(t.baseline_count), Markup(code(t.template)),
                          t.example] for t in report.templates])
    if report.paths:
        lines += ["## Slowest and erroring paths", ""]
        lines += _table(["trace", "ms", "path"],
                        [[Markup(f"[{inline(p.trace_id)}](<{p.url}>)") if p.url else p.trace_id,
                          f"{p.duration * 1000:.0f}", " > ".join(p.path)] for p in report.paths])
    links = []
    for f in report.findings:
        language = {"metrics": "promql", "logs": "lucene"}.get(f.source)
        url = f.link or (explore_url(grafana, language, f.query, report.window) if language else None)
        if url:
            links.append(f"- [{inline(f.service)} {inline(f.signal)}](<{url}>)")
        discover = kibana_links.finding_link(kibana, f, report.window)
        if discover:
            links.append(f"- [{inline(f.service)} {inline(f.signal)} in Kibana](<{discover}>)")
    for t in report.templates if kibana else []:
        discover = kibana_links.template_link(kibana, report, t)
        if discover:
            links.append(f"- [{inline(t.service)} example line in Kibana](<{discover}>)")
    if links:
        lines += ["## Links", ""] + sorted(set(links)) + [""]
    missing = [f"- not checked: {inline(s.signal)}: {inline(s.reason)}" for s in report.sources if not s.checked]
    if missing:
        lines += ["## Not checked", ""] + missing + [""]
    return "\n".join(lines).rstrip("\n") + "\n"
