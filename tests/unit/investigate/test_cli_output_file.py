"""`obskit investigate -o FILE` writes the report there and says so (path, format, suspects) on stdout."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from obskit.cli import app, investigate_cmd
from tests.unit.investigate.synthetic import WINDOW, Incident, sources


@pytest.mark.parametrize("fmt", ["html", "json", "markdown", "text"])
def test_output_file_is_announced(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(investigate_cmd, "build_sources",
                        lambda *_: (sources(Incident(root="database", kind="latency")), None))
    target = tmp_path / f"report.{fmt}"
    result = CliRunner().invoke(app, ["investigate", "frontend", "--from", str(int(WINDOW.start)), "--to",
                                      str(int(WINDOW.end)), "--format", fmt, "-o", str(target)])
    assert result.exit_code == 1, result.output  # suspects found
    assert result.stdout.startswith(f"wrote {target} ({fmt} report, ")
    assert target.stat().st_size > 200
    assert "suspects" not in result.stdout.split(")", 1)[1]  # nothing but the announcement on stdout
