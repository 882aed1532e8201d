"""`obskit deploy` end to end as far as this offline machine allows: a real kube context (pointing at
recorded Kubernetes responses on loopback), then `helm dependency build`, which needs the chart
repositories and so stops the deploy with exit 3 and a plain reason."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.deploy.kubeapi import load_routes, serve


def test_deploy_without_chart_repositories_stops_before_touching_the_cluster(tmp_path: Path, repo_root: Path) -> None:
    api, server = serve(load_routes("cluster-v1.31.json"), tmp_path)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")}
        env.update(KUBECONFIG=str(api.kubeconfig), PYTHONPATH=str(repo_root), COLUMNS="200")
        result = subprocess.run([sys.executable, "-m", "obskit", "deploy", "--profile", "dev"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 3, result.stderr
    assert "could not fetch the pinned dependencies (kube-prometheus-stack 81.4.5, fluentd 0.5.0" in result.stderr
    assert "Traceback" not in result.stderr
    assert [r.path for r in api.requests] == ["/version"]  # reachability checked; nothing written
