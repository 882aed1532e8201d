"""dashboards build --clean: orphans are found and pruned, other files and the live output are kept."""

from __future__ import annotations

from pathlib import Path

from obskit.dashboards.emit import orphans, outputs, prune, write
from obskit.dashboards.model import load


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "dashboards"
    (root / "team").mkdir(parents=True)
    (root / "team" / "svc.json").write_text('{"uid": "svc", "title": "Svc", "panels": []}')
    out = root / "generated"
    (out / "old" / "deep").mkdir(parents=True)
    (out / "old" / "deep" / "gone.json").write_text("{}")
    (out / "README.md").write_text("kept")
    return root


def test_orphans_are_pruned_and_empty_folders_removed(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    out = root / "generated"
    written = write(outputs(load([root]).dashboards), out)
    stale = orphans(out, written)
    assert stale == [out / "old" / "deep" / "gone.json"]
    prune(out, stale)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["README.md", "team", "team/svc.json"]
    assert orphans(out, written) == []


def test_configmap_build_only_judges_configmap_files(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    out = tmp_path / "cm"
    written = write(outputs(load([root]).dashboards, "configmap"), out)
    (out / "stray.configmap.yaml").write_text("kind: ConfigMap\n")
    (out / "other.json").write_text("{}")
    assert orphans(out, written, "configmap") == [out / "stray.configmap.yaml"]


def test_same_name_in_two_folders_is_refused_with_both_paths(tmp_path: Path) -> None:
    root = tmp_path / "dashboards"
    for team in ("a", "b"):
        (root / team).mkdir(parents=True)
        (root / team / "overview.json").write_text(f'{{"uid": "{team}-overview", "title": "{team}", "panels": []}}')
    loaded = load([root])
    assert [d.uid for d in loaded.dashboards] == ["a-overview"]
    [error] = loaded.errors
    assert error.file == str(root / "b" / "overview.json") and str(root / "a" / "overview.json") in error.message
