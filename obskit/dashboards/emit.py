"""Deterministic output: dashboard JSON files and Kubernetes ConfigMaps for the Grafana sidecar.

JSON is written the way grafanalib's ``generate-dashboard`` writes it (``json.dump`` with
``sort_keys=True, indent=2`` and objects encoded through ``to_json_data()``, then a newline), so a
grafanalib ``*.dashboard.py`` builds byte-identical to grafanalib's own output.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from obskit.dashboards.model import Dashboard, encode_default
from obskit.yamlblock import BlockDumper

CONFIGMAP_MAX_BYTES = 1024 * 1024  # Kubernetes object size limit (etcd), 1 MiB
CONFIGMAP_WARN_BYTES = 262_144  # kubectl client-side apply: last-applied-configuration annotation limit
SIDECAR_LABEL = "grafana_dashboard"
FOLDER_ANNOTATION = "k8s-sidecar-target-directory"


def render_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, indent=2, default=encode_default) + "\n"


@dataclass
class Output:
    path: Path  # relative to the output directory
    text: str
    dashboard: Dashboard
    warning: str | None = None


def _k8s_name(name: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return (f"dashboard-{slug}" if slug else "dashboard")[:253].rstrip("-")


def render_configmap(dash: Dashboard, namespace: str | None = None) -> str:
    body = render_json(dash.data)
    metadata: dict[str, Any] = {
        "name": _k8s_name(dash.name),
        "labels": {SIDECAR_LABEL: "1", "app.kubernetes.io/managed-by": "obskit"},
        "annotations": {FOLDER_ANNOTATION: dash.folder},
    }
    if namespace:
        metadata["namespace"] = namespace
    manifest = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata,
                "data": {f"{dash.name}.json": body}}
    return yaml.dump(manifest, Dumper=BlockDumper, sort_keys=True, default_flow_style=False, width=1_000_000)


def outputs(dashboards: list[Dashboard], fmt: str = "json") -> list[Output]:
    """The files a build writes, in a stable order. ConfigMaps over 1 MiB raise ValueError (caller reports)."""
    result = []
    for dash in sorted(dashboards, key=lambda d: (d.folder, d.name)):
        sub = Path(dash.folder) if dash.folder != "General" else Path()
        if fmt == "json":
            result.append(Output(sub / f"{dash.name}.json", render_json(dash.data), dash))
            continue
        text = render_configmap(dash)
        size = len(text.encode())
        warning = None
        if size > CONFIGMAP_MAX_BYTES:
            raise ValueError(f"{dash.file}: ConfigMap for {dash.name!r} is {size} bytes, over the 1 MiB "
                             "Kubernetes limit; split the dashboard")
        if size > CONFIGMAP_WARN_BYTES:
            warning = (f"{dash.file}: ConfigMap for {dash.name!r} is {size} bytes, over {CONFIGMAP_WARN_BYTES} "
                       "(kubectl client-side apply cannot store it); use server-side apply")
        result.append(Output(sub / f"{dash.name}.configmap.yaml", text, dash, warning))
    return result


def write(outs: list[Output], out_dir: Path) -> list[Path]:
    written = []
    for out in outs:
        target = out_dir / out.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_text(encoding="utf-8") != out.text:
            target.write_text(out.text, encoding="utf-8")
        written.append(target)
    return written


def orphans(out_dir: Path, written: list[Path], fmt: str = "json") -> list[Path]:
    """Files of this format under ``out_dir`` that the build did not write: output without a source."""
    if not out_dir.is_dir():
        return []
    pattern = "*.json" if fmt == "json" else "*.configmap.yaml"
    keep = {p.resolve() for p in written}
    return sorted(p for p in out_dir.rglob(pattern) if p.is_file() and p.resolve() not in keep)


def prune(out_dir: Path, stale: list[Path]) -> None:
    """Delete orphan build files and the directories under ``out_dir`` they leave empty."""
    for path in stale:
        path.unlink()
        parent = path.parent
        while parent != out_dir and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
