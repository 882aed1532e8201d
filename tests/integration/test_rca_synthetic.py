"""Smoke test of benchmarks/rca_synthetic.py: generated cases import into a local store and investigate."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest


def harness(repo_root: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("rca_synthetic", repo_root / "benchmarks/rca_synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["rca_synthetic"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def obskit(args: list[str], repo_root: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")} | {"PYTHONPATH": str(repo_root)}
    return subprocess.run([sys.executable, "-m", "obskit", *args], env=env, capture_output=True, text=True,
                          timeout=240)


@pytest.mark.parametrize("kind", ["exception", "delay"])
def test_generated_case_imports_and_investigates(kind: str, tmp_path: Path, repo_root: Path) -> None:
    case = harness(repo_root).generate(7, kind, tmp_path / "cases", rate=2.0)
    truth = json.loads((case / "truth.json").read_text())
    assert truth["type"] == kind and truth["service"].startswith("svc-") and truth["symptom_service"] == "svc-00"
    db = tmp_path / "case.duckdb"
    imported = obskit(["local", "import", str(case / "telemetry.jsonl.gz"), "--db", str(db)], repo_root)
    assert imported.returncode == 0, imported.stderr
    result = obskit(["investigate", "svc-00", "--local", "--db", str(db), "--from", truth["from"], "--to",
                     truth["to"], "--format", "json"], repo_root)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["suspects"] and report["suspects"][0]["service"].startswith("svc-")
