"""Stable, versioned JSON for an investigation (`obskit investigate --format json`).

Schema version 1 (documented in docs/investigate.md, "JSON report"):
  schema_version  "1"
  service         investigated service
  window          {from, to, step_seconds} RFC 3339 UTC;  baseline: same shape
  notes           how obskit adjusted the window/baseline and why (e.g. no data before the window); may be []
  verdict         one sentence
  suspects        ordered best first: {rank, service, kind, score (0..1), onset (RFC 3339|null), evidence[]}
  findings        {source, service, kind, signal, score, onset, summary, query, link}; log findings also
                  kibana_link (a Kibana Discover URL) when kibana.url is configured
  timeline        {ts, service, source, text} ascending
  templates       new/spiking log templates {service, template, status, window_count, baseline_count, score,
                  example, trace_id} (+ kibana_link when kibana.url is configured)
  paths           slowest/erroring trace paths {trace_id, duration_seconds, error, path[], url}
  graph           {edges: [[caller, callee], ...]}
  sources         {metrics|logs|traces|cluster: {backend, checked, reason}}
  red_sources     {service: "metrics"|"spans"}: where each service's RED figures came from (request
                  metrics of a known naming profile, or its entry spans)
  missing_data    why nothing about the service could be compared (the "no usable data" verdict); may be []
Numbers are rounded (4 decimals), keys sorted, indent 2, trailing newline.
"""

from __future__ import annotations

from typing import Any

from obskit.envelope import SCHEMA_VERSION, dumps
from obskit.investigate.model import Report
from obskit.report import kibana as kibana_links
from obskit.report.kibana import Kibana
from obskit.report.links import explore_url, rfc3339
from obskit.sources.window import Window


def _window(w: Window) -> dict[str, Any]:
    return {"from": rfc3339(w.start), "to": rfc3339(w.end), "step_seconds": _num(w.step)}


def _num(x: float) -> float | int:
    r = round(float(x), 4)
    return int(r) if r == int(r) else r


def finding_link(language: str | None, query: str | None, report: Report, grafana: str | None) -> str | None:
    return explore_url(grafana, language or "", query, report.window) if language else None


def to_dict(report: Report, grafana: str | None = None, kibana: Kibana | None = None) -> dict[str, Any]:
    findings = []
    for f in report.findings:
        language = {"metrics": "promql", "logs": "lucene"}.get(f.source)
        findings.append({
            "source": f.source, "service": f.service, "kind": f.kind, "signal": f.signal, "score": _num(f.score),
            "onset": rfc3339(f.onset), "summary": f.summary, "query": f.query,
            "link": f.link or finding_link(language, f.query, report, grafana),
            **({"kibana_link": kibana_links.finding_link(kibana, f, report.window)}
               if kibana and f.source == "logs" else {}),
        })
    shown = {f"{a} -> {b}" for a, b in report.edges}  # origins of the edges the report shows
    return {
        "schema_version": SCHEMA_VERSION,
        "service": report.service,
        "window": _window(report.window),
        "baseline": _window(report.baseline),
        "notes": list(report.notes),
        "verdict": report.verdict,
        "suspects": [
            {"rank": i + 1, "service": s.service, "kind": s.kind, "score": _num(s.score), "onset": rfc3339(s.onset),
             "confidence": _num(s.confidence), "path": list(s.path), "evidence": list(s.evidence),
             "caveat": s.caveat}
            for i, s in enumerate(report.suspects)
        ],
        "symptoms": [{"source": s.source, "kind": s.kind, "z": _num(s.z), "onset": rfc3339(s.onset),
                      "summary": s.summary, "within": list(s.within)} for s in report.symptoms],
        "inconclusive": report.inconclusive,
        "impacted": list(report.impacted),
        "changes_elsewhere": list(report.changes),
        "leads_below_bar": [{"service": name, "text": text} for name, text in report.leads],
        "findings": findings,
        "timeline": [{"ts": rfc3339(e.ts), "service": e.service, "source": e.source, "text": e.text}
                     for e in report.timeline],
        "templates": [
            {"service": t.service, "template": t.template, "status": t.status, "window_count": t.window_count,
             "baseline_count": t.baseline_count, "score": _num(t.score), "example": t.example, "trace_id": t.trace_id,
             **({"kibana_link": kibana_links.template_link(kibana, report, t)} if kibana else {})}
            for t in report.templates
        ],
        "paths": [{"trace_id": p.trace_id, "duration_seconds": _num(p.duration), "error": p.error,
                   "path": list(p.path), "url": p.url} for p in report.paths],
        "graph": {"edges": [list(e) for e in report.edges],
                  "origins": {k: v for k, v in report.edge_origins.items() if k in shown}},
        "red_sources": dict(sorted(report.red_sources.items())),
        "missing_data": list(report.missing),
        "sources": {s.signal: {"backend": s.backend, "checked": s.checked, "reason": s.reason or None}
                    for s in report.sources},
    }


def render(report: Report, grafana: str | None = None, kibana: Kibana | None = None) -> str:
    """The report in the one JSON envelope (obskit.envelope): schema_version first, payload keys at the top."""
    return dumps(to_dict(report, grafana, kibana), SCHEMA_VERSION)
