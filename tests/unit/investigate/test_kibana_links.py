"""Kibana Discover links (kibana.url configured): on every log finding and example line, in every report
format, well-formed for hostile service names (decoded back with a small Rison reader written here)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obskit.investigate.pipeline import investigate
from obskit.report import html, markdown, text
from obskit.report import json as json_report
from obskit.report.kibana import Kibana, discover_url, example_query
from obskit.sources.elasticsearch import lucene_phrase
from obskit.sources.window import Window
from tests.unit.investigate.synthetic import BASELINE, WINDOW, Incident, sources

KIBANA = Kibana("https://kibana.example:5601/base/", "obskit-logs")


def rison(text: str) -> Any:
    """Decode the Rison subset Discover URLs use: (k:v,...) objects, '...' strings, bare words."""
    pos = 0

    def value() -> Any:
        nonlocal pos
        if text[pos] == "(":
            pos += 1
            out = {}
            while text[pos] != ")":
                key = word()
                assert text[pos] == ":", text[pos:]
                pos += 1
                out[key] = value()
                if text[pos] == ",":
                    pos += 1
            pos += 1
            return out
        if text[pos] == "'":
            pos += 1
            chars = []
            while text[pos] != "'":
                if text[pos] == "!":
                    pos += 1
                    assert text[pos] in "!'", f"bad escape at {pos}"
                chars.append(text[pos])
                pos += 1
            pos += 1
            return "".join(chars)
        return word()

    def word() -> str:
        nonlocal pos
        start = pos
        while pos < len(text) and text[pos] not in "():,'!":
            pos += 1
        return text[start:pos]

    result = value()
    assert pos == len(text), f"trailing text: {text[pos:]!r}"
    return result


def decode(url: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    parts = urlsplit(url)
    assert parts.fragment.startswith("/?")
    state = dict(p.split("=", 1) for p in parts.fragment[2:].split("&"))
    assert set(state) == {"_g", "_a"}
    for raw in state.values():
        assert not set(raw) & set(" \"#&<>\\`{}|^")  # nothing unsafe left bare: all percent-encoded
    return parts.path, rison(unquote(state["_g"])), rison(unquote(state["_a"]))


@given(st.text(min_size=1, max_size=40))
def test_discover_links_stay_well_formed_for_any_service_name(service: str) -> None:
    query = f"service.name:{lucene_phrase(service)} AND log.level:(error)"
    url = discover_url(KIBANA, query, Window(1_700_000_000, 1_700_000_900, 15))
    assert url is not None and url.startswith("https://kibana.example:5601/base/app/discover#/?_g=")
    assert " " not in url and url.count("#") == 1 and url.count("&") == 1
    path, g, a = decode(url)
    assert path == "/base/app/discover"
    assert g == {"time": {"from": "2023-11-14T22:13:20Z", "to": "2023-11-14T22:28:20Z"}}
    assert a["dataSource"] == {"dataViewId": "obskit-logs", "type": "dataView"}
    assert a["query"] == {"language": "lucene", "query": query}  # exactly the query, whatever the name held


def test_hostile_names_are_escaped_in_rison_and_url() -> None:
    service = "a'b!c\"d&e#f %g)h(i,j:k"
    url = discover_url(KIBANA, f"service.name:{lucene_phrase(service)}", Window(0, 60, 15))
    assert url is not None
    assert "#f" not in url and "&e" not in url and " " not in url
    assert "!'" in unquote(url) and "!!" in unquote(url)
    assert decode(url)[2]["query"]["query"] == 'service.name:"a\'b!c\\"d&e#f %g)h(i,j:k"'


def test_example_query_narrows_to_the_trace() -> None:
    assert example_query('service.name:"x"', 'abc"def') == '(service.name:"x") AND "abc\\"def"'
    assert example_query('service.name:"x"', None) == 'service.name:"x"'
    assert example_query(None, "abc") is None
    assert discover_url(None, "q", Window(0, 1, 1)) is None and discover_url(KIBANA, None, Window(0, 1, 1)) is None


@pytest.fixture(scope="module")
def crash_report():  # type: ignore[no-untyped-def]
    return investigate(sources(Incident(root="cart", kind="crash")), "frontend", WINDOW, BASELINE)


def test_every_log_finding_and_example_line_carries_a_discover_link(crash_report) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(json_report.render(crash_report, "http://grafana:3000", KIBANA))
    logs = [f for f in doc["findings"] if f["source"] == "logs"]
    assert logs and all(f["kibana_link"] and f["link"] for f in logs)  # the Grafana link stays
    assert all("kibana_link" not in f for f in doc["findings"] if f["source"] != "logs")
    for f in logs:
        assert decode(f["kibana_link"])[2]["query"]["query"] == f["query"]
    assert doc["templates"] and all(t["kibana_link"] for t in doc["templates"])
    for t in doc["templates"]:
        query = decode(t["kibana_link"])[2]["query"]["query"]
        assert f'service.name:"{t["service"]}"' in query and f'"{t["trace_id"]}"' in query
    plain = json.loads(json_report.render(crash_report, "http://grafana:3000"))
    assert all("kibana_link" not in f for f in plain["findings"] + plain["templates"])  # schema unchanged without


def test_text_markdown_and_html_show_the_discover_links(crash_report) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    console = Console(width=400, record=True)
    console.print(text.render(crash_report, None, KIBANA))
    assert "https://kibana.example:5601/base/app/discover#/?_g=" in console.export_text()
    md = markdown.render(crash_report, None, KIBANA)
    assert sum("in Kibana](<https://kibana.example:5601/base/app/discover#/" in line and line.startswith("- [cart ")
               for line in md.splitlines()) >= 1
    assert "example line in Kibana](<https://kibana.example" in md
    page = html.render(crash_report, None, KIBANA)
    assert 'href="https://kibana.example:5601/base/app/discover#/?_g=' in page


def test_every_link_of_any_format_is_in_the_json_report(crash_report) -> None:  # type: ignore[no-untyped-def]
    """Chat bots and incident tools read the JSON: no Explore, Discover or trace link may exist only for people."""
    import re
    from html import unescape

    from rich.console import Console

    doc = json.loads(json_report.render(crash_report, "http://grafana:3000", KIBANA))
    in_json: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)
        elif isinstance(node, str) and node.startswith(("http://", "https://")):
            in_json.add(node)

    collect(doc)
    md = markdown.render(crash_report, "http://grafana:3000", KIBANA)
    md_links = set(re.findall(r"\]\(<(https?://[^>]+)>\)", md))
    console = Console(width=5000, record=True)
    console.print(text.render(crash_report, "http://grafana:3000", KIBANA))
    text_links = set(re.findall(r"https?://\S+", console.export_text()))
    page = html.render(crash_report, "http://grafana:3000", KIBANA)
    html_links = {unescape(h) for h in re.findall(r'href="(https?://[^"]+)"', page)}
    assert md_links and any("/explore?" in u for u in md_links) and any("/app/discover" in u for u in md_links)
    assert md_links <= in_json, md_links - in_json
    assert text_links <= in_json, text_links - in_json
    assert html_links <= in_json, html_links - in_json
