"""Core Kubernetes kinds against the strict JSON schemas kubernetes-validate ships, one cached validator
per (Kubernetes version, kind): the full stack is ~150 objects x 8 versions, and loading the 1.8 MB
definitions file for every object (what kubernetes_validate.validate does) dominated the dry run."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any

import jsonschema
from kubernetes_validate.utils import all_versions
from referencing import Registry, Resource

SCHEMAS = resources.files("kubernetes_validate") / "kubernetes-json-schema"


class NoSchema(Exception):
    """kubernetes-validate has no schema for this apiVersion/kind (a custom resource, or a typo)."""


def problems(body: dict[str, Any], version: str) -> list[str]:
    """Messages of every strict-schema violation (empty: valid); NoSchema for an unknown kind."""
    validator = _validator(_schema_dir(version), _file_name(str(body.get("apiVersion", "")), str(body.get("kind", ""))))
    if validator is None:
        raise NoSchema
    errors = sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
    return [e.message.splitlines()[0] for e in errors[:1]]  # the first, as kubernetes-validate reports


def _schema_dir(version: str) -> str:
    """The newest schema set not newer than the wanted Kubernetes version (strict: unknown fields fail)."""
    wanted = tuple(int(p) for p in version.lstrip("v").split(".")[:2])
    available = sorted({v for v in all_versions()}, key=lambda v: tuple(int(p) for p in v.split(".")[:2]))
    chosen = [v for v in available if tuple(int(p) for p in v.split(".")[:2]) <= wanted][-1]
    return f"v{chosen}-local-strict"


def _file_name(api_version: str, kind: str) -> str:
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)  # rbac.authorization.k8s.io/v1 -> rbac-v1
    return f"{kind.lower()}-{group_version}.json"


@functools.cache
def _definitions(schema_dir: str) -> Registry:  # type: ignore[type-arg]
    contents = json.loads((SCHEMAS / schema_dir / "_definitions.json").read_text())
    return Resource.from_contents(contents) @ Registry()  # type: ignore[return-value]


@functools.cache
def _validator(schema_dir: str, file_name: str) -> jsonschema.Draft202012Validator | None:
    path = SCHEMAS / schema_dir / file_name
    if not path.is_file():
        return None
    schema = json.loads(path.read_text())
    registry = Resource.from_contents(schema) @ _definitions(schema_dir)
    return jsonschema.Draft202012Validator(schema, registry=registry)
