"""Opt-in live checks of `obskit doctor` against real backends: `pytest -m live`.

Set any of OBSKIT_LIVE_PROMETHEUS_URL, OBSKIT_LIVE_ES_URL, OBSKIT_LIVE_JAEGER_URL,
OBSKIT_LIVE_GRAFANA_URL (+ OBSKIT_LIVE_GRAFANA_TOKEN), OBSKIT_LIVE_KUBE_CONTEXT; unset ones are skipped.
"""

from __future__ import annotations

import os

import pytest

from obskit.config import load_config
from obskit.doctor import run_doctor

pytestmark = pytest.mark.live

LIVE = {
    "prometheus": ("OBSKIT_LIVE_PROMETHEUS_URL", "OBSKIT_PROMETHEUS_URL"),
    "elasticsearch": ("OBSKIT_LIVE_ES_URL", "OBSKIT_ELASTICSEARCH_URL"),
    "jaeger": ("OBSKIT_LIVE_JAEGER_URL", "OBSKIT_JAEGER_URL"),
    "grafana": ("OBSKIT_LIVE_GRAFANA_URL", "OBSKIT_GRAFANA_URL"),
}


@pytest.mark.parametrize("backend", sorted(LIVE))
def test_backend_answers(backend: str) -> None:
    live_var, config_var = LIVE[backend]
    url = os.environ.get(live_var)
    if not url:
        pytest.skip(f"{live_var} not set")
    env = {config_var: url}
    if backend == "grafana" and os.environ.get("OBSKIT_LIVE_GRAFANA_TOKEN"):
        env["OBSKIT_GRAFANA_TOKEN"] = os.environ["OBSKIT_LIVE_GRAFANA_TOKEN"]
    probes = run_doctor(load_config(None, env=env).config, tools=False)
    probe = next(p for p in probes if p.name == backend)
    assert probe.ok, f"{backend} at {url}: {probe.detail}"
    assert probe.version


def test_kubernetes_answers() -> None:
    context = os.environ.get("OBSKIT_LIVE_KUBE_CONTEXT")
    if not context:
        pytest.skip("OBSKIT_LIVE_KUBE_CONTEXT not set")
    probes = run_doctor(load_config(None, env={"OBSKIT_KUBE_CONTEXT": context}).config, tools=False)
    probe = next(p for p in probes if p.name == "kubernetes")
    assert probe.ok, probe.detail
    assert probe.version.startswith("v1.")
