"""`obskit deploy` end to end as far as this offline machine allows: without a chart mirror and without
Helm's charts/, the deploy first runs `helm dependency build`, which needs the chart repositories and
so stops with exit 3 and a plain reason, before the cluster is touched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.kubeapi import load_routes, serve


def test_deploy_without_chart_repositories_stops_before_touching_the_cluster(tmp_path: Path, repo_root: Path) -> None:
    api, server = serve(load_routes("cluster-v1.31.json"), tmp_path)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")}
        env.update(KUBECONFIG=str(api.kubeconfig), PYTHONPATH=str(repo_root), COLUMNS="200")
        if (repo_root / "charts" / "obskit-stack" / "charts").is_dir():
            pytest.fail("this test needs a checkout without charts/obskit-stack/charts/ (helm dependency build)")
        result = subprocess.run([sys.executable, "-m", "obskit", "deploy", "--profile", "dev"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 3, result.stderr
    assert ("could not fetch the pinned dependency charts (kube-prometheus-stack-88.5.3.tgz, fluentd-0.6.0.tgz"
            in result.stderr)
    assert "OBSKIT_CHARTS_DIR" in result.stderr  # says how to deploy without network
    assert "Traceback" not in result.stderr
    assert api.requests == []  # nothing asked of the cluster, nothing written
