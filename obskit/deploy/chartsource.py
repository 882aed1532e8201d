"""Where the stack's dependency charts come from, and the Chart.lock that pins them.

Two places, never the repository itself (third-party charts are not committed):
- Helm's own: charts/obskit-stack/charts/, filled by `helm dependency build` (through the SDK) on a
  machine that reaches the chart repositories; git-ignored.
- A local chart mirror (air-gapped sites, CI): a directory of `<name>-<version>.tgz` archives named by
  `--charts-dir` or OBSKIT_CHARTS_DIR. The pinned archives are copied into the bundled chart's charts/,
  so Helm renders and installs exactly what it would have fetched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

from obskit.errors import BackendError, InputError

ENV = "OBSKIT_CHARTS_DIR"
# field order and omit-when-empty rules of Helm's chart.Dependency JSON form (what Chart.lock's digest hashes)
_REQUESTED_FIELDS = ("name", "version", "repository", "condition", "tags", "enabled", "import-values", "alias")
_LOCKED_FIELDS = ("name", "version", "repository")


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    repository: str

    @property
    def archive(self) -> str:
        return f"{self.name}-{self.version}.tgz"


@dataclass(frozen=True)
class ChartSource:
    """`mirror`: archives copied from `directory`; `helm`: charts/ of the chart (helm dependency build);
    `none`: neither holds every pinned chart (`missing` names what is absent)."""

    kind: str
    directory: Path | None
    missing: list[str]

    def describe(self) -> str:
        if self.kind == "mirror":
            return f"local chart mirror {self.directory}"
        if self.kind == "helm":
            return f"Helm's dependency directory {self.directory}"
        return "not available"


def pins(chart_dir: Path) -> list[Pin]:
    """The dependencies Chart.lock pins (Chart.yaml's when there is no lock yet)."""
    lock_path = chart_dir / "Chart.lock"
    source = lock_path if lock_path.is_file() else chart_dir / "Chart.yaml"
    data = yaml.safe_load(source.read_text()) or {}
    deps = data.get("dependencies") or []
    return [Pin(str(d["name"]), str(d["version"]), str(d.get("repository", ""))) for d in deps]


def mirror_from(explicit: Path | None) -> Path | None:
    """--charts-dir wins over OBSKIT_CHARTS_DIR; an empty variable counts as unset."""
    if explicit is not None:
        return explicit
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


def locate(chart_dir: Path, mirror: Path | None) -> ChartSource:
    wanted = pins(chart_dir)
    if mirror is not None:
        if not mirror.is_dir():
            raise InputError(f"charts directory not found: {mirror}",
                             hint=f"--charts-dir / {ENV} must name a directory of packaged charts (*.tgz)")
        missing = [p.archive for p in wanted if not (mirror / p.archive).is_file()]
        if missing:
            raise InputError(f"charts directory {mirror} lacks the pinned chart(s) {', '.join(missing)}",
                             hint="add them (`helm pull <chart> --version <v>` on a machine with network)")
        return ChartSource("mirror", mirror, [])
    helm_dir = chart_dir / "charts"
    missing = [p.archive for p in wanted if not (helm_dir / p.archive).is_file()]
    return ChartSource("helm" if not missing else "none", helm_dir, missing)


def provide(source: ChartSource, bundled_chart: Path, chart_dir: Path) -> None:
    """Put the pinned archives into the bundled chart's charts/ (a mirror's are copied there)."""
    if source.kind != "mirror" or source.directory is None:
        return
    target = bundled_chart / "charts"
    target.mkdir(exist_ok=True)
    for pin in pins(chart_dir):
        shutil.copyfile(source.directory / pin.archive, target / pin.archive)


def not_available_message(source: ChartSource) -> str:
    return (f"the dependency charts are not available ({', '.join(source.missing)} missing from {source.directory}); "
            f"run `helm dependency build charts/obskit-stack` on a machine with network, or name a local chart "
            f"mirror with --charts-dir or {ENV}")


def operator_archive(source: ChartSource, name: str, version: str) -> Path | None:
    """An operator chart (phases 1-2) from the mirror, when it holds it."""
    if source.kind != "mirror" or source.directory is None:
        return None
    path = source.directory / f"{name}-{version}.tgz"
    return path if path.is_file() else None


def lock_digest(requested: list[dict[str, Any]], locked: list[dict[str, Any]]) -> str:
    """Chart.lock's digest as Helm computes it: sha256 of Go's JSON of [Chart.yaml deps, lock deps]."""
    def form(deps: list[dict[str, Any]], fields: tuple[str, ...]) -> list[dict[str, Any]]:
        return [{f: d[f] for f in fields if d.get(f) not in (None, "", [], False)} for d in deps]

    text = json.dumps([form(requested, _REQUESTED_FIELDS), form(locked, _LOCKED_FIELDS)],
                      separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):  # Go's HTML-safe JSON
        text = text.replace(char, escaped)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def lock_text(chart_dir: Path, generated: str) -> str:
    """The Chart.lock Helm writes for Chart.yaml's exact pins (what `helm dependency update` resolves)."""
    requested = (yaml.safe_load((chart_dir / "Chart.yaml").read_text()) or {}).get("dependencies") or []
    locked = [{"name": d["name"], "repository": d["repository"], "version": str(d["version"])} for d in requested]
    lock = {"dependencies": locked, "digest": lock_digest(requested, locked), "generated": generated}
    return yaml.safe_dump(lock, sort_keys=True)


def build(chart_dir: Path) -> None:
    """`helm dependency build` through the SDK (network): fills charts/ from Chart.lock."""
    try:
        helm.dependency_build(chart_dir)
    except helm.HelmError as exc:
        raise BackendError(f"helm dependency build {chart_dir}: {exc}",
                           hint=f"without network, name a local chart mirror with --charts-dir or {ENV}") from None
