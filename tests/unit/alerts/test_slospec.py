"""SLO spec validation: every bad input is an InputError naming file:line and the field."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from obskit.alerts.slo import exact
from obskit.alerts.slodocs import parse_spec
from obskit.alerts.windows import catalog_for
from obskit.alerts.yamlsource import parse_yaml
from obskit.errors import InputError

GOOD = """\
version: prometheus/v1
service: checkout
slos:
  - name: availability
    objective: {objective}
    sli:
      events:
        error_query: {error}
        total_query: {total}
"""
ERR = 'sum(rate(http_requests_total{{code=~"5.."}}[{{{{.window}}}}]))'
TOT = "sum(rate(http_requests_total[{{{{.window}}}}]))"


def spec(objective: str = "99.9", error: str = ERR, total: str = TOT) -> str:
    return GOOD.format(objective=objective, error=f"'{error}'", total=f"'{total}'").replace("{{{{", "{{").replace(
        "}}}}", "}}")


def load(text: str):
    return parse_spec(parse_yaml(text, "slos/checkout.yaml"))


def test_good_spec_keeps_the_objective_exact() -> None:
    slo = load(spec())[0]
    assert slo.objective == Decimal("99.9")
    assert slo.id == "checkout-availability"
    assert "{{.window}}" in slo.error_query


@pytest.mark.parametrize("objective", ["0", "-1", "100", "100.5"])
def test_objective_out_of_range(objective: str) -> None:
    with pytest.raises(InputError, match=r"slos/checkout.yaml:5:\d+: objective .* out of range"):
        load(spec(objective))


def test_error_query_without_window() -> None:
    with pytest.raises(InputError, match=r"slos/checkout.yaml:8:\d+: the error query has no \{\{\.window\}\}"):
        load(spec(error='sum(rate(http_requests_total{code=~"5.."}[5m]))'))


def test_error_query_equal_to_total_query() -> None:
    with pytest.raises(InputError, match="error query equals the total query"):
        load(spec(error=TOT.replace("{{{{", "{{").replace("}}}}", "}}")))


def test_unknown_field_is_named_with_its_line() -> None:
    text = spec().replace("    objective:", "    objectiv: 1\n    objective:")
    with pytest.raises(InputError, match=r"slos/checkout.yaml:5:5: unknown field 'objectiv' in an SLO"):
        load(text)


def test_unknown_top_level_field() -> None:
    with pytest.raises(InputError, match=r":1:1: unknown field 'servce'"):
        load("servce: x\n" + spec())


def test_malformed_yaml_names_file_and_line() -> None:
    with pytest.raises(InputError, match=r"slos/checkout.yaml:2:\d+: invalid YAML: mapping values"):
        parse_yaml("version: prometheus/v1\nservice: x: y\nslos: []\n", "slos/checkout.yaml")


def test_duplicate_key_is_an_error() -> None:
    with pytest.raises(InputError, match=r":2:1: duplicate key 'service'"):
        parse_yaml("service: a\nservice: b\n", "x.yaml")


def test_openslo_target_is_a_ratio() -> None:
    text = """\
apiVersion: openslo/v1
kind: SLO
metadata: {name: avail}
spec:
  service: checkout
  timeWindow: [{duration: 28d, isRolling: true}]
  objectives: [{target: 1.5}]
  indicator:
    spec:
      ratioMetric:
        bad: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(e[{{.window}}]))'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(t[{{.window}}]))'}}}
"""
    with pytest.raises(InputError, match=r":7:\d+: objective 1.5 \(= 150 %\) is out of range"):
        load(text)
    slo = load(text.replace("target: 1.5", "target: 0.999"))[0]
    assert (slo.objective, slo.period, slo.spec) == (Decimal("99.9"), "28d", "openslo/v1")


def test_openslo_unknown_field() -> None:
    text = "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  servic: x\n"
    with pytest.raises(InputError, match=r":5:3: unknown field 'servic' in spec"):
        load(text)


def test_latency_threshold_must_be_a_number() -> None:
    text = spec().replace("      events:\n", "      latency: {metric: h_seconds, threshold: fast}\n      x:\n")
    text = "\n".join(line for line in text.splitlines() if "_query" not in line and line.strip() != "x:")
    with pytest.raises(InputError, match="threshold must be a number"):
        load(text)


def test_burn_rate_factors_30d_and_28d() -> None:
    c30, c28 = catalog_for("30d"), catalog_for("28d")
    assert [w.factor for w in c30.windows] == [Fraction("14.4"), 6, 3, 1]
    assert [w.factor for w in c28.windows] == [Fraction("13.44"), Fraction("5.6"), Fraction("2.8"), Fraction(14, 15)]
    assert c30.durations() == ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]


def test_burn_rate_factors_14d_and_7d() -> None:
    c14, c7 = catalog_for("2w"), catalog_for("7d")
    assert [w.factor for w in c14.windows] == [Fraction("6.72"), Fraction("2.8"), Fraction("1.4"), Fraction(14, 15)]
    assert [w.factor for w in c7.windows] == [Fraction("8.4"), Fraction("2.8"), Fraction("1.4"), Fraction(14, 15)]


def test_missing_catalogue_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no burn-rate window catalogue for a 90d SLO period"):
        catalog_for("90d")


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("1") - Decimal("99.9") / 100, "0.001"),
    (Fraction("14.4"), "14.4"),
    (Fraction(14, 15), "(14 / 15)"),
    (Decimal("30"), "30"),
    (Decimal("99.90"), "99.9"),
])
def test_exact_numbers(value: Decimal | Fraction, text: str) -> None:
    assert exact(value) == text


def test_project_catalogue_replaces_the_builtin_one(tmp_path) -> None:
    (tmp_path / "strict-30d.yaml").write_text(
        "kind: BurnRateWindows\nname: strict-30d\nperiod: 30d\n"
        "page:\n  quick: {error_budget_percent: 1, long: 1h, short: 5m}\n"
        "  slow: {error_budget_percent: 5, long: 6h, short: 30m}\n"
        "ticket:\n  quick: {error_budget_percent: 10, long: 1d, short: 2h}\n"
        "  slow: {error_budget_percent: 10, long: 3d, short: 6h}\n")
    catalog = catalog_for("30d", [tmp_path])
    assert catalog.name == "strict-30d" and catalog.window("page", "quick").factor == Fraction("7.2")


def test_bad_catalogue_names_file_and_field(tmp_path) -> None:
    (tmp_path / "bad.yaml").write_text("kind: BurnRateWindows\nperiod: 30d\npage: {}\nticket: {}\n")
    with pytest.raises(InputError, match=r"bad.yaml:3:7: page.quick needs error_budget_percent, long and short"):
        catalog_for("30d", [tmp_path])


OPENSLO_STREAM = """\
apiVersion: openslo/v1
kind: Service
metadata: {name: checkout}
spec: {description: the shop's checkout}
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: avail}
spec:
  service: checkout
  timeWindow: [{duration: 30d, isRolling: true}]
  objectives: [{targetPercent: 99.5}]
  indicator:
    spec:
      ratioMetric:
        bad: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(e[{{.window}}]))'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(t[{{.window}}]))'}}}
"""


def test_openslo_multi_document_file(tmp_path) -> None:
    from obskit.alerts.rulefiles import load_source

    path = tmp_path / "checkout.openslo.yaml"
    path.write_text(OPENSLO_STREAM)
    ruleset = load_source(path)
    assert ruleset is not None and ruleset.kind == "slo"
    assert [g.name for g in ruleset.groups][0] == "sloth-slo-sli-recordings-checkout-avail"
    path.write_text(OPENSLO_STREAM + "---\napiVersion: openslo/v1\nkind: AlertDraft\nmetadata: {name: x}\n")
    with pytest.raises(InputError, match=r"checkout.openslo.yaml:20:7: OpenSLO kind 'AlertDraft' is not supported"):
        load_source(path)
    # an unreferenced AlertPolicy, a plain rule group and a trailing `---` sit beside the SLO
    path.write_text(OPENSLO_STREAM + "---\napiVersion: openslo/v1\nkind: AlertPolicy\nmetadata: {name: x}\n"
                    "---\ngroups: [{name: extra, rules: [{record: 'a:b:c', expr: up}]}]\n---\n")
    ruleset = load_source(path)
    assert ruleset is not None and ruleset.groups[-1].name == "extra"
    assert ruleset.groups[-1].rules[0].key == (3, "groups", 0, "rules", 0)
