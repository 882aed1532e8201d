from tests.unit.alerts.lint.case import alert, run


def test_valid_expression_passes() -> None:
    assert run("promql/syntax", alert("sum(rate(x[5m])) > 0")) == []


def test_syntax_error_carries_prometheus_position_and_message() -> None:
    problems = run("promql/syntax", alert("'sum(rate(x[5m]) > 0'"))
    assert len(problems) == 1
    p = problems[0]
    # Prometheus' parser (promtool): the unclosed parenthesis is found at the end of the input
    assert "PromQL syntax error: 1:20: parse error: unclosed left parenthesis" in p.message
    assert (p.file, p.line) == ("rules.yaml", 5)
    assert p.source_line is not None and p.source_line[p.column - 1:].startswith("'")  # just past the expr


def test_each_failing_rule_gets_its_own_position() -> None:
    text = alert("'rate(x[5m]) >'", name="A") + alert("'foo bar'", name="B").split("    rules:\n", 1)[1]
    problems = {p.context: p for p in run("promql/syntax", text)}
    assert "1:14: parse error: unexpected end of input" in problems["alert A"].message
    assert '1:5: parse error: unexpected identifier "bar"' in problems["alert B"].message
    b = problems["alert B"]
    assert b.source_line is not None and b.source_line[b.column - 1:].startswith("bar")
