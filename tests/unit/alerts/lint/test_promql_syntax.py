from tests.unit.alerts.lint.case import alert, run


def test_valid_expression_passes() -> None:
    assert run("promql/syntax", alert("sum(rate(x[5m])) > 0")) == []


def test_syntax_error_points_at_the_expr_line() -> None:
    problems = run("promql/syntax", alert("'sum(rate(x[5m]) > 0'"))
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.line, p.column) == ("rules.yaml", 5, 16)
    assert "unclosed left parenthesis" in p.message
    assert p.source_line is not None and "sum(rate" in p.source_line
