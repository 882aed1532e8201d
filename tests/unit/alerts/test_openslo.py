"""OpenSLO v1: references across files, alert policies, several objectives, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from obskit.alerts.rulefiles import load_all
from obskit.errors import InputError

SLO = """\
apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout}
spec:
  service: shop
  budgetingMethod: Occurrences
  timeWindow: [{duration: 30d, isRolling: true}]
  objectives: [{targetPercent: 99.5}]
  indicatorRef: shop-errors
"""
SLI = """\
apiVersion: openslo/v1
kind: SLI
metadata: {name: shop-errors}
spec:
  ratioMetric:
    counter: true
    bad: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(errors_total[{{.window}}]))'}}}
    total: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(requests_total[{{.window}}]))'}}}
"""
POLICY = """\
apiVersion: openslo/v1
kind: AlertPolicy
metadata: {name: pager}
spec:
  alertWhenBreaching: true
  conditions: [{conditionRef: burn}]
  notificationTargets: [{targetRef: oncall}]
---
apiVersion: openslo/v1
kind: AlertCondition
metadata: {name: burn}
spec:
  severity: page
  condition: {kind: burnrate, op: gte, threshold: 10, lookbackWindow: 2h, alertAfter: 10m}
"""


def tree(tmp_path: Path, **files: str) -> list:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return load_all([tmp_path])


def rules(rulesets: list) -> dict:
    return {(r.name, r.labels.get("sloth_window")): r for rs in rulesets for _, r in rs.rules()}


def test_indicator_ref_resolves_in_another_file(tmp_path: Path) -> None:
    found = rules(tree(tmp_path, **{"slo.yaml": SLO, "sli.yaml": SLI}))
    assert found[("slo:sli_error:ratio_rate5m", "5m")].expr.startswith("(sum(rate(errors_total[5m])))")


def test_alert_policy_by_reference_becomes_the_alert(tmp_path: Path) -> None:
    slo = SLO + "  alertPolicies: [{alertPolicyRef: pager}]\n"
    found = rules(tree(tmp_path, **{"slo.yaml": slo, "sli.yaml": SLI, "policy.yaml": POLICY}))
    alert = found[("ShopCheckoutBurn", None)]
    assert alert.expr.startswith('slo:sli_error:ratio_rate2h{sloth_id="shop-checkout"')
    assert ">= (10 * 0.005)" in alert.expr and alert.for_ == "10m"
    assert alert.labels["severity"] == "critical" and alert.labels["sloth_severity"] == "page"
    assert alert.labels["notification_target"] == "oncall"
    assert ("slo:sli_error:ratio_rate2h", "2h") in found  # the lookback window gets its SLI recording
    assert ("ShopCheckoutErrorBudgetBurn", None) not in found  # the policy replaces the default alerts


def test_several_objectives_become_several_slos(tmp_path: Path) -> None:
    slo = SLO.replace("objectives: [{targetPercent: 99.5}]",
                      "objectives: [{displayName: Strict, target: 0.999}, {displayName: Loose, target: 0.99}]")
    objectives = {r.labels["sloth_id"]: r.expr for rs in tree(tmp_path, **{"slo.yaml": slo, "sli.yaml": SLI})
                  for _, r in rs.rules() if r.name == "slo:objective:ratio"}
    assert objectives == {"shop-checkout-strict": "vector(0.999)", "shop-checkout-loose": "vector(0.99)"}


@pytest.mark.parametrize(("change", "message"), [
    (("indicatorRef: shop-errors", "indicatorRef: other"), r"slo.yaml:9:17: no OpenSLO SLI named 'other'"
                                                           r" in the files checked \(known: shop-errors\)"),
    (("Occurrences", "Hourly"), r"slo.yaml:6:20: budgetingMethod 'Hourly': expected one of Occurrences, "
                                r"Timeslices, RatioTimeslices"),
    (("objectives: [{targetPercent: 99.5}]", "objectives: [{targetPercent: 99.5, compositeWeight: 1}]"),
     r"objectives\[\].compositeWeight is not supported"),
    (("apiVersion: openslo/v1\n", "apiVersion: openslo/v1alpha\n"), r"apiVersion 'openslo/v1alpha' is not supported"),
])
def test_refused_with_the_field(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        tree(tmp_path, **{"slo.yaml": SLO.replace(*change), "sli.yaml": SLI})


def test_alert_when_no_data_is_refused(tmp_path: Path) -> None:
    slo = SLO + "  alertPolicies: [{alertPolicyRef: pager}]\n"
    policy = POLICY.replace("alertWhenBreaching: true", "alertWhenNoData: true")
    with pytest.raises(InputError, match=r"policy.yaml:5:3: alertWhenNoData: true is not supported"):
        tree(tmp_path, **{"slo.yaml": slo, "sli.yaml": SLI, "policy.yaml": policy})


def test_two_objects_of_one_kind_and_name_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"a second OpenSLO SLI named 'shop-errors'"):
        tree(tmp_path, **{"slo.yaml": SLO, "sli.yaml": SLI, "sli2.yaml": SLI})


@pytest.mark.parametrize(("text", "message"), [
    ("groups: [{name: g, rules: true}]\n", r"r.yaml:1:\d+: rules must be a list of rules"),
    ("groups: [{name: g, rules: [{alert: A, expr: up, labels: true}]}]\n", r"labels must be a mapping"),
    (SLO + "  alertPolicies: 3\n", r"alertPolicies must be a list"),
])
def test_wrong_shapes_are_input_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        tree(tmp_path, **{"r.yaml": text, "sli.yaml": SLI})
