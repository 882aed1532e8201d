"""Arbitrary service names never change the structure of ES queries, Lucene text, Jaeger URLs or
Kubernetes label selectors (hypothesis)."""

from __future__ import annotations

import re

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from obskit.config import ElasticsearchConfig, JaegerConfig
from obskit.sources.elasticsearch import ElasticsearchLogs
from obskit.sources.jaeger import JaegerTraces
from obskit.sources.kubernetes import LABEL_VALUE
from obskit.sources.window import Window

NAMES = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
WINDOW = Window(1_700_000_000, 1_700_000_600, 60)
LOGS = ElasticsearchLogs(ElasticsearchConfig(urls=["http://127.0.0.1:9"]))


def lucene_phrases(text: str) -> tuple[str, list[str]]:
    """Split Lucene text into its skeleton (phrases replaced by "") and the unescaped phrases."""
    phrases, skeleton, i = [], [], 0
    while i < len(text):
        if text[i] == '"':
            j, value = i + 1, []
            while text[j] != '"':
                if text[j] == "\\":
                    j += 1
                value.append(text[j])
                j += 1
            phrases.append("".join(value))
            skeleton.append('""')
            i = j + 1
        else:
            skeleton.append(text[i])
            i += 1
    return "".join(skeleton), phrases


@settings(max_examples=50, deadline=None)
@given(service=NAMES)
def test_lucene_text_keeps_its_structure(service: str) -> None:
    skeleton, phrases = lucene_phrases(LOGS.query_text(service))
    assert skeleton == lucene_phrases(LOGS.query_text("x"))[0]
    assert phrases[0] == service


@settings(max_examples=50, deadline=None)
@given(service=NAMES)
def test_es_filter_holds_the_name_only_as_a_term_value(service: str) -> None:
    query = LOGS._filter(service, WINDOW, ("error",))
    reference = LOGS._filter("x", WINDOW, ("error",))
    assert query["bool"]["filter"][0] == {"term": {"service.name": {"value": service}}}
    assert query["bool"]["filter"][1:] == reference["bool"]["filter"][1:]


@settings(max_examples=50, deadline=None)
@given(trace_id=NAMES)
def test_jaeger_trace_urls_stay_one_path_segment(trace_id: str) -> None:
    url = httpx.URL(JaegerTraces(JaegerConfig(url="http://jaeger:16686")).trace_url(trace_id))
    assert url.host == "jaeger" and url.raw_path.count(b"/") == 2 and url.raw_path.startswith(b"/trace/")
    assert not url.query and not url.fragment


@settings(max_examples=50, deadline=None)
@given(service=NAMES)
def test_only_plain_label_values_reach_a_selector(service: str) -> None:
    if LABEL_VALUE.match(service):
        assert not re.search(r"[,=!() ]", service)
