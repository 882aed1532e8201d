"""YAML with positions: load a document and remember the line and column of every key and value.

Errors in as-code files must name file:line:column; PyYAML's composed node tree has the marks, so we
walk it beside the loaded data. Positions inside a scalar (a PromQL parse error at offset 17 of a
block ``expr: |``) are mapped back to the file with :meth:`YamlDoc.position`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from obskit import safeyaml
from obskit.alerts.model import Origin
from obskit.errors import InputError

Key = tuple[Any, ...]


@dataclass
class YamlDoc:
    path: str
    data: Any
    lines: list[str]
    keys: dict[Key, tuple[int, int]] = field(default_factory=dict)  # path -> (line, col) of the key
    values: dict[Key, yaml.Node] = field(default_factory=dict)  # path -> value node

    def origin(self, key: Key, *, of_key: bool = False) -> Origin:
        """Origin of a value (or of its key); walks up to the nearest known parent."""
        probe = tuple(key)
        while True:
            if of_key and probe in self.keys:
                line, col = self.keys[probe]
                return self._with_text(line, col)
            if probe in self.values:
                return self.position(probe, 0)
            if not probe:
                return Origin(self.path, 1, 1, self.lines[0] if self.lines else None)
            probe = probe[:-1]

    def position(self, key: Key, offset: int) -> Origin:
        """File position of character ``offset`` inside the scalar value at ``key``."""
        node = self.values.get(tuple(key))
        if node is None:
            return self.origin(key[:-1]) if key else Origin(self.path)
        line = node.start_mark.line + 1
        col = node.start_mark.column + 1
        style = getattr(node, "style", None)
        value = node.value if isinstance(node.value, str) else ""
        before = value[:offset]
        if style in ("|", ">"):
            first = line + 1
            text = self.lines[first - 1] if first - 1 < len(self.lines) else ""
            indent = len(text) - len(text.lstrip(" "))
            nl = before.count("\n")
            last = before.rfind("\n")
            return self._with_text(first + nl, indent + (offset - last - 1 if nl else offset) + 1)
        if "\n" in before:  # folded plain/quoted scalar: the start is the best we can say
            return self._with_text(line, col)
        return self._with_text(line, col + offset + (1 if style in ("'", '"') else 0))

    def _with_text(self, line: int, col: int) -> Origin:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else None
        return Origin(self.path, line, col, text)


@dataclass
class YamlStream:
    """The documents of one multi-document file; keys start with the document index."""

    docs: list[YamlDoc]

    def position(self, key: Key, offset: int) -> Origin:
        return self.docs[key[0]].position(tuple(key[1:]), offset)

    def origin(self, key: Key, *, of_key: bool = False) -> Origin:
        if not key:
            return self.docs[0].origin(())
        return self.docs[key[0]].origin(tuple(key[1:]), of_key=of_key)


def _walk(doc: YamlDoc, node: yaml.Node, path: Key) -> None:
    doc.values[path] = node
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value
            if name in seen:
                raise InputError(f"{doc.path}:{key.start_mark.line + 1}:{key.start_mark.column + 1}: "
                                 f"duplicate key {name!r}")
            seen.add(name)
            sub = (*path, name)
            doc.keys[sub] = (key.start_mark.line + 1, key.start_mark.column + 1)
            _walk(doc, value, sub)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(doc, item, (*path, i))


def parse_yaml(text: str, path: str) -> YamlDoc:
    """Parse one YAML document; malformed YAML raises InputError naming file:line:column."""
    docs = parse_yaml_all(text, path)
    if len(docs) > 1:
        raise InputError(f"{path}: expected one YAML document, found {len(docs)} (separated by ---)")
    return docs[0]


def parse_yaml_all(text: str, path: str) -> list[YamlDoc]:
    """Every document of a multi-document stream (``---``), positions relative to the whole file.

    Goes through :mod:`obskit.safeyaml`: size, nesting and alias-expansion limits apply.
    """
    lines = text.splitlines()
    docs = []
    for node, data in safeyaml.load_all_nodes(text, path):
        doc = YamlDoc(path=path, data=data, lines=lines)
        if node is not None:
            _walk(doc, node, ())
        docs.append(doc)
    return docs or [YamlDoc(path=path, data=None, lines=lines)]


def _read(path: Path) -> str:
    return safeyaml.read_text(path)


def load_yaml(path: Path) -> YamlDoc:
    return parse_yaml(_read(path), str(path))


def load_yaml_all(path: Path) -> list[YamlDoc]:
    return parse_yaml_all(_read(path), str(path))
