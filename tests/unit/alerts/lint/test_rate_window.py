from tests.unit.alerts.lint.case import alert, run


def test_two_scrape_intervals_pass() -> None:
    assert run("promql/rate-window", alert("rate(x[2m]) > 0")) == []


def test_short_range_is_an_error_with_its_column() -> None:
    problems = run("promql/rate-window", alert("sum(increase(x[1m])) > 0"), scrape_interval="1m")
    assert len(problems) == 1
    assert "increase() over [1m]" in problems[0].message and "[2m]" in problems[0].message
    assert (problems[0].line, problems[0].column) == (5, 30)


def test_scrape_interval_is_configurable() -> None:
    assert run("promql/rate-window", alert("rate(x[1m]) > 0"), scrape_interval="15s") == []
    assert len(run("promql/rate-window", alert("rate(x[5m]) > 0"), scrape_interval="5m")) == 1
