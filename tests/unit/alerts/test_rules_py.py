"""`*.rules.py` files: the model's groups, with diagnostics pointing into the Python source."""

from __future__ import annotations

from pathlib import Path

import pytest

from obskit.alerts.emit import dump_yaml, rules_document
from obskit.alerts.lint import LintOptions, lint
from obskit.alerts.rulefiles import load_source
from obskit.errors import InputError

SOURCE = '''\
from obskit.alerts.model import Alert, Group, Record

groups = [
    Group(
        name="demo",
        interval="30s",
        rules=[
            Record(name="job:http_requests:rate5m", expr="sum by (job) (rate(http_requests_total[5m]))"),
            Alert(
                name="demo_down",
                expr="rate(x[30s]) > 0",
                for_="5m",
                labels={"severity": "critical"},
                annotations={"summary": "s", "description": "d", "runbook_url": "https://e.example/r"},
            ),
        ],
    )
]
'''


def test_rules_py_loads_and_emits(tmp_path: Path) -> None:
    path = tmp_path / "demo.rules.py"
    path.write_text(SOURCE)
    ruleset = load_source(path)
    assert ruleset is not None and ruleset.kind == "rules-py"
    text = dump_yaml(rules_document(ruleset.groups))
    assert "interval: 30s" in text and "alert: demo_down" in text and "for: 5m" in text
    assert "record: job:http_requests:rate5m" in text


def test_diagnostics_point_into_the_python_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.rules.py"
    path.write_text(SOURCE)
    ruleset = load_source(path)
    assert ruleset is not None
    found = {p.check: p for p in lint([ruleset], LintOptions()).problems}
    assert (found["alert/name"].line, found["alert/name"].column) == (10, 22)
    rate = found["promql/rate-window"]
    assert (rate.file, rate.line, rate.column) == (str(path), 11, 30)
    assert rate.source_line is not None and "rate(x[30s])" in rate.source_line


def test_rules_py_without_groups_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.rules.py"
    path.write_text("rules = []\n")
    with pytest.raises(InputError, match="expected a module-level `groups` list"):
        load_source(path)
    path.write_text("groups = [\n")
    with pytest.raises(InputError, match=r"empty.rules.py:1:\d+: Python syntax error"):
        load_source(path)
