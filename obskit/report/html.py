"""One self-contained HTML file: verdict, suspects, a timeline chart of the RED metrics with anomaly onsets
and event markers (inline SVG + a little inline JS for a hover read-out), and the report tables.

Charts span the baseline and the window, each drawn as a labelled band, so the step from before to after
is visible and the onset sits inside the chart, not on its left edge.

No external resources: no CDN, no fonts, no images; it opens offline.
"""

from __future__ import annotations

import html
import json

from obskit.investigate.model import Report
from obskit.report.json import to_dict
from obskit.report.kibana import Kibana
from obskit.report.links import clock
from obskit.sources.metrics import Series

CHARTS = (("latency_p95", "p95 latency (ms)", 1000.0), ("error_ratio", "error ratio (%)", 100.0),
          ("request_rate", "request rate (req/s)", 1.0))
PALETTE = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f")
W, H, PAD = 860, 180, 44

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:960px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}.verdict{font-size:17px;font-weight:600;padding:10px 14px;
background:#fff4e5;border-left:4px solid #d62728}table{border-collapse:collapse;width:100%;font-size:13px}
td,th{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}.muted{color:#777}
svg{background:#fafafa;border:1px solid #eee}.legend span{margin-right:14px;font-size:12px}
#readout{font-size:12px;min-height:16px;font-family:monospace}.warn{color:#a15c00}
td.ts,th.ts{white-space:nowrap;font-family:monospace}
"""
BASELINE_FILL, WINDOW_FILL = "#e3ecf7", "#fdf0e0"  # the two periods behind the lines

SCRIPT = """
(function(){
  var data = JSON.parse(document.getElementById('chart-data').textContent);
  var out = document.getElementById('readout');
  document.querySelectorAll('svg.chart').forEach(function(svg){
    svg.addEventListener('mousemove', function(ev){
      var box = svg.getBoundingClientRect();
      var x = (ev.clientX - box.left) * (data.width / box.width);
      var frac = (x - data.pad) / (data.width - 2 * data.pad);
      if (frac < 0 || frac > 1) { return; }
      var ts = data.start + frac * (data.end - data.start);
      var parts = [new Date(ts * 1000).toISOString().substring(11, 19) + ' UTC'];
      var chart = data.charts[svg.getAttribute('data-chart')] || {};
      Object.keys(chart).sort().forEach(function(service){
        var best = null;
        chart[service].forEach(function(p){
          if (best === null || Math.abs(p[0] - ts) < Math.abs(best[0] - ts)) { best = p; }
        });
        if (best !== null) { parts.push(service + '=' + best[1]); }
      });
      out.textContent = parts.join('  ');
    });
  });
})();
"""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def span_of(report: Report) -> tuple[float, float]:
    """The charts' time axis: from the earlier start of baseline and window to the later end."""
    return (min(report.baseline.start, report.window.start), max(report.baseline.end, report.window.end))


def _band(cls: str, label: str, x0: float, x1: float, fill: str) -> str:
    if x1 <= x0:
        return ""
    return (f'<rect class="{cls}" x="{x0}" y="18" width="{round(x1 - x0, 1)}" height="{H - PAD / 2 - 18}" '
            f'fill="{fill}"><title>{_esc(label)}</title></rect>'
            f'<text x="{round(x0 + 4, 1)}" y="30" font-size="10" fill="#555">{_esc(label)}</text>')


def _chart(name: str, title: str, factor: float, series: list[Series], report: Report,
           colors: dict[str, str]) -> tuple[str, dict[str, list[list[float]]]]:
    start, end = span_of(report)
    chosen = [s for s in series if s.name == name and s.points]
    values = [v * factor for s in chosen for ts, v in s.points if start <= ts <= end]
    top = max(values, default=1.0) or 1.0

    def x(ts: float) -> float:
        return round(PAD + (min(max(ts, start), end) - start) / (end - start) * (W - 2 * PAD), 1)

    def y(v: float) -> float:  # 20 % headroom: the band labels and onset labels stay readable above the lines
        return round(H - PAD / 2 - v / (top * 1.2) * (H - PAD), 1)

    base, win = report.baseline, report.window
    parts = [f'<svg class="chart" data-chart="{_esc(name)}" viewBox="0 0 {W} {H}" width="100%" role="img" '
             f'aria-label="{_esc(title)}" xmlns="http://www.w3.org/2000/svg">',
             # the window first: a baseline inside it (nothing recorded before) is drawn on top of it
             _band("window", f"window {clock(win.start)}-{clock(win.end)}", x(win.start), x(win.end), WINDOW_FILL),
             _band("baseline", f"baseline {clock(base.start)}-{clock(base.end)}", x(base.start),
                   x(min(base.end, win.start) if base.start < win.start else base.end), BASELINE_FILL),
             f'<text x="{PAD}" y="14" font-size="12">{_esc(title)} (max {top:.4g})</text>',
             f'<line x1="{PAD}" y1="{H - PAD / 2}" x2="{W - PAD}" y2="{H - PAD / 2}" stroke="#999"/>']
    for i in range(5):
        ts = start + i * (end - start) / 4
        parts.append(f'<text x="{x(ts)}" y="{H - 6}" font-size="10" text-anchor="middle">{clock(ts)}</text>')
    data: dict[str, list[list[float]]] = {}
    for s in chosen:
        pts = [(ts, v * factor) for ts, v in s.points if start <= ts <= end]
        if not pts:
            continue
        data[s.service] = [[ts, round(v, 4)] for ts, v in pts]
        path = " ".join(f"{x(ts)},{y(v)}" for ts, v in pts)
        parts.append(f'<polyline fill="none" stroke="{colors[s.service]}" stroke-width="1.5" points="{path}">'
                     f'<title>{_esc(s.service)}</title></polyline>')
    for rank, sus in enumerate(report.suspects[:3], 1):
        if sus.onset is not None:
            parts.append(f'<line class="onset" x1="{x(sus.onset)}" y1="18" x2="{x(sus.onset)}" y2="{H - PAD / 2}" '
                         f'stroke="#d62728" stroke-dasharray="4 3"><title>onset #{rank} {_esc(sus.service)} '
                         f'{_esc(sus.kind)} {clock(sus.onset)}</title></line>'
                         f'<text x="{x(sus.onset) + 3}" y="{42 + 11 * (rank - 1)}" font-size="10" fill="#d62728">'
                         f'#{rank} {_esc(sus.service)}</text>')
    for e in report.timeline:
        if e.source == "cluster" and start <= e.ts <= end:
            parts.append(f'<circle class="event" cx="{x(e.ts)}" cy="24" r="4" fill="#1f77b4"><title>{clock(e.ts)} '
                         f'{_esc(e.service)}: {_esc(e.text)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts), data


def _table(header: list[str], rows: list[list[str]], nowrap: int | None = None) -> str:
    """A table; column ``nowrap`` (timestamps) never wraps."""
    def cell(tag: str, i: int, content: str) -> str:
        return f'<{tag} class="ts">{content}</{tag}>' if i == nowrap else f"<{tag}>{content}</{tag}>"

    head = "".join(cell("th", i, _esc(h)) for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _link(url: str | None, text: str) -> str:
    if not url or not url.startswith(("http://", "https://")):
        return _esc(text)
    return f'<a href="{_esc(url)}" rel="noopener noreferrer">{_esc(text)}</a>'


def render(report: Report, grafana: str | None = None, kibana: Kibana | None = None) -> str:
    doc = to_dict(report, grafana, kibana)
    services = sorted({s.service for s in report.series}, key=lambda s: (s != report.service, s))
    colors = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(services)}
    charts, chart_data = [], {}
    for name, title, factor in CHARTS:
        svg, data = _chart(name, title, factor, report.series, report, colors)
        charts.append(svg)
        chart_data[name] = data
    legend = "".join(f'<span style="color:{colors[s]}">&#9632; {_esc(s)}</span>' for s in services)
    start, end = span_of(report)
    payload = json.dumps({"start": start, "end": end, "width": W, "pad": PAD,
                          "charts": chart_data}, sort_keys=True).replace("</", "<\\/")
    w = doc["window"]
    body = [f"<h1>obskit investigate {_esc(report.service)}</h1>",
            f'<p class="verdict">{_esc(report.verdict)}</p>',
            f'<p class="muted">window {_esc(w["from"])} .. {_esc(w["to"])}, baseline {_esc(doc["baseline"]["from"])}'
            f' .. {_esc(doc["baseline"]["to"])}</p>',
            *(f'<p class="muted">note: {_esc(note)}</p>' for note in doc["notes"]),
            *(f'<p class="muted">missing: {_esc(why)}</p>' for why in doc["missing_data"])]
    if doc["red_sources"]:
        body.append('<p class="muted">RED figures from ' + ", ".join(
            f"{_esc(svc)}: {_esc(src)}" for svc, src in doc["red_sources"].items()) + "</p>")
    if doc["suspects"]:
        body += ["<h2>Suspects</h2>", _table(["#", "service", "kind", "score", "onset", "evidence"], [
            [str(s["rank"]), _esc(s["service"]), _esc(s["kind"]), f'{s["score"]:.2f}', _esc(s["onset"] or "-"),
             "<br>".join(_esc(e) for e in s["evidence"][:4])] for s in doc["suspects"]], nowrap=4)]
    body += ["<h2>RED metrics</h2>", f'<div class="legend">{legend}</div>', *charts, '<div id="readout"></div>',
             '<p class="muted">blue band: baseline; orange band: window; dashed red: suspect onsets; '
             'blue dots: cluster events</p>']
    if doc["timeline"]:
        body += ["<h2>Timeline</h2>", _table(["time", "service", "source", "what"], [
            [_esc(e["ts"]), _esc(e["service"]), _esc(e["source"]), _esc(e["text"])] for e in doc["timeline"][:50]],
            nowrap=0)]
    if doc["templates"]:
        body += ["<h2>New and spiking log templates</h2>", _table(
            ["service", "status", "window", "baseline", "template", "example"],
            [[_esc(t["service"]), _esc(t["status"]), str(t["window_count"]), str(t["baseline_count"]),
              f"<code>{_esc(t['template'])}</code>", _link(t.get("kibana_link"), t["example"])]
             for t in doc["templates"]])]
    if doc["paths"]:
        body += ["<h2>Slowest and erroring paths</h2>", _table(["trace", "ms", "path"], [
            [_link(p["url"], p["trace_id"]), f'{p["duration_seconds"] * 1000:.0f}', _esc(" > ".join(p["path"]))]
            for p in doc["paths"]])]
    links = [[_esc(f["service"]), _link(f["link"], f["signal"])] for f in doc["findings"] if f["link"]]
    links += [[_esc(f["service"]), _link(f["kibana_link"], f"{f['signal']} in Kibana")] for f in doc["findings"]
              if f.get("kibana_link")]
    if links:
        body += ["<h2>Links</h2>", _table(["service", "query"], links)]
    missing = [f'<p class="warn">not checked: {_esc(k)}: {_esc(v["reason"])}</p>'
               for k, v in sorted(doc["sources"].items()) if not v["checked"]]
    body += missing
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>obskit investigate {_esc(report.service)}</title><style>{STYLE}</style></head><body>"
            + "\n".join(body)
            + f'<script type="application/json" id="chart-data">{payload}</script><script>{SCRIPT}</script>'
            + "</body></html>\n")
