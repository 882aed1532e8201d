"""Loading dashboards from every supported input, bad input, deterministic output, ConfigMaps."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from obskit.dashboards import emit
from obskit.dashboards.model import load

FSDK_FILE = '''
from grafana_foundation_sdk.builders import dashboard as db
dashboard = db.Dashboard("FSDK").uid("fsdk-one")
'''
DICT_GENERATOR = '''
dashboards = [{"uid": "gen-%d" % i, "title": "Gen %d" % i, "panels": []} for i in range(3)]
'''


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_loads_every_input_kind(tmp_path: Path) -> None:
    write(tmp_path, {"a.dashboard.py": FSDK_FILE, "team/gen.py": DICT_GENERATOR,
                     "model.dashboard.py": FSDK_FILE.replace('"fsdk-one")', '"fsdk-model").build()'),
                     "c.json": json.dumps({"uid": "json-one", "title": "JSON"}),
                     "helper.py": "X = 1\n", "generated/old.json": "{not json"})
    result = load([tmp_path])
    assert result.errors == []
    assert [(d.name, d.kind, d.folder) for d in result.dashboards] == [
        ("a", "fsdk", "General"), ("c", "json", "General"), ("model", "fsdk", "General"), ("gen-0", "dict", "team"),
        ("gen-1", "dict", "team"), ("gen-2", "dict", "team")]
    assert result.dashboards[0].data["title"] == "FSDK" and result.dashboards[0].data["schemaVersion"] == 42


def test_bad_files_are_reported_and_others_still_load(tmp_path: Path) -> None:
    write(tmp_path, {
        "good.dashboard.py": FSDK_FILE,
        "syntax.dashboard.py": "x = 1\ndashboard = (\n",
        "raises.dashboard.py": "x = 1\n\nraise RuntimeError('boom')\n",
        "empty.dashboard.py": "title = 'no dashboard here'\n",
        "broken.json": '{\n  "uid": "x",\n  "title": oops\n}\n',
    })
    result = load([tmp_path])
    assert [d.name for d in result.dashboards] == ["good"]
    errors = sorted(str(e).replace(str(tmp_path) + "/", "") for e in result.errors)
    assert errors[0] == "broken.json:3:12: invalid JSON: Expecting value"
    assert errors[1].startswith("empty.dashboard.py: defines no module-level `dashboard`")
    assert errors[2] == "raises.dashboard.py:3: RuntimeError: boom"
    assert errors[3].startswith("syntax.dashboard.py:2: syntax error")


def test_duplicate_uid_across_files_names_both(tmp_path: Path) -> None:
    write(tmp_path, {"one.json": json.dumps({"uid": "dup", "title": "One"}),
                     "two.json": json.dumps({"uid": "dup", "title": "Two"})})
    [error] = load([tmp_path]).errors
    assert "two.json" in error.file and "one.json" in error.message and "'dup'" in error.message


@pytest.mark.parametrize("name", ["grafanalib_example", "grafanalib_rows"])
def test_grafanalib_output_byte_identical_to_generate_dashboard(tmp_path: Path, repo_root: Path, name: str) -> None:
    """grafanalib_rows: the old rows layout, whose panels grafanalib writes with ``gridPos: null``."""
    source = repo_root / f"tests/fixtures/dashboards/{name}.dashboard.py"
    theirs = tmp_path / "theirs.json"
    script = Path(sys.executable).parent / "generate-dashboard"
    subprocess.run([str(script), "-o", str(theirs), str(source)], check=True, timeout=60)
    result = load([source])
    assert result.errors == []
    [dash] = result.dashboards
    assert dash.kind == "grafanalib"
    [out] = emit.outputs([dash])
    assert out.path == Path(f"{name}.json")
    assert out.text.encode() == theirs.read_bytes()


def test_render_is_deterministic_and_exact() -> None:
    text = emit.render_json({"b": 0.1 + 0.2 - 0.2, "a": [3, 1], "c": {"z": 1, "y": 0.999}})
    assert text == '{\n  "a": [\n    3,\n    1\n  ],\n  "b": 0.10000000000000003,\n  "c": {\n    "y": 0.999,\n' \
                   '    "z": 1\n  }\n}\n'.replace("0.10000000000000003", str(0.1 + 0.2 - 0.2))
    assert text.endswith("}\n") and text == emit.render_json(json.loads(text))


def test_configmap_shape(tmp_path: Path) -> None:
    write(tmp_path, {"team/a.dashboard.py": FSDK_FILE})
    [dash] = load([tmp_path]).dashboards
    [out] = emit.outputs([dash], "configmap")
    manifest = yaml.safe_load(out.text)
    assert out.path == Path("team/a.configmap.yaml") and out.warning is None
    assert manifest["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert manifest["metadata"]["annotations"]["k8s-sidecar-target-directory"] == "team"
    assert json.loads(manifest["data"]["a.json"])["uid"] == "fsdk-one"
    assert "a.json: |" in out.text  # a readable literal block


def test_configmap_size_limits(tmp_path: Path) -> None:
    big = {"uid": "big", "title": "Big", "description": "x" * 300_000}
    write(tmp_path, {"big.json": json.dumps(big)})
    [dash] = load([tmp_path]).dashboards
    [out] = emit.outputs([dash], "configmap")
    assert out.warning and "262144" in out.warning
    dash.data["description"] = "x" * (1024 * 1024)
    try:
        emit.outputs([dash], "configmap")
    except ValueError as exc:
        assert "1 MiB" in str(exc)
    else:
        raise AssertionError("a ConfigMap over 1 MiB must be refused")


def test_dashboard_file_can_import_a_helper_next_to_it(tmp_path: Path) -> None:
    write(tmp_path, {"shared_panels.py": "TITLE = 'From helper'\n",
                     "x.dashboard.py": "from shared_panels import TITLE\ndashboard = {'uid': 'x', 'title': TITLE}\n"})
    result = load([tmp_path / "x.dashboard.py"])
    assert result.errors == [] and result.dashboards[0].title == "From helper"


@pytest.mark.parametrize("body", [
    "while True:\n    pass\n",
    "while True:\n    try:\n        sum(range(10))\n    except Exception:\n        pass\n",  # cannot swallow it
])
def test_a_dashboard_file_that_never_finishes_is_stopped(tmp_path: Path, monkeypatch, body: str) -> None:
    import time

    import obskit.dashboards.model as model

    real = model.limit
    monkeypatch.setattr(model, "limit", lambda section, name: 1 if section == "dashboards" else real(section, name))
    write(tmp_path, {"loop.dashboard.py": "x = 1\n" + body, "ok.json": json.dumps({"uid": "ok", "title": "Ok"})})
    start = time.monotonic()
    result = load([tmp_path])
    assert time.monotonic() - start < 30  # the limit ended it (the bound is loose: a shared machine)
    [error] = result.errors
    assert [d.name for d in result.dashboards] == ["ok"]  # the other files still load
    assert error.file.endswith("loop.dashboard.py") and error.line in (2, 3, 4, 5, 6)
    assert error.message.startswith("did not finish within 1 s") and "dashboards.python_seconds" in error.message
