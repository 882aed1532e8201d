from tests.unit.alerts.lint.case import alert, run


def test_summary_and_description_present() -> None:
    assert run("alert/annotations", alert()) == []


def test_missing_description_and_empty_summary() -> None:
    text = alert().replace("description: d", "other: x").replace("summary: s", "summary: ''")
    messages = sorted(p.message for p in run("alert/annotations", text))
    assert len(messages) == 2
    assert "no description" in messages[0] and "no summary" in messages[1]
