from tests.unit.alerts.lint.case import alert, run


def test_runbook_url_is_a_url() -> None:
    assert run("alert/runbook-url", alert()) == []


def test_missing_or_bad_runbook_url() -> None:
    assert "no runbook_url" in run("alert/runbook-url", alert().replace("runbook_url", "runbook"))[0].message
    bad = run("alert/runbook-url", alert().replace("https://example.com/r", "see-wiki"))
    assert len(bad) == 1 and "'see-wiki' is not an http(s) URL" in bad[0].message and bad[0].line == 12
