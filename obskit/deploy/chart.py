"""Render, lint and inspect the umbrella chart through the Helm v4 SDK (helm_python), offline.

Nothing here contacts a cluster or the network. The dependency charts are rendered when their packaged
archives are in the chart's charts/ (see chartsource.py); absent ones are skipped by Helm's offline
render and reported. Test hooks (`helm.sh/hook: test`) are left out, as `helm install` leaves them out.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

from obskit.errors import InputError
from obskit.yamlblock import BlockDumper


def _chart_dir() -> Path:
    """The umbrella chart: in the source tree (a checkout, an editable install), else where the wheel put it."""
    source = Path(__file__).resolve().parents[2] / "charts" / "obskit-stack"
    installed = Path(sys.prefix) / "share" / "obskit" / "charts" / "obskit-stack"
    return source if source.is_dir() or not installed.is_dir() else installed


CHART_DIR = _chart_dir()


@dataclass(frozen=True)
class Dependency:
    name: str
    version: str
    repository: str
    condition: str
    present: bool  # packaged chart found under charts/ (after `helm dependency build`)


@dataclass(frozen=True)
class Manifest:
    template: str
    api_version: str
    kind: str
    name: str
    namespace: str
    body: dict[str, Any]


@dataclass(frozen=True)
class Rendering:
    manifests: list[Manifest]
    values: dict[str, Any]
    dependencies: list[Dependency]
    rendered_dependencies: list[str]


@dataclass(frozen=True)
class LintMessage:
    severity: str
    path: str
    message: str


_SEVERITY = {0: "unknown", 1: "info", 2: "warning", 3: "error"}


def dependencies(chart_dir: Path = CHART_DIR) -> list[Dependency]:
    """Declared dependencies (Chart.yaml, pinned by Chart.lock) and whether each is packaged locally."""
    with helm.Chart.load(chart_dir) as chart:
        declared = chart.metadata.get("dependencies") or []
    status = {d["name"]: d.get("status") for d in helm.dependency_list(chart_dir)}
    return [
        Dependency(
            name=d["name"], version=str(d.get("version", "")), repository=str(d.get("repository", "")),
            condition=str(d.get("condition", "")), present=status.get(d["name"]) == "ok",
        )
        for d in declared
    ]


def schema_error(exc: helm.HelmValuesError) -> InputError:
    """Turn Helm's schema report ("- at '/a/b': msg") into one message naming key paths."""
    problems = []
    for match in re.finditer(r"at '([^']*)': (.+)", str(exc)):
        path = match.group(1).strip("/").replace("/", ".") or "(top level)"
        problems.append(f"{path}: {match.group(2).strip()}")
    detail = "; ".join(problems) if problems else str(exc).strip()
    return InputError(f"values do not match charts/obskit-stack/values.schema.json: {detail}",
                      hint="fix the key named above in your -f values file or the profile")


def render(
    values: dict[str, Any],
    *,
    release: str = "obskit",
    namespace: str = "observability",
    chart_dir: Path = CHART_DIR,
) -> Rendering:
    """Validate values against values.schema.json and render our templates, plus every dependency
    whose packaged chart is present (Helm's offline render skips declared-but-absent subcharts)."""
    deps = dependencies(chart_dir)
    effective = dict(values)
    with helm.Chart.load(chart_dir) as chart:
        merged = chart.merge_values(effective)
        try:
            chart.validate_schema(merged)
        except helm.HelmValuesError as exc:
            raise schema_error(exc) from None
        try:
            rendered = chart.render(effective, name=release, namespace=namespace, is_install=True)
        except helm.HelmError as exc:
            raise InputError(f"chart did not render: {exc}") from None
    manifests = [m for template, text in rendered.items() for m in _split(template, text) if not _test_hook(m)]
    manifests.sort(key=lambda m: (m.kind, m.namespace, m.name, m.template))
    return Rendering(
        manifests=manifests,
        values=merged,
        dependencies=deps,
        rendered_dependencies=[d.name for d in deps if d.present and (merged.get(d.name) or {}).get("enabled")],
    )


def chart_of(template: str) -> str:
    """The (sub)chart a template belongs to: `kube-prometheus-stack/grafana` for
    obskit-stack/charts/kube-prometheus-stack/charts/grafana/templates/x.yaml, `obskit-stack` for ours."""
    parts = template.split("/")
    nested = [parts[i + 1] for i, part in enumerate(parts[:-1]) if part == "charts" and "templates" not in parts[:i]]
    return "/".join(nested) or parts[0]


def _test_hook(m: Manifest) -> bool:
    hooks = str(((m.body.get("metadata") or {}).get("annotations") or {}).get("helm.sh/hook", ""))
    return "test" in [h.strip() for h in hooks.split(",")]


def _split(template: str, text: str) -> list[Manifest]:
    if template.endswith("NOTES.txt"):
        return []
    out = []
    for doc in yaml.safe_load_all(text):
        if not isinstance(doc, dict) or not doc:
            continue
        meta = doc.get("metadata") or {}
        out.append(Manifest(
            template=template, api_version=str(doc.get("apiVersion", "")), kind=str(doc.get("kind", "")),
            name=str(meta.get("name", "")), namespace=str(meta.get("namespace", "")), body=doc,
        ))
    return out


def dump(manifests: list[Manifest]) -> str:
    """Deterministic multi-document YAML: stable order, sorted keys, a source comment per object."""
    parts = []
    for m in manifests:
        body = yaml.dump(m.body, Dumper=BlockDumper, sort_keys=True, default_flow_style=False,
                         allow_unicode=True, width=1000)
        parts.append(f"---\n# Source: {m.template}\n{body}")
    return "".join(parts)


def lint(values: dict[str, Any], *, chart_dir: Path = CHART_DIR, kube_version: str | None = None) -> list[LintMessage]:
    """`helm lint` through the SDK; findings are returned, not raised."""
    report = helm.lint(chart_dir, values, namespace="observability", kube_version=kube_version)
    messages = [
        LintMessage(_SEVERITY.get(int(m.get("severity", 0)), "unknown"), str(m.get("path", "")),
                    str(m.get("error", "")))
        for m in report.get("messages") or []
    ]
    messages += [LintMessage("error", str(chart_dir), str(e)) for e in report.get("errors") or []]
    return messages


def chart_app_versions(chart_dir: Path = CHART_DIR) -> dict[str, str]:
    """appVersion of each packaged dependency (for the CRD version preflight); empty when not built."""
    versions: dict[str, str] = {}
    with helm.Chart.load(chart_dir) as chart:
        for sub in chart.dependencies:
            if sub.get("name") and sub.get("appVersion"):
                versions[str(sub["name"])] = str(sub["appVersion"])
    return versions
