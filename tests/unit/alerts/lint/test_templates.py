import pytest

from obskit.alerts.lint.templates import template_errors
from tests.unit.alerts.lint.case import alert, run


@pytest.mark.parametrize("text", [
    "{{ $labels.job }} is down ({{ $value | humanize }})",
    "{{ with query \"up\" }}{{ . | first | value }}{{ end }}",
    "{{ $x := $labels.instance }}{{ $x }}",
    "{{ printf \"%.2f\" $value }} plain text",
])
def test_valid_templates(text: str) -> None:
    assert template_errors(text) == []


@pytest.mark.parametrize(("text", "message"), [
    ("{{ $label.job }}", "unknown variable $label"),
    ("{{ $labels.job }", "never closed"),
    ("{{ if $value }}x", "never closed with {{ end }}"),
    ("{{ humanise $value }}", "unknown template function 'humanise'"),
    ("x }} y", "without a matching"),
])
def test_invalid_templates(text: str, message: str) -> None:
    assert any(message in m for _, m in template_errors(text))


def test_check_reports_annotation_and_line() -> None:
    problems = run("template/syntax", alert().replace("summary: s", "summary: '{{ $label.job }} down'"))
    assert len(problems) == 1 and problems[0].message.startswith("annotations.summary: unknown variable")
    assert problems[0].line == 10
