from tests.unit.alerts.lint.case import alert, run


def test_absent_with_long_for_passes() -> None:
    assert run("alert/absent-for", alert("absent(up{job=\"x\"})")) == []


def test_absent_with_short_for_is_an_error() -> None:
    text = alert("absent(up{job=\"x\"})").replace("for: 5m", "for: 1m")
    problems = run("alert/absent-for", text, scrape_interval="1m")
    assert len(problems) == 1 and "for: 2m" in problems[0].message and problems[0].line == 6


def test_non_absent_alert_is_not_judged() -> None:
    assert run("alert/absent-for", alert().replace("for: 5m", "for: 0s")) == []
