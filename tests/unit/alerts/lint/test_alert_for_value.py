from obskit.lint import Severity
from tests.unit.alerts.lint.case import alert, run


def test_normal_for_passes() -> None:
    assert run("alert/for-value", alert()) == []


def test_zero_for_is_redundant() -> None:
    [problem] = run("alert/for-value", alert().replace("for: 5m", "for: 0m"))
    assert problem.severity is Severity.warning and "`for: 0m` is the default" in problem.message
    assert problem.line == 6


def test_invalid_for_is_an_error() -> None:
    [problem] = run("alert/for-value", alert().replace("for: 5m", "for: 5 min"))
    assert problem.severity is Severity.error and "not a Prometheus duration" in problem.message
