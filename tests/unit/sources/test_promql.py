"""PromQL built from the profiles: arbitrary service names never change a query's structure."""

from __future__ import annotations

from typing import Any

import promql_parser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obskit.conventions import metric_profiles, saturation_profile
from obskit.sources.promql import quote, red_queries, saturation_queries

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
