"""Import round trip: JSON -> Python (FSDK builders) -> JSON, equal after normalising defaults."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from obskit.dashboards.builders import service_dashboard
from obskit.dashboards.importer import normalise, to_python
from obskit.dashboards.model import load_file, to_data

FIXTURES = sorted((Path(__file__).resolve().parents[2] / "fixtures/dashboards/import").glob("*.json"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_round_trip(fixture: Path, tmp_path: Path) -> None:
    original = json.loads(fixture.read_text())
    code = to_python(original, fixture.name)
    ast.parse(code)
    assert "db.Dashboard(" in code and re.search(r"\b(db|[a-z]+)\.Panel\(\)", code)
    target = tmp_path / f"{fixture.stem}.dashboard.py"
    target.write_text(code)
    [dash] = load_file(target)
    assert dash.kind == "fsdk"
    assert normalise(dash.data) == normalise(original)


def test_round_trip_of_a_built_dashboard() -> None:
    original = to_data(service_dashboard("checkout", "istio"))
    code = to_python(original, "svc.json")
    assert "prometheus.Dataquery()" in code and "RawQuery(" in code  # the Jaeger query has no SDK builder
    namespace: dict = {}
    exec(compile(code, "imported", "exec"), namespace)
    assert normalise(to_data(namespace["dashboard"])) == normalise(original)


def test_normalise_ignores_defaults_but_not_content() -> None:
    a = {"id": 3, "version": 9, "title": "T", "editable": True, "panels": [{"id": 1, "transparent": False}]}
    b = {"title": "T", "panels": [{"id": 1}]}
    assert normalise(a) == normalise(b)
    assert normalise(a) != normalise({"title": "T", "panels": [{"id": 2}]})


def test_structures_kept() -> None:
    node = json.loads((FIXTURES[-1].parent / "node-overview.json").read_text())
    code = to_python(node, "node-overview.json")
    assert ".repeat('instance')" in code and ".collapsed(True)" in code and "'templating'" in code
    mixed = to_python(json.loads((FIXTURES[0].parent / "mixed-library.json").read_text()), "m.json")
    assert ".library_panel({'name': 'Shared SLO burn', 'uid': 'lib-slo-burn'})" in mixed
    assert "uid='-- Mixed --'" in mixed
