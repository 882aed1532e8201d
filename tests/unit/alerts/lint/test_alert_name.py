from tests.unit.alerts.lint.case import alert, run


def test_camel_case_passes() -> None:
    assert run("alert/name", alert(name="KubePodCrashLooping")) == []


def test_snake_case_gets_a_suggestion() -> None:
    problems = run("alert/name", alert(name="high_error_rate"))
    assert len(problems) == 1 and "call it 'HighErrorRate'" in problems[0].message
    assert (problems[0].line, problems[0].column) == (4, 16)
