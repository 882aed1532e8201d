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


BOXES = """JSON.stringify(Array.from(document.querySelectorAll('svg.chart')).map(function (svg) {
  function box(sel) { var el = sel ? svg.querySelector(sel) : svg; if (!el) { return null; }
    var b = el.getBoundingClientRect(); return [b.left, b.top, b.width, b.height]; }
  return {chart: box(null), baseline: box('rect.baseline'), window: box('rect.window'),
          onset: box('line.onset')};
}))"""


TIMESTAMP_LINES = """JSON.stringify(Array.from(document.querySelectorAll('td.ts')).map(function (td) {
  var range = document.createRange(); range.selectNodeContents(td);
  var tops = {}; Array.from(range.getClientRects()).forEach(function (r) { tops[Math.round(r.top)] = 1; });
  return Object.keys(tops).length;
}))"""


def _hex(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _near(pixel: tuple[int, int, int], color: tuple[int, int, int]) -> bool:
    return all(abs(p - c) <= 3 for p, c in zip(pixel, color, strict=True))


def test_screenshot_shows_the_baseline_period_before_the_window(tmp_path: Path) -> None:
    import json

    from tests.integration.png import decode

    report = investigate(sources(Incident(root="database", kind="latency")), "frontend", WINDOW, BASELINE)
    page = tmp_path / "report.html"
    page.write_text(html.render(report))
    result = load(page, tmp_path / "report.png", evaluate={"boxes": BOXES}, height=2400)
    assert result.console_errors == []
    charts = json.loads(str(result.values["boxes"]))
    assert len(charts) == 3
    image = decode(result.screenshot)
    for chart in charts:
        cx, cy, cw, _ = chart["chart"]
        bx, by, bw, _ = chart["baseline"]
        wx, _, ww, _ = chart["window"]
        # one hour of baseline, then the one-hour window: two bands of about half the plot each
        assert bx < wx and abs(bw - ww) < 2 and bw > 0.4 * cw
        # the onset lies inside the window, well away from the chart's left edge
        assert chart["onset"] is not None and wx < chart["onset"][0] < wx + ww
        # the baseline band is drawn (its fill is on screen, the window's beside it)
        y = int(by + 2)
        baseline_pixels = [image.pixel(int(bx + bw * f), y) for f in (0.3, 0.5, 0.7)]
        window_pixels = [image.pixel(int(wx + ww * f), y) for f in (0.1, 0.9)]
        assert sum(_near(p, _hex(html.BASELINE_FILL)) for p in baseline_pixels) >= 2, baseline_pixels
        assert any(_near(p, _hex(html.WINDOW_FILL)) for p in window_pixels), window_pixels
        assert cy + 10 < image.height
    # every timestamp cell (timeline, suspect onsets) renders on one line, on a narrow screen too
    narrow = load(page, tmp_path / "narrow.png", evaluate={"lines": TIMESTAMP_LINES}, width=560)
    lines = json.loads(str(narrow.values["lines"]))
    assert len(lines) >= 2 and set(lines) == {1}, lines
