from tests.unit.alerts.lint.case import alert, run


def test_alert_with_threshold_passes() -> None:
    assert run("alert/comparison", alert("rate(errors_total[5m]) > 0.1")) == []


def test_absent_and_watchdog_need_no_comparison() -> None:
    assert run("alert/comparison", alert('absent(up{job="api"})')) == []
    assert run("alert/comparison", alert("vector(1)")) == []


def test_alert_without_condition_always_fires() -> None:
    problems = run("alert/comparison", alert("rate(errors_total[5m])"))
    assert len(problems) == 1 and "no condition" in problems[0].message and problems[0].line == 5


def test_or_needs_a_condition_on_both_sides() -> None:
    assert len(run("alert/comparison", alert("up == 0 or rate(errors_total[5m])"))) == 1
    assert run("alert/comparison", alert("up == 0 or rate(errors_total[5m]) > 1")) == []
