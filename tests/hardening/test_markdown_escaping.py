"""Issue 13 item 10: telemetry copied into Markdown tickets renders as text, never as HTML or Markdown."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from obskit.investigate.model import LogTemplateFinding, Report, SourceStatus
from obskit.report import markdown
from obskit.report.mdtext import cell, code, inline
from obskit.sources.window import Window

HOSTILE = '<img src=x onerror=alert(1)> **bold** [x](javascript:alert(1)) `tick` a|b #h'


def _report() -> Report:
    window = Window(1_700_000_600, 1_700_001_200, 60)
    report = Report(service="<script>svc</script>", window=window, baseline=Window(1_700_000_000, 1_700_000_600, 60))
    report.verdict = HOSTILE
    report.notes = [HOSTILE]
    report.templates = [LogTemplateFinding("api|x", "GET `<*>` | <b>", 5, 0, "new", 1.0, HOSTILE)]
    report.sources = [SourceStatus("metrics", "prometheus", False, "<b>down</b> | retry")]
    return report


def test_hostile_telemetry_does_not_render_as_html_or_markdown() -> None:
    text = markdown.render(_report())
    assert "`` GET `<*>` \\| <b> ``" not in text and "``GET `<*>` \\| <b>``" in text  # a code span: shown literally
    text = re.sub(r"(`+).*?\1", "", text)  # outside code spans, nothing may be markup
    assert "<script>" not in text and "<img" not in text and "<b>" not in text
    assert "](javascript:" not in text and "**bold**" not in text
    for row in (line for line in text.splitlines() if line.startswith("| api")):
        # every unescaped | is a cell border: the templates table has 6 columns -> 7 borders
        assert len(re.findall(r"(?<!\\)\|", row)) == 7, row


def test_inline_and_code_spans() -> None:
    assert inline("<a> & *x*") == "&lt;a&gt; &amp; \\*x\\*"
    assert code("a `b` c") == "``a `b` c``"
    assert code("x|y") == "`x\\|y`"
    assert cell("one\ntwo|") == "one<br>two\\|"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_escaped_text_has_no_raw_html_or_unescaped_markup(text: str) -> None:
    out = inline(text)
    assert "<" not in out and ">" not in out
    assert not re.search(r"(?<!\\)[*_`\[\]|]", out.replace("\\\\", ""))
