"""OpenSLO Timeslices, RatioTimeslices, thresholdMetric and calendar windows: the rules written, and the
errors (file:line:column, the field named) for what the spec does not allow."""

from __future__ import annotations

from pathlib import Path

import pytest

from obskit.alerts.rulefiles import load_all
from obskit.errors import InputError

SLO = """\
apiVersion: openslo/v1
kind: SLO
metadata: {name: lookups}
spec:
  service: catalogue
  budgetingMethod: Timeslices
  timeWindow: [{duration: 28d, isRolling: true}]
  objectives: [{target: 0.99, timeSliceTarget: 0.95, timeSliceWindow: 1m}]
  indicator:
    metadata: {name: lookup-errors}
    spec:
      ratioMetric:
        counter: true
        bad: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(lookup_failures_total[{{.window}}]))'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(lookups_total[{{.window}}]))'}}}
"""
THRESHOLD = """\
  indicator:
    metadata: {name: lookup-p99}
    spec:
      thresholdMetric:
        metricSource: {type: Prometheus, spec: {query: 'max(lookup_p99_seconds)'}}
"""


def load(tmp_path: Path, text: str) -> tuple[dict, list]:
    (tmp_path / "slo.yaml").write_text(text)
    rulesets = load_all([tmp_path])
    found = {(r.name, r.labels.get("sloth_window")): r for rs in rulesets for _, r in rs.rules()}
    return found, [g for rs in rulesets for g in rs.groups]


def threshold(slo: str) -> str:
    return slo[:slo.index("  indicator:")] + THRESHOLD


def test_ratio_slices_are_recorded_once_per_slice_and_compared_with_the_slice_target(tmp_path: Path) -> None:
    found, groups = load(tmp_path, SLO)
    sli = next(g for g in groups if g.name.startswith("sloth-slo-sli-recordings-"))
    assert sli.interval == "1m" and [r.name for r in sli.rules][:2] == ["slo:timeslice_sli:value",
                                                                         "slo:timeslice_good:bool"]
    value = found[("slo:timeslice_sli:value", None)].expr
    assert "sum(rate(lookup_failures_total[1m]))" in value and "((sum(rate(lookups_total[1m]))) > 0)" in value
    assert found[("slo:timeslice_good:bool", None)].expr.endswith(" >= bool 0.95")
    assert found[("slo:sli_error:ratio_rate1h", "1h")].expr.startswith("1 - avg_over_time(slo:timeslice_good:bool{")
    assert found[("slo:sli_error:ratio_rate28d", "28d")].expr.rstrip().endswith("[28d])")
    info = found[("sloth_slo_info", None)]
    assert info.labels["openslo_budgeting_method"] == "Timeslices" and info.labels["sloth_period"] == "28d"


def test_op_on_a_ratio_objective_compares_the_slice_ratio(tmp_path: Path) -> None:
    found, _ = load(tmp_path, SLO.replace("timeSliceTarget: 0.95", "timeSliceTarget: 0.95, op: gt"))
    assert found[("slo:timeslice_good:bool", None)].expr.endswith(" > bool 0.95")


def test_ratio_timeslices_average_the_slice_ratios(tmp_path: Path) -> None:
    text = SLO.replace("Timeslices", "RatioTimeslices").replace("timeSliceTarget: 0.95, ", "op: gt, ")
    found, _ = load(tmp_path, text)
    assert ("slo:timeslice_good:bool", None) not in found
    assert found[("slo:sli_error:ratio_rate5m", "5m")].expr.startswith("1 - avg_over_time(slo:timeslice_sli:value{")


def test_threshold_slices_compare_the_value_with_op_and_value(tmp_path: Path) -> None:
    text = threshold(SLO.replace("timeSliceTarget: 0.95, timeSliceWindow: 1m", "op: lte, value: 0.25, "
                                 "timeSliceWindow: 10"))
    found, groups = load(tmp_path, text)
    assert found[("slo:timeslice_sli:value", None)].expr == "max(lookup_p99_seconds)\n"
    assert found[("slo:timeslice_good:bool", None)].expr.endswith(" <= bool 0.25")
    assert next(g for g in groups if g.name.startswith("sloth-slo-sli")).interval == "10m"  # a bare number: minutes
    # windows shorter than a slice read the latest slice
    assert found[("slo:sli_error:ratio_rate5m", "5m")].expr.rstrip().endswith("[10m])")
    assert found[("slo:sli_error:ratio_rate30m", "30m")].expr.rstrip().endswith("[30m])")


def test_threshold_occurrences_are_one_a_minute(tmp_path: Path) -> None:
    text = threshold(SLO.replace("Timeslices", "Occurrences").replace(
        "timeSliceTarget: 0.95, timeSliceWindow: 1m", "op: gt, value: 10"))
    found, groups = load(tmp_path, text)
    assert found[("slo:timeslice_good:bool", None)].expr.endswith(" > bool 10")
    assert next(g for g in groups if g.name.startswith("sloth-slo-sli")).interval == "1m"


def test_an_occurrences_ratio_slo_keeps_the_event_rules(tmp_path: Path) -> None:
    text = SLO.replace("Timeslices", "Occurrences").replace("timeSliceTarget: 0.95, timeSliceWindow: 1m, ", "")
    found, _ = load(tmp_path, text.replace(", timeSliceTarget: 0.95, timeSliceWindow: 1m", ""))
    assert ("slo:timeslice_sli:value", None) not in found
    assert found[("slo:sli_error:ratio_rate5m", "5m")].expr.startswith("(sum(rate(lookup_failures_total[5m])))")
    assert "openslo_budgeting_method" not in found[("sloth_slo_info", None)].labels


@pytest.mark.parametrize(("duration", "calendar", "period"), [
    ("1M", "{startTime: 2025-01-01 00:00:00, timeZone: Europe/Berlin}", "30d"),
    ("1w", "{startTime: '2025-03-03 06:00:00', timeZone: America/Chicago}", "7d"),
])
def test_calendar_windows_are_approximated_by_rolling_ones(tmp_path: Path, duration: str, calendar: str,
                                                           period: str) -> None:
    text = SLO.replace("{duration: 28d, isRolling: true}", f"{{duration: {duration}, isRolling: false, "
                       f"calendar: {calendar}}}")
    found, _ = load(tmp_path, text)
    info = found[("sloth_slo_info", None)].labels
    assert info["sloth_period"] == period
    assert info["openslo_calendar"].startswith(f"{duration} from 2025-0")
    assert info["openslo_calendar"].endswith(f"approximated by a rolling {period}")
    assert (f"slo:sli_error:ratio_rate{period}", period) in found


def test_several_objectives_get_alerts_of_their_own(tmp_path: Path) -> None:
    text = SLO.replace("objectives: [{target: 0.99, timeSliceTarget: 0.95, timeSliceWindow: 1m}]",
                       "objectives: [{displayName: Internal, target: 0.995, timeSliceTarget: 0.99, "
                       "timeSliceWindow: 1m}, {displayName: Contract, target: 0.99, timeSliceTarget: 0.9, "
                       "timeSliceWindow: 5m}]")
    (tmp_path / "slo.yaml").write_text(text)
    alerts = [r for rs in load_all([tmp_path]) for r in rs.alerts()]
    assert {(a.labels["openslo_objective"], a.labels["sloth_severity"]) for a in alerts} == {
        ("internal", "page"), ("internal", "ticket"), ("contract", "page"), ("contract", "ticket")}


@pytest.mark.parametrize(("change", "message"), [
    (("timeSliceTarget: 0.95, ", ""),
     r"slo.yaml:8:16: budgetingMethod Timeslices needs timeSliceTarget on each objective"),
    ((", timeSliceWindow: 1m", ""), r"slo.yaml:8:16: budgetingMethod Timeslices needs timeSliceWindow"),
    (("timeSliceTarget: 0.95", "timeSliceTarget: 1.5"), r"slo.yaml:8:48: timeSliceTarget 1.5 is out of range"),
    (("timeSliceWindow: 1m", "timeSliceWindow: 1M"), r"slo.yaml:8:71: timeSliceWindow: '1M' is not a valid"),
    (("timeSliceTarget: 0.95", "timeSliceTarget: 0.95, op: equal"), r"slo.yaml:8:58: op 'equal': expected one "
                                                                     r"of gt, gte, lt, lte"),
    (("budgetingMethod: Timeslices", "budgetingMethod: RatioTimeslices"),
     r"slo.yaml:8:48: timeSliceTarget is used by budgetingMethod Timeslices only"),
    (("budgetingMethod: Timeslices", "budgetingMethod: Occurrences"),
     r"slo.yaml:8:48: timeSliceTarget is used by budgetingMethod Timeslices or RatioTimeslices"),
    (("{duration: 28d, isRolling: true}", "{duration: 1M, isRolling: true}"),
     r"slo.yaml:7:27: timeWindow\[0\].duration: '1M' is not a duration such as 28d or 4w \(1M, 1Q and 1Y are "
     r"calendar windows\)"),
    (("{duration: 28d, isRolling: true}", "{duration: 1M, isRolling: false}"),
     r"slo.yaml:7:16: a calendar-aligned timeWindow needs calendar.startTime and calendar.timeZone"),
    (("{duration: 28d, isRolling: true}", "{duration: 1M, calendar: {timeZone: UTC}}"),
     r"slo.yaml:7:41: a calendar-aligned timeWindow needs calendar.startTime"),
    (("{duration: 28d, isRolling: true}", "{duration: 28d, isRolling: true, calendar: {timeZone: UTC}}"),
     r"slo.yaml:7:59: a rolling window \(isRolling: true\) has no calendar"),
    (("{duration: 28d, isRolling: true}", "{duration: 1M, calendar: {startTime: soon, timeZone: UTC}}"),
     r"slo.yaml:7:53: calendar.startTime 'soon': expected a date and time"),
])
def test_invalid_fields_are_named(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    assert change[0] in SLO
    with pytest.raises(InputError, match=message):
        load(tmp_path, SLO.replace(*change))


def test_threshold_objectives_need_op_and_value(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"slo.yaml:8:16: an objective of a thresholdMetric needs op and value"):
        load(tmp_path, threshold(SLO.replace("timeSliceTarget: 0.95, ", "op: lte, ")))


def test_an_indicator_has_one_metric(tmp_path: Path) -> None:
    both = SLO.replace("      ratioMetric:\n", "      thresholdMetric: {metricSource: {type: Prometheus, "
                       "spec: {query: up}}}\n      ratioMetric:\n")
    with pytest.raises(InputError, match=r"slo.yaml:12:7: an indicator needs exactly one of ratioMetric or "
                                         r"thresholdMetric"):
        load(tmp_path, both)


def test_slice_queries_need_no_window_but_event_queries_do(tmp_path: Path) -> None:
    gauges = SLO.replace("sum(rate(lookup_failures_total[{{.window}}]))", "sum(lookups_failing)").replace(
        "sum(rate(lookups_total[{{.window}}]))", "sum(lookups_running)")
    found, _ = load(tmp_path, gauges)
    assert "(sum(lookups_failing))" in found[("slo:timeslice_sli:value", None)].expr
    occurrences = gauges.replace("Timeslices", "Occurrences").replace(", timeSliceTarget: 0.95, "
                                                                      "timeSliceWindow: 1m", "")
    with pytest.raises(InputError, match=r"has no \{\{.window\}\} placeholder"):
        load(tmp_path, occurrences)
