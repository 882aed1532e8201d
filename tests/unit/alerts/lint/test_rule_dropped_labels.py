from obskit.lint import Severity
from tests.unit.alerts.lint.case import alert, run


def text(expr: str, label: str) -> str:
    return alert(f"'{expr}'").replace("severity: critical", f"severity: critical\n          team: '{label}'")


def test_routing_label_kept() -> None:
    assert run("rule/dropped-labels", text("sum by (team) (rate(x[5m])) > 1", "{{ $labels.team }}")) == []


def test_routing_label_aggregated_away_is_an_error() -> None:
    [problem] = run("rule/dropped-labels", text("sum by (job) (rate(x[5m])) > 1", "{{ $labels.team }}"))
    assert problem.severity is Severity.error and 'team=""' in problem.message and problem.line == 9
