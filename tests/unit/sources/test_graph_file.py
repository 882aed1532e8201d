"""The user's graph file: edges, and file:line errors for everything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from obskit.errors import InputError
from obskit.sources.graph_file import load_graph_file


def graph(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "graph.yaml"
    path.write_text(text)
    return path


def test_edges_with_several_callees(tmp_path: Path) -> None:
    edges = load_graph_file(graph(tmp_path, "edges:\n  - {from: web, to: api}\n  - from: api\n"
                                            "    to: [db, cache, db]\n  - {from: web, to: api}\n"))
    assert [(e.caller, e.callee, e.calls, e.origin) for e in edges] == [
        ("web", "api", 0, "file"), ("api", "db", 0, "file"), ("api", "cache", 0, "file")]


@pytest.mark.parametrize(("text", "message"), [
    ("edges:\n  - {from: web}\n", "graph.yaml:2: the edge has no `to`"),
    ("edges:\n  - {from: web, to: api, calls: 3}\n", "graph.yaml:2: unknown key 'calls'"),
    ("edges:\n  - from: web\n    to: 12\n", "graph.yaml:3: expected a service name"),
    ("edges:\n  - {from: web, to: web}\n", "graph.yaml:2: web -> web"),
    ("nodes: []\n", "graph.yaml:1: unknown key 'nodes'"),
    ("edges: {web: api}\n", "graph.yaml:1: `edges:` must be a list"),
    ("edges:\n  - web -> api\n", "graph.yaml:2: an edge is a mapping"),
    ("- web\n", "graph.yaml:1: expected a mapping"),
    ("", "graph.yaml:1: expected one YAML document"),
    ("edges: [\n", "graph.yaml"),
    # tagged nodes (the tree is only composed, never constructed) and repeated keys
    ("edges: !nodes [{from: web, to: api}]\n", "graph.yaml:1: `edges:` must be a list"),
    ("!graph {edges: [{from: web, to: api}]}\n", "graph.yaml:1: expected a mapping"),
    ("edges:\n  - !!omap [{from: web}, {to: api}]\n", "graph.yaml:2: an edge is a mapping"),
    ("edges:\n  - {from: web, to: !set [api]}\n", "graph.yaml:2: expected a service name"),
    ("edges:\n  - {!!int from: web, to: api}\n", "graph.yaml:2: unknown key 'from'"),
    ("!!int edges: []\n", "graph.yaml:1: unknown key 'edges'"),
    ("edges:\n  - {from: web, to: api}\n  - {from: web, from: db}\n", "graph.yaml:3:17: duplicate key 'from'"),
])
def test_errors_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_graph_file(graph(tmp_path, text))
    assert message in str(caught.value)


def test_the_file_is_composed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    compose_all = yaml.compose_all
    composed: list[str] = []

    def counted(text: str, Loader: type) -> object:  # noqa: N803 (PyYAML's keyword)
        composed.append(text)
        return compose_all(text, Loader=Loader)

    monkeypatch.setattr(yaml, "compose_all", counted)
    edges = load_graph_file(graph(tmp_path, "edges:\n  - {from: web, to: [api, db]}\n"))
    assert [(e.caller, e.callee) for e in edges] == [("web", "api"), ("web", "db")]
    assert len(composed) == 1
