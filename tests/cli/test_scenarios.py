"""Numbered CLI scenarios (pint style): each tests/cli/NNNN_name.yaml runs one obskit command.

Keys: ``args`` (list), optional ``env`` (mapping; ``$TMP`` is the working directory, ``$CHARTS``
the local mirror of the pinned upstream charts, see tests/deploy/conftest.py), ``files`` (path ->
content, written to the working directory first), ``setup`` (argument lists of obskit commands run
before, each must exit 0), ``exit`` (expected code), ``stdout``/``stderr`` (substrings that must
appear), ``absent`` (substrings that must appear in neither stream), ``max_seconds``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.deploy.conftest import charts_dir

SCENARIOS = sorted(Path(__file__).parent.glob("[0-9][0-9][0-9][0-9]_*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path: Path, tmp_path: Path, repo_root: Path) -> None:
    spec = yaml.safe_load(path.read_text())
    for name, content in (spec.get("files") or {}).items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")}
    charts = str(charts_dir() or "") if "$CHARTS" in path.read_text() else ""  # the pinned upstream charts
    env.update({k: str(v).replace("$TMP", str(tmp_path)).replace("$CHARTS", charts)
                for k, v in (spec.get("env") or {}).items()})
    env["PYTHONPATH"] = str(repo_root)
    env["COLUMNS"] = "200"  # Rich wraps help text to the terminal width
    for step in spec.get("setup") or []:
        done = subprocess.run([sys.executable, "-m", "obskit", *(str(a).replace("$TMP", str(tmp_path)) for a in step)],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"setup {step} exited {done.returncode}: {done.stderr}"
    args = [str(a).replace("$TMP", str(tmp_path)) for a in spec["args"]]
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "obskit", *args], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120,
    )
    elapsed = time.monotonic() - start
    context = f"\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    assert result.returncode == spec["exit"], f"exit {result.returncode} != {spec['exit']}{context}"
    for text in spec.get("stdout") or []:
        assert text in result.stdout, f"stdout lacks {text!r}{context}"
    for text in spec.get("stderr") or []:
        assert text in result.stderr, f"stderr lacks {text!r}{context}"
    for text in spec.get("absent") or []:
        assert text not in result.stdout + result.stderr, f"output contains {text!r}{context}"
    assert "Traceback" not in result.stderr, context
    if "max_seconds" in spec:
        assert elapsed <= spec["max_seconds"], f"took {elapsed:.1f} s"
