"""The one YAML loader for every input obskit reads: config, rules, SLO specs, deploy values, dashboards.

PyYAML's safe loader still lets a few hundred bytes of anchors and aliases expand into billions of nodes
(a "billion laughs" alias bomb), recurses once per nesting level, and reads files of any size. This module
puts limits (from ``limits.yaml``, policy as data) in front of it:

- the text is at most ``max_bytes`` long;
- nesting is at most ``max_depth`` levels, checked on the event stream *before* anything recursive runs;
- the document, with every alias expanded, has at most ``max_nodes`` nodes, counted on the composed graph
  with memoisation (linear in the file, not in the expansion);
- keys are unique within a mapping (PyYAML would silently keep the last of two).

Problems raise :class:`YamlLimitError` / :class:`YamlSyntaxError` (both InputError, exit 2) naming
``file:line:column``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from obskit.errors import InputError
from obskit.inputfile import read_input_text
from obskit.limits import limit

_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present; same marks


@dataclass(frozen=True)
class YamlLimits:
    max_bytes: int
    max_depth: int
    max_nodes: int


def default_limits() -> YamlLimits:
    """The limits in obskit/limits.yaml."""
    return YamlLimits(limit("yaml", "max_bytes"), limit("yaml", "max_depth"), limit("yaml", "max_nodes"))


class YamlSyntaxError(InputError):
    """Not well-formed YAML."""


class YamlLimitError(InputError):
    """Well-formed YAML that is over a size, depth or alias-expansion limit."""


def _where(path: str, mark: Any) -> str:
    return f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else path


def _syntax_error(exc: yaml.YAMLError, path: str) -> YamlSyntaxError:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "not valid YAML"
    return YamlSyntaxError(f"{_where(path, mark)}: invalid YAML: {problem}")


def _check_events(text: str, path: str, limits: YamlLimits) -> None:
    """Nesting depth from the (iterative) event stream: nothing recursive has run yet."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limits.max_depth:
                    raise YamlLimitError(
                        f"{_where(path, event.start_mark)}: nested more than {limits.max_depth} levels deep; "
                        "expected a flatter document")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, path) from None


def _check_expansion(root: yaml.Node, path: str, limits: YamlLimits) -> None:
    """Count nodes with aliases expanded, memoised per node so an alias bomb costs only its text."""
    sizes: dict[int, int] = {}
    # iterative post-order walk (depth is already bounded, but recursion is not needed)
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            _check_unique_keys(node, path)
            for k, v in node.value:
                children.extend((k, v))
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if not done:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        total = 1 + sum(sizes.get(id(child), 1) for child in children)
        sizes[key] = total
        if total > limits.max_nodes:
            raise YamlLimitError(
                f"{_where(path, node.start_mark)}: expands to more than {limits.max_nodes} values "
                "(anchors and aliases multiply); expected a document of ordinary size")


_MERGE = "tag:yaml.org,2002:merge"


def _check_unique_keys(node: yaml.MappingNode, path: str) -> None:
    """YAML requires unique keys; PyYAML silently keeps the last one (Helm and Prometheus refuse them)."""
    seen: dict[tuple[str, str], int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE:
            continue
        ident = (key.tag, key.value)
        if ident in seen:
            raise YamlSyntaxError(f"{_where(path, key.start_mark)}: duplicate key {key.value!r} "
                                  f"(first at line {seen[ident]})")
        seen[ident] = key.start_mark.line + 1


def _check_size(text: str, path: str, limits: YamlLimits) -> None:
    if len(text) > limits.max_bytes:
        raise YamlLimitError(f"{path}: {len(text)} bytes is over the limit of {limits.max_bytes} for an input file")


def compose_all(text: str, path: str, limits: YamlLimits | None = None) -> list[yaml.Node | None]:
    """Composed node graphs of every document, after the size, depth and expansion checks."""
    limits = limits or default_limits()
    _check_size(text, path, limits)
    _check_events(text, path, limits)
    try:
        nodes: list[yaml.Node | None] = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, path) from None
    except RecursionError:  # defence in depth: the event check bounds nesting already
        raise YamlLimitError(f"{path}: nested too deeply") from None
    for node in nodes:
        if node is not None:
            _check_expansion(node, path, limits)
    return nodes


def construct(node: yaml.Node | None, path: str) -> Any:
    """Python data of one checked node graph (the safe constructor: plain types only)."""
    if node is None:
        return None
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, path) from None
    finally:
        loader.dispose()


def load_all_nodes(text: str, path: str) -> list[tuple[yaml.Node | None, Any]]:
    """(node, data) pairs of every document in a checked stream.

    The data is constructed from a second composition: the constructor rewrites merge keys (``<<: *x``)
    inside the node graph it is given, and the returned nodes must keep the file's own shape and marks.
    """
    nodes = compose_all(text, path)
    fresh = list(yaml.compose_all(text, Loader=_LOADER))  # same text, already checked
    return [(node, construct(copy, path)) for node, copy in zip(nodes, fresh, strict=True)]


def loads(text: str, path: str) -> Any:
    """Data of a single-document YAML text; a stream of several documents is refused."""
    nodes = compose_all(text, path)
    if len(nodes) > 1:
        raise YamlSyntaxError(f"{path}: expected one YAML document, found {len(nodes)} (separated by ---)")
    return construct(nodes[0] if nodes else None, path)  # the nodes are not used again


def read_text(path: Path, limits: YamlLimits | None = None) -> str:
    """A user's input file as text: regular file, size-limited, UTF-8 (each refused with its name)."""
    return read_input_text(path, (limits or default_limits()).max_bytes, what="YAML file")


def load_file(path: Path) -> Any:
    return loads(read_text(path), str(path))
