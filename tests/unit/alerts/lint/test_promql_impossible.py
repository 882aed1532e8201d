import pytest

from tests.unit.alerts.lint.case import alert, run


@pytest.mark.parametrize("expr", ['up{job="a"} == 0', 'up == 0 and on() absent(node_up)',
                                  "sum(up) > 0 and absent(node_up)", "rate(x[5m]) > 0 and rate(y[5m]) > 0",
                                  "job:errors:rate5m > 0 and sum by (job) (up) > 1"])
def test_possible_expressions_pass(expr: str) -> None:
    assert run("promql/impossible", alert(f"'{expr}'")) == []


def test_same_metric_required_and_absent() -> None:
    problems = run("promql/impossible", alert("'up > 0 and absent(up)'"))
    assert problems and "absent() returns a series only when there is none" in problems[0].message


def test_and_between_raw_selector_and_absent_never_matches() -> None:
    [problem] = run("promql/impossible", alert("'node_load1 > 0 and absent(node_up)'"))
    assert "they never match" in problem.message and "no labels" in problem.message
