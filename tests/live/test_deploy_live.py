"""Opt-in live suite for `obskit deploy` (pytest -m live). Needs a real, disposable cluster:

    OBSKIT_LIVE_KUBE_CONTEXT=kind-obskit  OBSKIT_LIVE_NAMESPACE=obskit-live  pytest -m live tests/live

It installs the dev profile (network access to the chart repositories needed), checks readiness and
status through the real helm-python-sdk and kubernetes client, rolls back, and uninstalls with --purge.
Never run it against a cluster you care about.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.live

CONTEXT = os.environ.get("OBSKIT_LIVE_KUBE_CONTEXT")
NAMESPACE = os.environ.get("OBSKIT_LIVE_NAMESPACE", "obskit-live")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deploy"


@pytest.fixture(scope="module")
def context() -> str:
    if not CONTEXT:
        pytest.skip("set OBSKIT_LIVE_KUBE_CONTEXT to a disposable cluster's kube context")
    return CONTEXT


def test_preflight_on_the_live_cluster(context: str) -> None:
    from obskit.deploy.cluster import KubeCluster
    from obskit.deploy.preflight import preflight

    report = preflight(KubeCluster.connect(context), "obskit", NAMESPACE, needs_storage=False)
    assert report.release is not None
    assert {c.name for c in report.checks} >= {"Kubernetes version", "default StorageClass"}


def test_deploy_status_rollback_uninstall(context: str, tmp_path: Path) -> None:
    from obskit.deploy import deployment
    from obskit.deploy.stack import StackOptions, render_stack

    options = StackOptions(profile="dev", namespace=NAMESPACE, dashboards_dir=FIXTURES / "dashboards",
                           rules_dir=FIXTURES / "rules", alertmanager_file=FIXTURES / "alertmanager.yaml")
    stack = render_stack(options, tmp_path / "chart")
    assert stack.problems == [] and stack.violations == []
    outcome = deployment.deploy(options, stack, context=context, work_dir=tmp_path, report=lambda *_: None,
                                timeout=1200)
    assert outcome.ok, (outcome.phases, outcome.left)
    status = deployment.status("obskit", NAMESPACE, context)
    assert status["release"]["status"] == "deployed"
    assert all(p.ok for p in status["probes"]), status["probes"]
    outcome = deployment.deploy(options, stack, context=context, work_dir=tmp_path, report=lambda *_: None,
                                timeout=1200)  # upgrade path
    assert outcome.ok and outcome.revision == 2
    deployment.rollback("obskit", NAMESPACE, 1, context)
    assert len(deployment.status("obskit", NAMESPACE, context)["history"]) == 3
    done = deployment.uninstall("obskit", NAMESPACE, context, purge=True)
    assert done[0] == f"release {NAMESPACE}/obskit uninstalled"
