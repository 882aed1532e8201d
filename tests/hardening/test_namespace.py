"""Issue 13 item 10: `investigate --namespace` reaches the metrics queries (escaped like every value)."""

from __future__ import annotations

from pathlib import Path

import promql_parser

from tests.hardening.cli_runner import run_cli
from tests.hardening.test_deadlines import _prometheus_api
from tests.replay import replay


def _queries(seen: list) -> list[str]:
    return [q for request in seen for q in request.query.get("query", [])]


def test_namespace_flag_reaches_prometheus_queries(tmp_path: Path) -> None:
    hostile = 'shop"} or vector(1) #'
    with replay(_prometheus_api) as (url, seen):
        result = run_cli(["investigate", "checkout", "--namespace", hostile, "--source-timeout", "3",
                          "--timeout", "6", "--format", "json"], tmp_path, {"OBSKIT_PROMETHEUS_URL": url})
    queries = [q for q in _queries(seen) if "checkout" in q]
    assert result.code in (0, 1, 2, 3) and "Traceback" not in result.output
    red = [q for q in queries if "namespace=" in q]
    assert red, queries
    for query in red:
        assert 'namespace="shop\\"} or vector(1) #"' in query
        promql_parser.parse(query)  # still one well-formed query: the value did not change its structure


def test_without_namespace_no_namespace_matcher(tmp_path: Path) -> None:
    with replay(_prometheus_api) as (url, seen):
        run_cli(["investigate", "checkout", "--source-timeout", "3", "--timeout", "6", "--format", "json"],
                tmp_path, {"OBSKIT_PROMETHEUS_URL": url})
    assert _queries(seen) and not any("namespace=" in q for q in _queries(seen))
