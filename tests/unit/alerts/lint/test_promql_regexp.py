from tests.unit.alerts.lint.case import alert, run


def test_real_regex_passes() -> None:
    assert run("promql/regexp", alert('up{job=~"api|web"} == 0')) == []
    assert run("promql/regexp", alert('up{job=~"api-.*"} == 0')) == []


def test_regex_without_regex_characters() -> None:
    [problem] = run("promql/regexp", alert('up{job=~"api"} == 0'))
    assert 'use job="api"' in problem.message and (problem.line, problem.column) == (5, 18)


def test_negative_regex_suggests_not_equal() -> None:
    [problem] = run("promql/regexp", alert('up{env!~"dev"} == 0'))
    assert 'use env!="dev"' in problem.message
