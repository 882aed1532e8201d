"""PromQL built from the profiles: arbitrary service names never change a query's structure."""

from __future__ import annotations

import re
from typing import Any

import promql_parser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obskit.conventions import metric_profiles, saturation_profile
from obskit.sources.promql import (
    alternation,
    detection_query_many,
    quote,
    red_queries,
    red_queries_many,
    regex_literal,
    saturation_queries,
    saturation_queries_many,
)

NAMES = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


def selectors(node: Any) -> list[Any]:
    """Every VectorSelector in a parsed PromQL expression."""
    if isinstance(node, promql_parser.VectorSelector):
        return [node]
    found = []
    for attr in ("expr", "lhs", "rhs", "param", "vector_selector"):
        child = getattr(node, attr, None)
        if child is not None:
            found += selectors(child)
    for child in getattr(node, "args", None) or []:
        found += selectors(child)
    return found


def matcher_values(query: str, label: str) -> list[str]:
    tree = promql_parser.parse(query)
    values = []
    for sel in selectors(tree):
        values += [m.value for m in sel.matchers.matchers if m.name == label]
        assert sel.name, f"a selector lost its metric name in {query!r}"
    return values


@pytest.mark.parametrize("profile", list(metric_profiles().values()), ids=lambda p: p.name)
@settings(max_examples=40, deadline=None)
@given(service=NAMES, namespace=NAMES)
def test_red_matchers_hold_the_exact_service_name(profile, service: str, namespace: str) -> None:
    label = profile.service_labels[0]
    queries = red_queries(profile, label, service, 60, namespace or None)
    assert set(queries) == {"request_rate", "error_ratio", "latency_p50", "latency_p95", "latency_p99"}
    for query in queries.values():
        values = matcher_values(query, label)
        assert values and all(v == service for v in values), query
        if namespace:
            assert set(matcher_values(query, "namespace")) == {namespace}


@settings(max_examples=40, deadline=None)
@given(service=NAMES)
def test_saturation_matchers_hold_the_exact_service_name(service: str) -> None:
    profile = saturation_profile()
    for query in saturation_queries(profile, service, 60).values():
        values = matcher_values(query, profile.pod_selector_label)
        assert values and all(v == service for v in values), query


@pytest.mark.parametrize(("value", "literal"), [
    ('a"b', r'"a\"b"'), ("a\\b", r'"a\\b"'), ("x\ny", r'"x\ny"'), ('"}) or vector(1) #', r'"\"}) or vector(1) #"'),
])
def test_quote(value: str, literal: str) -> None:
    assert quote(value) == literal


def test_istio_latency_is_scaled_to_seconds() -> None:
    queries = red_queries(metric_profiles()["istio"], "destination_workload", "cart", 60)
    assert queries["latency_p99"].endswith(" * 0.001")
    assert 'reporter="destination"' in queries["request_rate"]


# --- batched builders: many services in one query via an escaped regex alternation --------------------------
SERVICE_LISTS = st.lists(NAMES, min_size=1, max_size=6)


def regex_values(query: str, label: str) -> list[str]:
    """The regex (after PromQL string unescaping) of every `label=~` matcher in the query."""
    tree = promql_parser.parse(query)
    values = []
    for sel in selectors(tree):
        assert sel.name, f"a selector lost its metric name in {query!r}"
        values += [m.value for m in sel.matchers.matchers if m.name == label and m.op == promql_parser.MatchOp.Re]
    return values


def grouping(query: str) -> list[str]:
    """The `by (...)` labels of the query's (left-most) outer aggregation."""
    tree = promql_parser.parse(query)
    while not isinstance(tree, promql_parser.AggregateExpr):
        tree = tree.lhs
    return list(tree.modifier.labels)


def prometheus_match(regex: str, value: str) -> bool:
    """How Prometheus applies a label regex: anchored at both ends, `.` matches newlines. The escapes
    regex_literal() writes (a backslash before a metacharacter) mean the same in Python's re as in RE2."""
    return re.fullmatch(f"(?s:{regex})", value) is not None


@settings(max_examples=200, deadline=None)
@given(services=SERVICE_LISTS, other=NAMES)
def test_alternation_matches_exactly_the_services(services: list[str], other: str) -> None:
    regex = alternation(services)
    assert all(prometheus_match(regex, s) for s in services)
    assert prometheus_match(regex, other) == (other in services)


@settings(max_examples=200, deadline=None)
@given(value=NAMES)
def test_regex_literal_matches_only_itself(value: str) -> None:
    literal = regex_literal(value)
    assert prometheus_match(literal, value)
    for other in (value + "x", "x" + value, value[:-1], value.replace(".", "x"), ".*", ""):
        assert prometheus_match(literal, other) == (other == value)


@pytest.mark.parametrize(("value", "regex"), [
    ("a.b", r"a\.b"), ("a|b", r"a\|b"), ("(x)*", r"\(x\)\*"), ("a\\d", r"a\\d"), ("^$", r"\^\$"), ("a-b_c", "a-b_c"),
])
def test_regex_literal_escapes_metacharacters(value: str, regex: str) -> None:
    assert regex_literal(value) == regex


def test_alternation_needs_a_service() -> None:
    with pytest.raises(ValueError):
        alternation([])


@pytest.mark.parametrize("profile", list(metric_profiles().values()), ids=lambda p: p.name)
@settings(max_examples=40, deadline=None)
@given(services=SERVICE_LISTS, namespace=NAMES)
def test_red_many_selects_exactly_the_services(profile, services: list[str], namespace: str) -> None:
    label = profile.service_labels[0]
    queries = red_queries_many(profile, label, services, 60, namespace or None)
    single = red_queries(profile, label, "x", 60, namespace or None)
    assert set(queries) == {"request_rate", "error_ratio", "latency_buckets"}
    for name, query in queries.items():
        values = regex_values(query, label)
        assert values and all(v == alternation(services) for v in values), query
        assert matcher_values(query, label) == values  # no exact matcher on the service label is left
        # the same metrics as the single-service query, grouped by the service label
        reference = single["latency_p50" if name == "latency_buckets" else name]
        assert [s.name for s in selectors(promql_parser.parse(query))] == \
            [s.name for s in selectors(promql_parser.parse(reference))]
        assert label in grouping(query)
        if namespace:
            assert set(matcher_values(query, "namespace")) == {namespace}
    assert sorted(grouping(queries["latency_buckets"])) == sorted(["le", label])


@settings(max_examples=40, deadline=None)
@given(services=SERVICE_LISTS, namespace=NAMES)
def test_saturation_many_selects_exactly_the_services(services: list[str], namespace: str) -> None:
    profile = saturation_profile()
    label = profile.pod_selector_label
    for query in saturation_queries_many(profile, services, 60, namespace or None).values():
        values = regex_values(query, label)
        assert values and all(v == alternation(services) for v in values), query
        assert grouping(query) == [label, "pod"]
        if namespace:
            assert set(matcher_values(query, "namespace")) == {namespace}


@pytest.mark.parametrize("profile", list(metric_profiles().values()), ids=lambda p: p.name)
@settings(max_examples=30, deadline=None)
@given(services=SERVICE_LISTS)
def test_detection_many_selects_exactly_the_services(profile, services: list[str]) -> None:
    label = profile.service_labels[-1]
    query = detection_query_many(profile, label, services)
    assert regex_values(query, label) == [alternation(services)]
    assert selectors(promql_parser.parse(query))[0].name == profile.requests_metric
