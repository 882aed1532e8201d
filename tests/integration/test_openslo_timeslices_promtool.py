"""OpenSLO time slices under real promtool: slices flip at the threshold, the SLI is the share of good slices
(or the mean slice ratio), and burn-rate alerts fire only when bad slices outrun the budget.

Every series is written here (1-minute slices, promtool evaluating every minute). Shares are checked over
the SLO period, which holds every slice of a test, so they are exact in Prometheus 2 (closed ranges) and 3.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from obskit.alerts.promtool import run_test_file

IDS = 'sloth_id="orders-queue-age", sloth_service="orders", sloth_slo="queue-age"'

THRESHOLD_SLO = """\
apiVersion: openslo/v1
kind: SLO
metadata: {name: queue-age}
spec:
  service: orders
  budgetingMethod: Timeslices
  timeWindow: [{duration: 30d, isRolling: true}]
  objectives: [{op: lte, value: 120, target: 0.99, timeSliceWindow: 1m}]
  indicator:
    metadata: {name: oldest-message}
    spec:
      thresholdMetric:
        metricSource: {type: Prometheus, spec: {query: 'max(queue_oldest_age_seconds{queue="orders"})'}}
"""

# one value a minute: good (<= 120) or bad; 120 is good and 121 bad (lte flips exactly at the value)
AGES = [100, 121, 120, 100, 200, 119, 100, 120.5]  # 3 bad slices of 8 -> error share 0.375

THRESHOLD_TEST = """\
rule_files: [queue.slo.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'queue_oldest_age_seconds{{queue="orders"}}'
        values: '{ages}'
    promql_expr_test:
      - {{expr: 'slo:timeslice_good:bool', eval_time: 1m,
         exp_samples: [{{labels: 'slo:timeslice_good:bool{{{ids}}}', value: 0}}]}}
      - {{expr: 'slo:timeslice_good:bool', eval_time: 2m,
         exp_samples: [{{labels: 'slo:timeslice_good:bool{{{ids}}}', value: 1}}]}}
      - {{expr: 'slo:timeslice_good:bool', eval_time: 7m,
         exp_samples: [{{labels: 'slo:timeslice_good:bool{{{ids}}}', value: 0}}]}}
      - {{expr: 'slo:sli_error:ratio_rate30d', eval_time: 7m,
         exp_samples: [{{labels: 'slo:sli_error:ratio_rate30d{{{ids}, sloth_window="30d"}}', value: {share}}}]}}
"""


def _write(tmp_path: Path, slo: str, test: str) -> Path:
    (tmp_path / "queue.slo.yaml").write_text(slo)
    path = tmp_path / "queue.test.yaml"
    path.write_text(test)
    return path


def test_threshold_slices_flip_at_the_value_and_the_sli_is_the_bad_share(tmp_path: Path) -> None:
    test = THRESHOLD_TEST.format(ages=" ".join(str(a) for a in AGES), ids=IDS, share=0.375)
    result = run_test_file(_write(tmp_path, THRESHOLD_SLO, test))
    assert result.passed, result.output


def test_a_wrong_share_fails(tmp_path: Path) -> None:
    """The same test expecting 2 bad slices of 8 must fail: the check can fail."""
    test = THRESHOLD_TEST.format(ages=" ".join(str(a) for a in AGES), ids=IDS, share=0.25)
    result = run_test_file(_write(tmp_path, THRESHOLD_SLO, test))
    assert not result.passed and "3.75E-01" in result.output, result.output


RATIO_SLO = """\
apiVersion: openslo/v1
kind: SLO
metadata: {{name: queue-age}}
spec:
  service: orders
  budgetingMethod: {method}
  timeWindow: [{{duration: 30d, isRolling: true}}]
  objectives: [{{target: 0.99, timeSliceWindow: 1m{extra}}}]
  indicator:
    metadata: {{name: probes}}
    spec:
      ratioMetric:
        counter: false
        good: {{metricSource: {{type: Prometheus, spec: {{query: 'sum(probes_ok{{job="orders"}})'}}}}}}
        total: {{metricSource: {{type: Prometheus, spec: {{query: 'sum(probes_sent{{job="orders"}})'}}}}}}
"""
# four slices of 4 probes each: ratios 1, 0.5, 0.75, 1 (and a slice without probes, which does not count)
RATIO_TEST = """\
rule_files: [queue.slo.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - {{series: 'probes_ok{{job="orders"}}', values: '4 2 3 0 4'}}
      - {{series: 'probes_sent{{job="orders"}}', values: '4 4 4 0 4'}}
    promql_expr_test:
      - {{expr: 'slo:sli_error:ratio_rate30d', eval_time: 4m,
         exp_samples: [{{labels: 'slo:sli_error:ratio_rate30d{{{ids}, sloth_window="30d"}}', value: {error}}}]}}
"""


@pytest.mark.parametrize(("method", "extra", "error"), [
    # Timeslices at 0.75: slices 1 and 0.75 are good, 0.5 is bad -> 1 bad of 4 counted slices
    ("Timeslices", ", timeSliceTarget: 0.75", 0.25),
    # Timeslices above 0.75 (op gt): 0.75 turns bad -> 2 of 4
    ("Timeslices", ", timeSliceTarget: 0.75, op: gt", 0.5),
    # RatioTimeslices: 1 - mean(1, 0.5, 0.75, 1) = 0.1875
    ("RatioTimeslices", "", 0.1875),
])
def test_ratio_slices(tmp_path: Path, method: str, extra: str, error: float) -> None:
    slo = RATIO_SLO.format(method=method, extra=extra)
    result = run_test_file(_write(tmp_path, slo, RATIO_TEST.format(ids=IDS, error=error)))
    assert result.passed, result.output


POLICY_SLO = THRESHOLD_SLO + """\
  alertPolicies:
    - kind: AlertPolicy
      metadata: {name: pager}
      spec:
        conditions:
          - kind: AlertCondition
            metadata: {name: fast-burn}
            spec:
              severity: page
              condition: {kind: burnrate, op: gte, threshold: 10, lookbackWindow: 2h}
"""
# budget 1 %: burn rate 10 over 2h = at least 10 % of the slices bad (the 61 slices of the test, as the
# 2h window holds them all)
def alert_test(ages: list[str], alertname: str, at: str, expected: str) -> str:
    """A promtool test file: one queue-age value a minute, the alert expected at `at`."""
    return f"""\
rule_files: [queue.slo.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'queue_oldest_age_seconds{{queue="orders"}}'
        values: '{" ".join(ages)}'
    alert_rule_test:
      - eval_time: {at}
        alertname: {alertname}
        exp_alerts: {expected}
"""


FIRING = """
          - exp_labels: {openslo_alert_policy: pager, severity: critical, sloth_severity: page, sloth_window: 2h,
                         sloth_id: orders-queue-age, sloth_service: orders, sloth_slo: queue-age}
            exp_annotations:
              title: (page) orders queue-age SLO error budget burn rate is too fast.
              summary: orders queue-age SLO error budget burn rate is over expected.
              description: 'The queue-age SLO (99 % over 30d) of orders is burning its error budget too fast:
                error ratio 19.67%.'"""


@pytest.mark.parametrize(("bad_minutes", "fires"), [
    (3, False),  # 3 of 61 slices: burn rate 4.9, under the threshold
    (12, True),  # 12 of 61: burn rate 19.67
])
def test_burn_alert_fires_only_when_bad_slices_outrun_the_budget(tmp_path: Path, bad_minutes: int,
                                                                  fires: bool) -> None:
    # bad slices last; the series then ends (stale), so no slice is added while the alert is checked and the
    # alert group reads the same shares whether it runs before or after the SLI group
    ages = ["100"] * (61 - bad_minutes) + ["300"] * bad_minutes + ["stale"]
    test = alert_test(ages, "OrdersQueueAgeFastBurn", "64m", FIRING if fires else "[]")
    result = run_test_file(_write(tmp_path, POLICY_SLO, test))
    assert result.passed, result.output


PAGE_AND_TICKET = """
          - exp_labels: {severity: critical, sloth_severity: page,
                         sloth_id: orders-queue-age, sloth_service: orders, sloth_slo: queue-age}
            exp_annotations:
              title: (page) orders queue-age SLO error budget burn rate is too fast.
              summary: orders queue-age SLO error budget burn rate is over expected.
              description: 'The queue-age SLO (99 % over 30d) of orders is burning its error budget too fast:
                error ratio 100%.'
          - exp_labels: {severity: warning, sloth_severity: ticket,
                         sloth_id: orders-queue-age, sloth_service: orders, sloth_slo: queue-age}
            exp_annotations:
              title: (ticket) orders queue-age SLO error budget burn rate is too fast.
              summary: orders queue-age SLO error budget burn rate is over expected.
              description: 'The queue-age SLO (99 % over 30d) of orders is burning its error budget too fast:
                error ratio 24.69%.'"""


@pytest.mark.parametrize(("at", "expected"), [
    ("30m", "[]"),  # all slices good so far
    # the last 20 slices bad: page (5m and 1h shares over 14.4 x 1 %) and ticket (2h share 20 of 81 slices
    # and 1d share over 3 x 1 %) burn rates exceeded
    ("84m", PAGE_AND_TICKET),
])
def test_default_multiwindow_alerts_read_the_bad_slice_share(tmp_path: Path, at: str, expected: str) -> None:
    ages = ["100"] * 61 + ["300"] * 20 + ["stale"]  # ends at 81m: see the burn test above
    test = alert_test(ages, "OrdersQueueAgeErrorBudgetBurn", at, expected)
    result = run_test_file(_write(tmp_path, THRESHOLD_SLO, test))
    assert result.passed, result.output
