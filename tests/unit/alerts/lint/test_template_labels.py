from tests.unit.alerts.lint.case import alert, run


def text(expr: str, description: str) -> str:
    return alert(f"'{expr}'").replace("description: d", f"description: '{description}'")


def test_label_kept_by_aggregation_passes() -> None:
    assert run("template/dropped-labels", text("sum by (job) (rate(x[5m])) > 1", "{{ $labels.job }}")) == []
    assert run("template/dropped-labels", text("rate(x[5m]) > 1", "{{ $labels.instance }}")) == []


def test_label_aggregated_away() -> None:
    [problem] = run("template/dropped-labels", text("sum by (job) (rate(x[5m])) > 1", "{{ $labels.instance }}"))
    assert "$labels.instance" in problem.message and "has job" in problem.message and problem.line == 11


def test_without_and_absent() -> None:
    assert run("template/dropped-labels", text("sum without (pod) (x) > 1", "{{ $labels.namespace }}")) == []
    assert len(run("template/dropped-labels", text("sum without (pod) (x) > 1", "{{ $labels.pod }}"))) == 1
    assert len(run("template/dropped-labels", text('absent(up{job="a"})', "{{ $labels.instance }}"))) == 1
