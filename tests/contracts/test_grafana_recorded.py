"""Grafana has no specification here (../shared/api-specs/README.md): its recorded responses are kept, and
each must name its source — the docs page and the Grafana version — in tests/fixtures/grafana/README.md."""

from __future__ import annotations

import json
import re

import pytest

from obskit.sources.versions import judge
from tests.replay import FIXTURES

GRAFANA = FIXTURES / "grafana"
ROWS = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([^`]+\.json)` \|.*$",
                                                     (GRAFANA / "README.md").read_text(), re.MULTILINE)}


@pytest.mark.parametrize("path", sorted(GRAFANA.glob("*.json")), ids=lambda p: p.name)
def test_every_recorded_response_names_its_docs_page_and_version(path) -> None:  # type: ignore[no-untyped-def]
    json.loads(path.read_text())  # a response body
    row = ROWS.get(path.name)
    assert row is not None, f"{path.name} is not listed in tests/fixtures/grafana/README.md"
    assert "http_api/" in row and re.search(r"\b1[0-9]\.\d", row), row


def test_the_recorded_grafana_is_a_supported_version() -> None:
    version = json.loads((GRAFANA / "health.json").read_text())["version"]
    assert judge("grafana", version).ok
