from tests.unit.alerts.lint.case import run

RECORDS = """\
groups:
  - name: a
    rules:
      - record: job:x:rate5m
        expr: sum by (job) (rate(x[5m]))
  - name: b
    rules:
      - record: job:x:rate5m
        expr: sum by (job) (rate(x[5m]))
{extra}"""


def test_same_series_twice_is_an_error_pointing_at_the_first() -> None:
    problems = run("rule/duplicate", RECORDS.format(extra=""))
    assert len(problems) == 1 and "first defined at rules.yaml:4" in problems[0].message
    assert problems[0].line == 8


def test_different_labels_are_not_duplicates() -> None:
    text = RECORDS.format(extra="        labels: {env: prod}\n")
    assert run("rule/duplicate", text) == []
