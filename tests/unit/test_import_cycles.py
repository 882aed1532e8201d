"""No import cycles in the packages and the whole of obskit (function-level imports count too: they only hide a
cycle); the log template miner (obskit/logmine) sits below the commands and investigate that use it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["obskit/alerts", "obskit/dashboards", "obskit/logmine", "obskit/investigate", "obskit"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def graph(package: str) -> dict[str, set[str]]:
    modules = {module_name(p): p for p in (ROOT / package).rglob("*.py")}
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            edges[name] |= {t for t in targets if t in modules and t != name}
    return edges


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start)):
            return found
    return None


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle(package: str) -> None:
    # a package's __init__ importing its own submodules is the usual re-export, not a cycle
    edges = {k: {t for t in v if not (k.startswith(t + ".") and t.count(".") < k.count("."))}
             for k, v in graph(package).items()}
    found = cycle(edges)
    assert found is None, " -> ".join(found or [])


def test_the_miner_imports_no_layer_above_it() -> None:
    above = ("obskit.investigate", "obskit.cli", "obskit.report", "obskit.sources", "obskit.local")
    edges = graph("obskit")
    wrong = sorted(f"{k} -> {t}" for k, v in edges.items() if k.startswith("obskit.logmine")
                   for t in v if t.startswith(above))
    assert wrong == []
    users = {k for k, v in edges.items() if any(t.startswith("obskit.logmine") for t in v)}
    assert {"obskit.cli.logs_cmd", "obskit.investigate.log_templates"} <= users  # the detector sees the edges


def test_the_detector_finds_a_cycle() -> None:
    assert cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
