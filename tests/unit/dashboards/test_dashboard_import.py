"""Import round trip: JSON -> Python (FSDK builders) -> JSON, exactly the same (only the dashboard's id and
version are not compared)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from obskit.dashboards.builders import service_dashboard
from obskit.dashboards.equality import differences, exact_form, same
from obskit.dashboards.importer import build_python, to_python
from obskit.dashboards.inputs import resolve_inputs
from obskit.dashboards.model import load_file, to_data

FIXTURES = sorted((Path(__file__).resolve().parents[2] / "fixtures/dashboards/import").glob("*.json"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_round_trip(fixture: Path, tmp_path: Path) -> None:
    original, _ = resolve_inputs(json.loads(fixture.read_text()), fixture.name)
    code = to_python(original, fixture.name)
    ast.parse(code)
    assert "db.Dashboard(" in code and re.search(r"\b(db|[a-z]+)\.Panel\(\)", code)
    target = tmp_path / f"{fixture.stem}.dashboard.py"
    target.write_text(code)
    [dash] = load_file(target)
    assert dash.kind == "fsdk"
    assert list(differences(exact_form(dash.data), exact_form(original))) == []


def test_round_trip_of_a_built_dashboard() -> None:
    original = to_data(service_dashboard("checkout", "istio"))
    code = to_python(original, "svc.json")
    assert "prometheus.Dataquery()" in code and "RawQuery(" in code  # the Jaeger query has no SDK builder
    namespace: dict = {}
    exec(compile(code, "imported", "exec"), namespace)
    assert same(to_data(namespace["dashboard"]), original)


def test_only_id_and_version_are_not_compared() -> None:
    a = {"id": 3, "version": 9, "title": "T", "panels": [{"id": 1}]}
    assert same(a, {"title": "T", "panels": [{"id": 1}]})
    assert not same(a, {"title": "T", "panels": [{"id": 1, "transparent": False}]})  # a default is a change
    assert not same(a, {"title": "T", "panels": [{"id": 1.0}]})  # so is a type
    assert not same({"title": "T", "editable": True}, {"title": "T", "editable": 1})
    assert not same(a, {"title": "T", "iteration": 5, "panels": [{"id": 1}]})


def _one_panel(panel: dict) -> dict:
    return {"title": "t", "uid": "u", "panels": [{"id": 1, "title": "p", "gridPos": {"h": 8, "w": 8, "x": 0, "y": 0},
                                                   **panel}]}


@pytest.mark.parametrize("target", [
    {"expr": "up", "refId": "A", "range": True},  # Grafana 10 writes range alone: no instant: false added
    {"expr": "up", "refId": "A", "instant": True},  # and instant alone: no range: false beside it
    {"expr": "up", "refId": "A"},
])
def test_no_builder_defaults_in_the_built_queries(target: dict) -> None:
    data = _one_panel({"type": "timeseries", "targets": [target]})
    code = to_python(data)
    assert "prometheus.Dataquery()" in code  # still typed
    built = build_python(code)
    assert built["panels"][0]["targets"] == [target]
    assert "transparent" not in built["panels"][0] and "repeatDirection" not in built["panels"][0]


def test_panels_at_the_origin_of_a_collapsed_row_stay_there() -> None:
    """Grafana keeps a collapsed row's panels at their own positions (often x=0, y=0 when the row was
    collapsed before they were laid out); the SDK's with_row() moves such panels below the row."""
    inner = [{"id": i, "type": "timeseries", "title": f"p{i}", "gridPos": {"h": 8, "w": 24, "x": 0, "y": 0},
              "targets": [{"expr": "up", "refId": "A"}]} for i in (2, 3)]
    data = {"title": "t", "uid": "u", "panels": [
        {"id": 1, "type": "row", "title": "r", "collapsed": True, "gridPos": {"h": 1, "w": 24, "x": 0, "y": 7},
         "panels": inner}]}
    built = build_python(to_python(data))
    assert [p["gridPos"] for p in built["panels"][0]["panels"]] == [p["gridPos"] for p in inner]
    assert same(built, data)


def test_a_bind_like_export_imports_exactly() -> None:
    """dns-server.json has the shapes of a popular BIND dashboard: __inputs whose name is also a template
    variable, $$hashKey in annotations, rows with targets and empty panel lists, collapsed rows whose
    panels sit at x=0, y=0, threshold steps without a value, empty intervals and legends."""
    original = json.loads((FIXTURES[0].parent / "dns-server.json").read_text())
    data, added = resolve_inputs(original, "dns-server.json")
    assert added == []  # DS_PROM is already a variable
    code = to_python(data, "dns-server.json")
    assert same(build_python(code), data)
    assert "timeseries.Panel()" in code and "stat.Panel()" in code and "db.Row('Resolver')" in code


def test_structures_kept() -> None:
    node = json.loads((FIXTURES[-1].parent / "node-overview.json").read_text())
    code = to_python(node, "node-overview.json")
    assert ".repeat('instance')" in code and ".collapsed(True)" in code and "'templating'" in code
    mixed = to_python(json.loads((FIXTURES[0].parent / "mixed-library.json").read_text()), "m.json")
    assert ".library_panel({'name': 'Shared SLO burn', 'uid': 'lib-slo-burn'})" in mixed
    assert "uid='-- Mixed --'" in mixed
