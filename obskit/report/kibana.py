"""Kibana Discover links for log findings and example log lines (when `kibana.url` is configured).

Discover's URL state lives in the fragment as Rison: `#/?_g=(time:(from:'…',to:'…'))&_a=(dataSource:
(dataViewId:'…',type:dataView),query:(language:lucene,query:'…'))` (Kibana 8.11+; times RFC 3339 UTC).
Every value is a Rison string (`!` and `'` escaped as `!!` and `!'`), then percent-encoded; the query
itself is the Lucene text the log source built, whose phrases are already escaped (lucene_phrase).
"""

from __future__ import annotations

from dataclasses import dataclass

from obskit.investigate.model import Finding, LogTemplateFinding, Report
from obskit.quoting import url_segment
from obskit.sources.window import Window
from obskit.sources.window import rfc3339 as window_rfc3339

# Rison's own punctuation stays readable; everything else inside a value is percent-encoded
_SAFE = "(),:!'*-._~"


@dataclass(frozen=True)
class Kibana:
    url: str
    data_view: str = "obskit-logs"


def rison_string(value: str) -> str:
    return "'" + value.replace("!", "!!").replace("'", "!'") + "'"


def discover_url(kibana: Kibana | None, query: str | None, window: Window) -> str | None:
    """A Discover link showing `query` (Lucene) over the window; None without Kibana or a query."""
    if kibana is None or not query:
        return None
    g = f"(time:(from:{rison_string(window_rfc3339(window.start))},to:{rison_string(window_rfc3339(window.end))}))"
    a = (f"(dataSource:(dataViewId:{rison_string(kibana.data_view)},type:dataView),"
         f"query:(language:lucene,query:{rison_string(query)}))")
    return f"{kibana.url.rstrip('/')}/app/discover#/?_g={url_segment(g, _SAFE)}&_a={url_segment(a, _SAFE)}"


def example_query(finding_query: str | None, trace_id: str | None) -> str | None:
    """The query of an example line: its service's log query, narrowed to its trace when it has one."""
    if not finding_query:
        return None
    if not trace_id:
        return finding_query
    from obskit.sources.elasticsearch import lucene_phrase  # the log source's own escaping

    return f"({finding_query}) AND {lucene_phrase(trace_id)}"


def finding_link(kibana: Kibana | None, finding: Finding, window: Window) -> str | None:
    """Discover for a log finding (its Lucene query: service and level); None for other signals."""
    return discover_url(kibana, finding.query, window) if finding.source == "logs" else None


def template_link(kibana: Kibana | None, report: Report, template: LogTemplateFinding) -> str | None:
    """Discover for an example line: the service's log query, and its trace id when the line has one."""
    query = next((f.query for f in report.findings if f.source == "logs" and f.service == template.service
                  and f.query), None)
    return discover_url(kibana, example_query(query, template.trace_id), report.window)
