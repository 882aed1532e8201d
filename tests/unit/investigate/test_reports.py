"""Report renderings: golden JSON (schema v1), markdown escaping, Explore links escaped, time arguments."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obskit.errors import InputError
from obskit.investigate.pipeline import investigate
from obskit.investigate.timespec import parse_duration, parse_time
from obskit.report import html, markdown
from obskit.report import json as json_report
from obskit.report.links import explore_url
from obskit.sources.window import Window
from tests.unit.investigate.synthetic import BASELINE, WINDOW, Incident, sources

GRAFANA = "http://grafana.example:3000"


@pytest.fixture(scope="module")
def crash_report():
    return investigate(sources(Incident(root="cart", kind="crash")), "frontend", WINDOW, BASELINE)


def test_json_matches_golden(crash_report, repo_root: Path) -> None:
    golden = repo_root / "tests/golden/investigate/frontend_cart_crash.json"
    rendered = json_report.render(crash_report, GRAFANA)
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(rendered)
    assert rendered == golden.read_text()
    doc = json.loads(rendered)
    assert doc["schema_version"] == "1"
    assert [s["rank"] for s in doc["suspects"]] == list(range(1, len(doc["suspects"]) + 1))
    assert doc["suspects"][0]["service"] == "cart" and doc["suspects"][0]["kind"] == "crash"
    assert set(doc["sources"]) == {"metrics", "logs", "traces", "cluster"}


def test_markdown_escapes_table_cells(crash_report) -> None:
    crash_report.suspects[0].evidence.insert(0, "a|b")
    text = markdown.render(crash_report)
    assert "a\\|b" in text and text.endswith("\n") and not text.endswith("\n\n")
    crash_report.suspects[0].evidence.pop(0)


def test_html_is_self_contained_and_escaped(crash_report) -> None:
    crash_report.verdict = "<script>alert(1)</script>"
    page = html.render(crash_report, GRAFANA)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    for external in ('src="http', "href=\"http://cdn", "@import", "<link "):
        assert external not in page
    assert page.count("<svg") == 3


@given(st.text(min_size=1, max_size=60))
def test_explore_link_round_trips_any_query(query: str) -> None:
    url = explore_url(GRAFANA, "promql", query, Window(0, 3600, 60))
    assert url is not None
    parts = urlsplit(url)
    assert " " not in url and '"' not in url and "\n" not in url
    panes = json.loads(parse_qs(parts.query)["panes"][0])
    assert panes["obskit"]["queries"][0]["expr"] == query


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-11-21T10:00:00Z", 1795255200.0), ("2026-11-21T11:00:00+01:00", 1795255200.0),
     ("1795255200", 1795255200.0), ("now", 5000.0), ("now-1h", 1400.0), ("-30m", 3200.0), ("1h ago", 1400.0)],
)
def test_parse_time(text: str, expected: float) -> None:
    assert parse_time(text, "--from", now=5000.0) == expected


@pytest.mark.parametrize("text", ["yesterday", "2026-11-21T10:00:00", "now-", "12:00"])
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(InputError, match="--from"):
        parse_time(text, "--from", now=0.0)


def test_parse_duration() -> None:
    assert parse_duration("1h30m", "--since") == 5400
    with pytest.raises(InputError, match="not a duration"):
        parse_duration("an hour", "--since")
