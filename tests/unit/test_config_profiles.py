"""Naming and graph profiles in obskit.yaml: validated with file:line, merged before the built-in ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from obskit.config import load_config
from obskit.errors import InputError
from obskit.sources.factory import profiles


def config(tmp_path: Path, text: str):
    path = tmp_path / "obskit.yaml"
    path.write_text(text)
    return load_config(path, env={}).config


def test_user_profiles_come_first_and_replace_built_ins(tmp_path: Path) -> None:
    cfg = config(tmp_path, """
metric_profiles:
  - name: shop
    service_labels: [service]
    request_count_gauge: shop_requests
    count_period_seconds: 300
    success_ratio_gauge: shop_availability
    ratio_scale: 100
  - name: istio
    service_labels: [destination_app]
    requests_metric: istio_requests_total
graph_profiles:
  - name: calls
    requests_metric: app_calls_total
    caller_labels: [from]
    callee_labels: [to]
services:
  - name: cart
    profile: shop
""")
    naming, graphs = profiles(cfg)
    assert list(naming)[:2] == ["shop", "istio"]
    assert naming["istio"].service_labels == ["destination_app"]  # replaced
    assert "otel-semconv" in naming and list(graphs)[0] == "calls" and "servicegraph" in graphs


@pytest.mark.parametrize(("text", "message"), [
    ("metric_profiles:\n  - name: a\n    service_labels: [job]\n", "obskit.yaml:2: metric_profiles[0]: "
                                                                   "a profile needs requests_metric"),
    ("metric_profiles:\n  - name: a\n    service_labels: [job]\n    requests_metric: 'x{y}'\n",
     "obskit.yaml:4: metric_profiles[0].requests_metric"),
    ("metric_profiles:\n  - name: a\n    service_labels: [job]\n    requests_metric: r\n    error_label: code\n",
     "error_label and error_regex go together"),
    ("metric_profiles:\n  - {name: a, service_labels: [job], requests_metric: r}\n"
     "  - {name: a, service_labels: [job], requests_metric: r}\n", "the name a is given twice"),
    ("services:\n  - {name: cart, profile: nope}\n", "names the unknown metric profile 'nope'"),
    ("graph_profiles:\n  - {name: g, requests_metric: r, caller_labels: [], callee_labels: [to]}\n",
     "obskit.yaml:2: graph_profiles[0].caller_labels"),
])
def test_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        config(tmp_path, text)
    assert message in str(caught.value)
