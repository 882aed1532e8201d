from tests.unit.alerts.lint.case import alert, run


def test_allowed_severity_passes() -> None:
    assert run("alert/severity", alert()) == []


def test_unknown_severity_names_the_allowed_set() -> None:
    problems = run("alert/severity", alert().replace("severity: critical", "severity: urgent"))
    assert len(problems) == 1 and "'urgent' is not one of: critical, warning, info" in problems[0].message
    assert problems[0].line == 8


def test_missing_severity_and_configurable_set() -> None:
    assert run("alert/severity", alert().replace("severity: critical", "team: x"))[0].message.startswith(
        "alert has no severity label")
    assert run("alert/severity", alert(), severities=("page", "ticket")) != []
