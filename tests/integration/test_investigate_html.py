"""The HTML report in real headless Chromium: it renders (screenshot) with no console errors.

The browser checker itself is proven able to fail on a page that throws.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from obskit.investigate.pipeline import investigate
from obskit.report import html
from tests.integration.browser import CHROMIUM, load
from tests.unit.investigate.synthetic import BASELINE, WINDOW, Incident, sources

# `make test` installs Chromium; only a developer's ad-hoc run without it may skip, never CI
pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM) and not os.environ.get("CI"),
                                reason="chromium is not installed (make test installs it)")

PNG = b"\x89PNG\r\n\x1a\n"


def test_html_report_renders_without_console_errors(tmp_path: Path) -> None:
    report = investigate(sources(Incident(root="database", kind="latency")), "frontend", WINDOW, BASELINE)
    page = tmp_path / "report.html"
    page.write_text(html.render(report, "http://grafana.example:3000"))
    result = load(page, tmp_path / "report.png")
    assert result.console_errors == []
    assert result.title == "obskit investigate frontend"
    assert result.screenshot.startswith(PNG) and len(result.screenshot) > 10_000


def test_checker_sees_console_errors(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><head><title>x</title></head><body><script>"
                    "console.error('boom'); undefinedFunction();</script></body></html>")
    result = load(page, tmp_path / "broken.png")
    assert any("boom" in e for e in result.console_errors)
    assert any("undefinedFunction" in e for e in result.console_errors)
