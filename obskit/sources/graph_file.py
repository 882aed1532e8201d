"""A user's service graph file: the last resort when neither traces nor metrics show who calls whom.

    # obskit graph file
    edges:
      - from: frontend
        to: checkout
      - from: checkout
        to: [cart, payments, shipping]   # several callees at once

Every problem is an InputError naming the file and line. The edges come back with origin "file" and no
call counts (calls 0: the file says a dependency exists, not how busy it is). The file is read as one checked
YAML node tree (obskit.safeyaml: limits, unique keys), composed once: the edges come from the nodes, which
keep their lines; a node with a tag other than the plain mapping, list and string ones is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from obskit import safeyaml
from obskit.errors import InputError
from obskit.sources.traces import Edge

KEYS = ("from", "to")
MAP, SEQ, STR = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:str"


def load_graph_file(path: Path) -> list[Edge]:
    """The edges of a graph file, in file order, without duplicates."""
    name = str(path)
    docs = safeyaml.compose_all(safeyaml.read_text(path), name)
    if len(docs) != 1 or docs[0] is None:
        raise InputError(f"{name}:1: expected one YAML document with an `edges:` list")
    root = docs[0]
    where = _where(name)
    if not _is(root, yaml.MappingNode, MAP):
        raise InputError(f"{where(root)}: expected a mapping with an `edges:` list")
    edges_node = None
    for key, value in root.value:
        if key.value != "edges" or key.tag != STR:
            raise InputError(f"{where(key)}: unknown key {key.value!r}; a graph file has only `edges:`")
        edges_node = value
    if not _is(edges_node, yaml.SequenceNode, SEQ):
        raise InputError(f"{where(edges_node or root)}: `edges:` must be a list of {{from: caller, to: callee}}")
    out: dict[tuple[str, str], Edge] = {}
    for item in edges_node.value:
        if not _is(item, yaml.MappingNode, MAP):
            raise InputError(f"{where(item)}: an edge is a mapping {{from: caller, to: callee}}")
        fields: dict[str, yaml.Node] = {}
        for key, value in item.value:
            if key.value not in KEYS or key.tag != STR:
                raise InputError(f"{where(key)}: unknown key {key.value!r}; an edge has `from` and `to`")
            fields[key.value] = value
        missing = [k for k in KEYS if k not in fields]
        if missing:
            raise InputError(f"{where(item)}: the edge has no `{missing[0]}`")
        caller = _name(fields["from"], where)
        callees = fields["to"].value if _is(fields["to"], yaml.SequenceNode, SEQ) else [fields["to"]]
        if not callees:
            raise InputError(f"{where(fields['to'])}: `to` names at least one service")
        for node in callees:
            callee = _name(node, where)
            if callee == caller:
                raise InputError(f"{where(node)}: {caller} -> {caller}: a service does not depend on itself")
            out.setdefault((caller, callee), Edge(caller, callee, 0, origin="file"))
    return list(out.values())


def _is(node: yaml.Node | None, kind: type[yaml.Node], tag: str) -> bool:
    return isinstance(node, kind) and node.tag == tag


def _where(name: str) -> Callable[[yaml.Node], str]:
    def where(node: yaml.Node) -> str:
        return f"{name}:{node.start_mark.line + 1}"
    return where


def _name(node: yaml.Node, where: Callable[[yaml.Node], str]) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str" or not str(node.value).strip():
        raise InputError(f"{where(node)}: expected a service name (a non-empty string)")
    return str(node.value).strip()
