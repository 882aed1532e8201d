from tests.unit.alerts.lint.case import run

RULE = """\
groups:
  - name: g
    rules:
      - record: {name}
        expr: sum(rate(x[5m]))
"""


def test_level_metric_operations_passes() -> None:
    assert run("record/name", RULE.format(name="job:http_requests:rate5m")) == []
    assert run("record/name", RULE.format(name="sloth_slo_info")) == []  # allow-listed by default


def test_plain_name_is_reported() -> None:
    problems = run("record/name", RULE.format(name="http_requests_rate"))
    assert len(problems) == 1 and "level:metric:operations" in problems[0].message
