from tests.unit.alerts.lint.case import alert, run


def test_for_present_passes() -> None:
    assert run("alert/for", alert()) == []


def test_missing_for_is_reported_unless_disabled() -> None:
    text = alert().replace("        for: 5m\n", "")
    assert len(run("alert/for", text)) == 1
    assert run("alert/for", text, require_for=False) == []
