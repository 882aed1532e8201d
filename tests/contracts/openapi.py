"""Check requests and responses against a vendor's OpenAPI document from ../shared/api-specs.

The schemas are validated by `openapi-schema-validator` (OAS 3.0 / 3.1 dialects on top of `jsonschema`);
this module only finds the operation for a method and path, reads its declared parameters, and hands
each value and body to the validator. Two things make the check stricter than the documents alone:

- a query parameter the operation does not declare, or declares `deprecated`, is a problem (OpenAPI
  itself lets unknown parameters through; servers keep old names only "for backward compatibility");
- request bodies are checked *closed*: every object schema that lists `properties` gets
  `unevaluatedProperties: false`, because the servers refuse unknown keys (Elasticsearch answers
  `parsing_exception: Unknown key`, Kibana `[request body.x]: definition for this key is missing`) while
  the generated documents leave objects open. Schemas used as one branch of a multi-branch `allOf` stay
  open (closing a branch would refuse the other branches' keys); the composed schema is closed instead.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from jsonschema.validators import Draft202012Validator, extend
from openapi_schema_validator import OAS30Validator, OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
SPECS = Path(os.environ.get("OBSKIT_API_SPECS") or ROOT.parent / "shared" / "api-specs")
BASE = "urn:obskit:api-spec"

# OAS 3.0 has no unevaluatedProperties; jsonschema's own implementation of the keyword is added to it
StrictOAS30 = extend(OAS30Validator,
                     {"unevaluatedProperties": Draft202012Validator.VALIDATORS["unevaluatedProperties"]})


def spec_path(*parts: str) -> Path:
    """A file under ../shared/api-specs; the calling test module is skipped, with the reason, when the
    folder is absent (a checkout without the shared specs). CI has it, so CI never skips."""
    if not SPECS.is_dir():
        pytest.skip(f"API specifications not found at {SPECS} (expected ../shared/api-specs beside the repository, "
                    "or OBSKIT_API_SPECS): contract tests need them", allow_module_level=True)
    path = SPECS.joinpath(*parts)
    if not path.is_file():
        pytest.fail(f"{path} is missing from the API specifications folder", pytrace=False)
    return path


@dataclass
class Operation:
    method: str
    template: str
    pointer: str  # JSON pointer of the operation object in the document
    body: dict[str, Any]
    path_params: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return str(self.body.get("operationId") or f"{self.method.upper()} {self.template}")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _close(node: Any, open_refs: set[str], branch: bool = False) -> None:
    """Add unevaluatedProperties: false to object schemas with properties/allOf (see the module doc)."""
    if isinstance(node, list):
        for item in node:
            _close(item, open_refs)
        return
    if not isinstance(node, dict):
        return
    composed = isinstance(node.get("allOf"), list)
    if not branch and ("properties" in node or composed) and "additionalProperties" not in node \
            and "unevaluatedProperties" not in node and node.get("type", "object") == "object":
        node["unevaluatedProperties"] = False
    for key, value in node.items():
        if key == "allOf" and isinstance(value, list) and len(value) > 1:
            for item in value:
                _close(item, open_refs, branch=True)
        elif key in ("properties", "patternProperties") and isinstance(value, dict):
            for item in value.values():
                _close(item, open_refs)
        elif key not in ("example", "examples", "default", "enum", "x-codeSamples"):
            _close(value, open_refs)


def _branch_refs(node: Any, found: set[str]) -> set[str]:
    """Component schemas referenced as a branch of a multi-branch allOf."""
    if isinstance(node, dict):
        branches = node.get("allOf")
        if isinstance(branches, list) and len(branches) > 1:
            found |= {b["$ref"] for b in branches if isinstance(b, dict) and "$ref" in b}
        for value in node.values():
            _branch_refs(value, found)
    elif isinstance(node, list):
        for item in node:
            _branch_refs(item, found)
    return found


class Contract:
    """One vendor document: find operations, check requests (strict) and responses."""

    def __init__(self, path: Path, prefix: str = "", adjust: Callable[[dict[str, Any]], None] | None = None) -> None:
        """``adjust`` edits the loaded document before anything is checked: documented generator artefacts only."""
        text = path.read_text()
        self.document: dict[str, Any] = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        self.name = path.name
        self.prefix = prefix.rstrip("/")
        self.oas31 = str(self.document.get("openapi", "")).startswith("3.1")
        if adjust is not None:
            adjust(self.document)
        self.strict = copy.deepcopy(self.document)
        schemas = self.strict.get("components", {}).get("schemas", {})
        open_refs = _branch_refs(self.strict, set())
        for name, schema in schemas.items():
            _close(schema, open_refs, branch=f"#/components/schemas/{name}" in open_refs)
        _close(self.strict.get("paths", {}), open_refs)
        _close(self.strict.get("components", {}).get("requestBodies", {}), open_refs)
        self._routes = [(self._regex(t), t) for t in self.document.get("paths", {})]

    # --- lookup ----------------------------------------------------------------------------------------
    @staticmethod
    def _regex(template: str) -> re.Pattern[str]:
        parts = re.split(r"(\{[^}]+\})", template)
        return re.compile("^" + "".join(f"(?P<{p[1:-1].replace('.', '_')}>[^/]+)" if p.startswith("{") else
                                        re.escape(p) for p in parts) + "$")

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            assert ref.startswith("#/"), ref
            node = self.document
            for token in ref[2:].split("/"):
                node = node[token.replace("~1", "/").replace("~0", "~")]
        return node

    def operation(self, method: str, path: str) -> Operation | None:
        """The operation for a request path (the server prefix removed); literal segments win over templates."""
        if self.prefix:
            if not path.startswith(self.prefix + "/"):
                return None
            path = path[len(self.prefix):]
        method = method.lower()
        matches = []
        for regex, template in self._routes:
            found = regex.match(path)
            if found and method in self.document["paths"][template]:
                matches.append((template.count("{"), template, found))
        if not matches:
            return None
        _, template, found = min(matches)
        names = re.findall(r"\{([^}]+)\}", template)
        params = {n: unquote(v) for n, v in zip(names, found.groups(), strict=True)}
        return Operation(method, template, f"/paths/{_escape(template)}/{method}",
                         self.document["paths"][template][method], params)

    def parameters(self, op: Operation) -> list[dict[str, Any]]:
        shared = self.document["paths"][op.template].get("parameters", [])
        return [self.resolve(p) for p in [*shared, *op.body.get("parameters", [])]]

    # --- validation ------------------------------------------------------------------------------------
    def _errors(self, pointer: str, instance: Any, strict: bool) -> list[str]:
        document = self.strict if strict else self.document
        spec = DRAFT202012 if self.oas31 else DRAFT4
        registry: Registry = Registry().with_resource(BASE, Resource(contents=document, specification=spec))
        cls = OAS31Validator if self.oas31 else (StrictOAS30 if strict else OAS30Validator)
        validator = cls({"$ref": f"{BASE}#{pointer}"}, registry=registry, format_checker=cls.FORMAT_CHECKER)
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}"
                for e in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))]

    def _value_ok(self, schema_pointer: str, values: list[str], schema: dict[str, Any]) -> list[str]:
        """Query values are strings on the wire: a value is valid as the string, or as the JSON number or
        boolean it spells (style form, explode: a repeated parameter is an array)."""
        if self.resolve(schema).get("type") == "array":
            candidates: list[Any] = [values]
        elif len(values) != 1:
            return [f"sent {len(values)} times, the spec declares a single value"]
        else:
            candidates = [values[0]]
            try:
                decoded = json.loads(values[0])
                if isinstance(decoded, bool | int | float):
                    candidates.append(decoded)
            except ValueError:
                pass
        errors: list[str] = []
        for candidate in candidates:
            found = self._errors(schema_pointer, candidate, strict=False)
            if not found:
                return []
            errors = found
        return errors

    def check_request(self, method: str, path: str, query: dict[str, list[str]] | None = None,
                      headers: dict[str, str] | None = None, body: Any = None) -> list[str]:
        """Every way the request departs from the spec, as readable lines (empty: it conforms)."""
        op = self.operation(method, path)
        if op is None:
            return [f"{method} {path}: no operation in {self.name}"]
        where = f"{op.id} ({method.upper()} {op.template})"
        problems: list[str] = []
        query = query or {}
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        params = self.parameters(op)
        declared = {(p["in"], p["name"]): (i, p) for i, p in enumerate(params)}
        for name, values in query.items():
            if ("query", name) not in declared:
                problems.append(f"{where}: query parameter {name!r} is not declared")
                continue
            index, param = declared[("query", name)]
            if param.get("deprecated"):
                problems.append(f"{where}: query parameter {name!r} is deprecated")
            if "schema" in param:
                problems += [f"{where}: query parameter {name!r}: {e}"
                             for e in self._value_ok(self._param_pointer(op, index), values, param["schema"])]
        for index, param in enumerate(params):
            name, place = param["name"], param["in"]
            if place == "query" and param.get("required") and name not in query:
                problems.append(f"{where}: required query parameter {name!r} is missing")
            if place == "header" and param.get("required") and name.lower() not in headers:
                problems.append(f"{where}: required header {name!r} is missing")
            if place == "path" and "schema" in param:
                problems += [f"{where}: path parameter {name!r}: {e}" for e in
                             self._value_ok(self._param_pointer(op, index), [op.path_params.get(name, "")],
                                            param["schema"])]
        request_body = self.resolve(op.body.get("requestBody")) if "requestBody" in op.body else None
        if body is None:
            if request_body and request_body.get("required"):
                problems.append(f"{where}: the request body is required")
        elif request_body is None:
            problems.append(f"{where}: sends a body, the operation takes none")
        else:
            pointer = self._body_pointer(op)
            problems += [f"{where}: body {e}" for e in self._errors(pointer, body, strict=True)]
        return problems

    def _param_pointer(self, op: Operation, index: int) -> str:
        shared = self.document["paths"][op.template].get("parameters", [])
        raw = (shared + op.body.get("parameters", []))[index]
        if "$ref" in raw:
            return raw["$ref"][1:] + "/schema"
        if index < len(shared):
            return f"/paths/{_escape(op.template)}/parameters/{index}/schema"
        return f"{op.pointer}/parameters/{index - len(shared)}/schema"

    def _body_pointer(self, op: Operation) -> str:
        raw = op.body["requestBody"]
        base = raw["$ref"][1:] if "$ref" in raw else f"{op.pointer}/requestBody"
        content = self.resolve(raw)["content"]
        media = "application/json" if "application/json" in content else next(iter(content))
        return f"{base}/content/{_escape(media)}/schema"

    def check_schema(self, name: str, instance: Any, strict: bool = False) -> list[str]:
        """An instance against one component schema (error bodies the document declares once, not per operation)."""
        if name not in self.document.get("components", {}).get("schemas", {}):
            return [f"no component schema {name!r} in {self.name}"]
        return [f"{name}: {e}" for e in self._errors(f"/components/schemas/{_escape(name)}", instance, strict)]

    def check_response(self, method: str, path: str, status: int, body: Any, strict: bool = False) -> list[str]:
        """The body against the operation's schema for `status` (or its `default`)."""
        op = self.operation(method, path)
        if op is None:
            return [f"{method} {path}: no operation in {self.name}"]
        responses = op.body.get("responses", {})
        code = next((c for c in (str(status), f"{str(status)[0]}XX", "default") if c in responses), None)
        if code is None:
            return [f"{op.id}: status {status} is not a documented response ({', '.join(responses)})"]
        raw = responses[code]
        base = raw["$ref"][1:] if "$ref" in raw else f"{op.pointer}/responses/{code}"
        content = self.resolve(raw).get("content") or {}
        if "application/json" not in content or "schema" not in content["application/json"]:
            return [] if body in (None, "") else [f"{op.id}: status {status} documents no JSON body"]
        return [f"{op.id} {status}: {e}"
                for e in self._errors(f"{base}/content/application~1json/schema", body, strict)]

