"""obskit.quoting: every quoted value reads back exactly, with the promql-parser package as the oracle for
PromQL, Python's re (RE2's syntax for these escapes) for regexes, and the inverse of each escape for
Lucene phrases and URL segments."""

from __future__ import annotations

import re
from urllib.parse import unquote

import promql_parser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obskit.quoting import (
    alternation,
    lucene_phrase,
    promql_matchers,
    promql_string,
    regex_literal,
    url_segment,
)

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
SOME = st.lists(TEXT, min_size=1, max_size=5)


def _matchers(expr: str) -> dict[str, tuple[str, str]]:
    tree = promql_parser.parse(expr)
    return {m.name: (str(m.op), m.value) for m in tree.matchers.matchers}


@settings(max_examples=300)
@given(TEXT)
def test_promql_string_round_trips_through_promql_parser(value: str) -> None:
    assert _matchers(f"up{{service={promql_string(value)}}}") == {"service": ("MatchOp.Equal", value)}


@settings(max_examples=200)
@given(TEXT, TEXT)
def test_promql_matchers_keep_every_value_and_the_structure(a: str, b: str) -> None:
    expr = "up" + promql_matchers({"job": a, "instance": b}, {"pod": regex_literal(a)})
    assert _matchers(expr) == {"job": ("MatchOp.Equal", a), "instance": ("MatchOp.Equal", b),
                               "pod": ("MatchOp.Re", regex_literal(a))}


@settings(max_examples=300)
@given(TEXT, TEXT)
def test_regex_literal_matches_exactly_its_value(value: str, other: str) -> None:
    pattern = re.compile(regex_literal(value), re.S)
    assert pattern.fullmatch(value)
    if other != value:
        assert not pattern.fullmatch(other)


@settings(max_examples=200)
@given(SOME, TEXT)
def test_alternation_matches_the_values_and_nothing_else(values: list[str], other: str) -> None:
    pattern = re.compile(f"(?:{alternation(values)})", re.S)  # Prometheus anchors label regexes
    assert all(pattern.fullmatch(v) for v in values)
    assert bool(pattern.fullmatch(other)) == (other in values)
    # and it survives PromQL quoting as the regex text itself
    assert _matchers(f"up{{s=~{promql_string(alternation(values))}}}")["s"][1] == alternation(values)


def test_alternation_needs_a_value() -> None:
    with pytest.raises(ValueError):
        alternation([])


def test_promql_string_escapes_control_characters_the_go_way() -> None:
    assert promql_string('a"b\\c\nd\re\tf\x00g\x7f') == '"a\\"b\\\\c\\nd\\re\\tf\\x00g\\x7f"'


def _lucene_unescape(phrase: str) -> str:
    assert phrase.startswith('"') and phrase.endswith('"') and len(phrase) >= 2
    body, out, i = phrase[1:-1], [], 0
    while i < len(body):
        if body[i] == "\\":
            out.append(body[i + 1])
            i += 2
            continue
        assert body[i] != '"', f"an unescaped quote ends the phrase early: {phrase!r}"
        out.append(body[i])
        i += 1
    return "".join(out)


@settings(max_examples=300)
@given(TEXT)
def test_lucene_phrase_reads_back(value: str) -> None:
    assert _lucene_unescape(lucene_phrase(value)) == value


@settings(max_examples=300)
@given(TEXT)
def test_url_segment_cannot_leave_its_segment(value: str) -> None:
    quoted = url_segment(value)
    assert unquote(quoted) == value
    assert not set("/?#&= ") & set(quoted)


def test_url_segment_refuses_a_safe_set_that_would_split_the_url() -> None:
    assert url_segment("logs-*,x/y", "*,") == "logs-*,x%2Fy"
    with pytest.raises(ValueError):
        url_segment("x", "/")


def test_url_segment_keeps_dot_segments_from_being_removed() -> None:
    import httpx

    for value in (".", ".."):
        quoted = url_segment(value)
        assert unquote(quoted) == value
        assert httpx.URL(f"http://jaeger:16686/trace/{quoted}").raw_path == f"/trace/{quoted}".encode()
    assert url_segment("a.b") == "a.b"
