import json

from obskit.lint import Problem, Severity, has_errors, render_github, render_json, render_text


def problems() -> list[Problem]:
    return [
        Problem("promql/syntax", Severity.error, "unexpected ')'", "alerts/a.yaml", 7, 14,
                context="alert HighErrors", source_line="    expr: rate(x[5m]))"),
        Problem("dashboard/uid", Severity.warning, "uid longer than 40, chars", "dash/b.py", 3),
    ]


def test_text_has_caret_under_column() -> None:
    text = render_text(problems())
    lines = text.splitlines()
    assert lines[0] == "alerts/a.yaml:7:14: error: unexpected ')' [alert HighErrors] (promql/syntax)"
    assert lines[2].index("^") == 4 + 13
    assert "dash/b.py:3: warning:" in text


def test_github_annotations_escape() -> None:
    out = render_github(problems()).splitlines()
    assert out[0] == "::error file=alerts/a.yaml,line=7,col=14,title=promql/syntax::unexpected ')' [alert HighErrors]"
    assert out[1].startswith("::warning file=dash/b.py,line=3,title=dashboard/uid::uid longer than 40, chars")


def test_json_and_errors() -> None:
    text = render_json(problems())
    assert text.startswith('{\n  "schema_version": "1",')  # the one envelope (obskit.envelope), version first
    data = json.loads(text)["problems"]
    assert data[0]["severity"] == "error" and "source_line" not in data[0]
    assert has_errors(problems()) and not has_errors(problems()[1:])


def test_located_message_annotation_escapes_properties_and_newlines() -> None:
    from obskit.cli.lint_output import github_annotation

    line = github_annotation("error", "dash,boards/a b.json:3:7: bad\nthing 100%")
    assert line == "::error file=dash%2Cboards/a b.json,line=3,col=7::bad%0Athing 100%25"
    assert github_annotation("warning", "no location\nhere") == "::warning::no location%0Ahere"
