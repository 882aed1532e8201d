"""Where phase 1 gets CRD bodies: the packaged kube-prometheus-stack dependency (its crds/ subchart,
read through the Helm SDK's Chart.crds) and the ECK operator's CRD chart at the pinned version, from
the local chart mirror when it holds it, else pulled (network) and rendered offline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

from obskit.deploy import chartsource
from obskit.errors import BackendError


def _crd_docs(texts: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for text in texts:
        for doc in yaml.safe_load_all(text):
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                found[doc["metadata"]["name"]] = doc
    return found


def packaged_crds(chart_dir: Path) -> dict[str, dict[str, Any]]:
    """CRDs under crds/ of the chart and every packaged subchart."""
    with helm.Chart.load(chart_dir) as chart:
        return _crd_docs([c["data"] for c in chart.crds])


def operator_crds(chart: str, repository: str, version: str, work_dir: Path,
                  source: chartsource.ChartSource | None = None) -> dict[str, dict[str, Any]]:
    """The operator's CRD chart at the pinned version, rendered (its CRDs live in its templates)."""
    archive = chartsource.operator_archive(source, chart, version) if source is not None else None
    if archive is None:
        work_dir.mkdir(parents=True, exist_ok=True)
        try:
            helm.pull(chart, repo_url=repository, version=version, destination=work_dir)
        except helm.HelmError as exc:
            raise BackendError(f"could not fetch {chart} {version} from {repository}: {exc}") from None
        archive = work_dir / f"{chart}-{version}.tgz"
    with helm.Chart.load(archive) as loaded:
        return _crd_docs(list(loaded.render({}, name="crds", namespace="default").values()))


def crd_source(chart_dir: Path, spec: dict[str, Any], work_dir: Path,
               charts: chartsource.ChartSource | None = None) -> Callable[[list[str]], list[dict[str, Any]]]:
    def source(names: list[str]) -> list[dict[str, Any]]:
        available = packaged_crds(chart_dir)
        for op in spec["operators"]:
            if any(n not in available for n in names):
                available.update(operator_crds(op["crds_chart"], op["repository"], op["version"], work_dir, charts))
        missing = [n for n in names if n not in available]
        if missing:
            raise BackendError(f"CRDs not found in the packaged charts: {', '.join(missing)}")
        return [available[n] for n in names]

    return source
