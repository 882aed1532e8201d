"""A wheel-installed obskit (pip install obskit, pre-commit's environment) carries the umbrella chart."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from obskit.deploy import chart


def test_the_wheel_holds_every_file_of_the_chart(tmp_path: Path, repo_root: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(tmp_path), str(repo_root)], check=True, capture_output=True, timeout=300)
    [wheel] = tmp_path.glob("obskit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n.split("/data/share/obskit/charts/", 1)[1] for n in names if "/data/share/obskit/charts/" in n}
    source = chart.CHART_DIR.parent
    tracked = subprocess.run(["git", "ls-files", "charts/obskit-stack"], cwd=repo_root, capture_output=True,
                             text=True, check=True).stdout.split()
    expected = {str((repo_root / f).relative_to(repo_root / "charts")) for f in tracked}
    assert source == repo_root / "charts"
    assert expected and shipped == expected  # a new template file must be listed in pyproject's data-files


def test_the_installed_chart_is_found_when_there_is_no_source_tree(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    installed = tmp_path / "share" / "obskit" / "charts" / "obskit-stack"
    installed.mkdir(parents=True)
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.setattr(chart, "__file__", str(tmp_path / "site-packages" / "obskit" / "deploy" / "chart.py"))
    assert chart._chart_dir() == installed
