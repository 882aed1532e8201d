"""Custom resources checked against the openAPI schemas of the CRDs the charts ship.

The CRDs come from the bundled chart (kube-prometheus-stack's crds/ subchart, read through the Helm SDK)
and, for ECK, from the eck-operator-crds chart in the local chart mirror (its CRDs are templates).
Validation follows what the API server does with a structural schema: types, enums, required fields,
int-or-string, nullable; a field the schema does not know is reported, because the API server would
silently prune it (the value would never reach the operator).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import helm_python as helm
import jsonschema
import yaml

from obskit.deploy import chartsource, preflight

Schemas = dict[tuple[str, str], dict[str, Any]]


class _CrdLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML, with a bare `=` read as the string it is in CRD enums (YAML 1.1's value tag)."""


_CrdLoader.add_constructor("tag:yaml.org,2002:value", yaml.SafeLoader.construct_yaml_str)


def schemas(bundled_chart: Path, source: chartsource.ChartSource) -> Schemas:
    """(apiVersion, kind) -> openAPIV3Schema of every served version of every CRD found."""
    with helm.Chart.load(bundled_chart) as chart:
        texts = [c["data"] for c in chart.crds]
    for op in preflight.operators_spec()["operators"]:
        archive = chartsource.operator_archive(source, op["crds_chart"], op["version"])
        if archive is not None:
            with helm.Chart.load(archive) as crd_chart:
                texts += list(crd_chart.render({}, name="crds", namespace="default").values())
    return from_documents(texts)


def from_documents(texts: list[str]) -> Schemas:
    found: Schemas = {}
    for text in texts:
        for doc in yaml.load_all(text, Loader=_CrdLoader):  # noqa: S506 (a safe loader)
            if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc.get("spec") or {}
            group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
            for version in spec.get("versions") or []:
                schema = (version.get("schema") or {}).get("openAPIV3Schema")
                if version.get("served", True) and schema:
                    found[(f"{group}/{version['name']}", str(kind))] = schema
    return found


def problems(body: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """What the API server would refuse (or prune) in this custom resource, as `path: message`."""
    validator = jsonschema.Draft7Validator(_as_json_schema(schema))
    out = []
    for error in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path))):
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
        if error.validator == "additionalProperties":
            unknown = sorted(set(error.instance) - set(error.schema.get("properties") or {}))
            out.append(f"{path or '(top level)'}: unknown field(s) {', '.join(unknown)}: the API server would prune "
                       "them (the operator never sees the value)")
        else:
            out.append(f"{path or '(top level)'}: {error.message}")
    return out


def _as_json_schema(node: Any) -> Any:
    """Kubernetes' structural-schema dialect -> JSON Schema draft 7."""
    if isinstance(node, list):
        return [_as_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _as_json_schema(v) for k, v in node.items() if not k.startswith("x-kubernetes-") and k != "nullable"}
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out.pop("anyOf", None)
        out["type"] = ["integer", "string"]
    if node.get("nullable") and "type" in out:
        out["type"] = [*([out["type"]] if isinstance(out["type"], str) else out["type"]), "null"]
    if "format" in out:  # Kubernetes formats (int32, date-time, ...) are not JSON Schema's; types suffice
        out.pop("format")
    is_object = node.get("type") == "object" and "properties" in node
    if is_object and not node.get("x-kubernetes-preserve-unknown-fields") and "additionalProperties" not in node:
        out["additionalProperties"] = False
    return out
