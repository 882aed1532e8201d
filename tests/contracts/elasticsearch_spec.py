"""The Elasticsearch 9.5 OpenAPI document, with the two artefacts of its generator undone.

- TypeScript unions (`A | B`) are emitted as `oneOf`, but the variants overlap (a range query with
  `format` is both an untyped and a date range query): a union is inclusive, so they are checked as `anyOf`.
- Variant containers that also carry common keys (an aggregation: one aggregation type plus
  `aggregations`/`meta` for sub-aggregations) get `maxProperties: 1` on the variant branch, which counts
  the common keys too and refuses every sub-aggregation the server accepts; that bound is dropped on
  such branches (the closed composition still refuses unknown keys).
- A bare `{"type": "object"}` branch of a composition stands for an "additional property" behaviour
  (`terms: {<field>: [values]}`): it is made explicitly open, so closing the composition keeps it.
- `SortOptions` lists only `_score`, `_doc`, `_geo_distance` and `_script`: its field-name -> `FieldSort`
  additional property was dropped (`FieldSort` is missing from the document), so it stays open and a
  field sort's own options are not checked.
"""

from __future__ import annotations

from typing import Any

from tests.contracts.openapi import Contract, spec_path

FILE = ("elasticsearch", "elasticsearch-openapi-9.5.json")


def _adjust(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _adjust(item)
        return
    if not isinstance(node, dict):
        return
    if "oneOf" in node:
        node["anyOf"] = node.pop("oneOf")
    branches = node.get("allOf")
    if isinstance(branches, list) and len(branches) > 1:
        for branch in branches:
            if isinstance(branch, dict) and branch.get("maxProperties") == 1 and "properties" in branch:
                del branch["maxProperties"]
            if branch == {"type": "object"}:
                branch["additionalProperties"] = True
    if node.get("properties", {}).keys() == {"_score", "_doc", "_geo_distance", "_script"}:  # SortOptions
        node["additionalProperties"] = True
    for key, value in node.items():
        if key not in ("example", "examples", "default", "enum"):
            _adjust(value)


_CONTRACT: list[Contract] = []


def elasticsearch() -> Contract:
    if not _CONTRACT:
        _CONTRACT.append(Contract(spec_path(*FILE), adjust=lambda doc: _adjust(doc.get("components", {}))))
    return _CONTRACT[0]
