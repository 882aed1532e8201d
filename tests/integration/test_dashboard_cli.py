"""CLI paths that need generated input (too big for a scenario file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml


def obskit(args: list[str], cwd: Path, repo_root: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")} | {"PYTHONPATH": str(repo_root)}
    return subprocess.run([sys.executable, "-m", "obskit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


def test_configmap_size_warning_and_error(tmp_path: Path, repo_root: Path) -> None:
    (tmp_path / "dashboards").mkdir()
    big = tmp_path / "dashboards/big.json"
    big.write_text(json.dumps({"uid": "big", "title": "Big", "panels": [], "description": "x" * 270_000}))
    result = obskit(["dashboards", "build", "--format", "configmap"], tmp_path, repo_root)
    assert result.returncode == 0, result.stderr
    assert "warning: dashboards/big.json: ConfigMap for 'big' is" in result.stderr and "262144" in result.stderr
    manifest = yaml.safe_load((tmp_path / "dashboards/generated/big.configmap.yaml").read_text())
    assert manifest["metadata"]["labels"]["grafana_dashboard"] == "1"
    big.write_text(json.dumps({"uid": "big", "title": "Big", "panels": [], "description": "x" * 1_100_000}))
    result = obskit(["dashboards", "build", "--format", "configmap"], tmp_path, repo_root)
    assert result.returncode == 2 and "over the 1 MiB" in result.stderr
