from tests.unit.alerts.lint.case import alert, run


def test_valid_names_pass() -> None:
    assert run("rule/label-name", alert()) == []


def test_dash_in_label_name() -> None:
    text = alert().replace("severity: critical", "severity: critical\n          bad-label: x")
    [problem] = run("rule/label-name", text)
    assert "'bad-label' is not a valid label name" in problem.message and "'bad_label'" in problem.message
    assert problem.line == 9


def test_reserved_prefix() -> None:
    text = alert().replace("summary: s", "summary: s\n          __internal: x")
    [problem] = run("rule/label-name", text)
    assert "reserved" in problem.message
