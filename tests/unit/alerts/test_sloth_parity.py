"""Sloth parity: AlertWindows catalogues, the default SLO period, raw SLIs, Kubernetes objects, plugins."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from obskit.alerts.rulefiles import load_all, windows_dirs
from obskit.alerts.windows import catalog_for
from obskit.errors import InputError

SLOTH_7D = """\
apiVersion: sloth.slok.dev/v1
kind: AlertWindows
spec:
  sloPeriod: 7d
  page:
    quick: {errorBudgetPercent: 7, shortWindow: 5m, longWindow: 1h}
    slow: {errorBudgetPercent: 14, shortWindow: 30m, longWindow: 6h}
  ticket:
    quick: {errorBudgetPercent: 28, shortWindow: 2h, longWindow: 1d}
    slow: {errorBudgetPercent: 45, shortWindow: 6h, longWindow: 3d}
"""
SPEC = """\
version: prometheus/v1
service: api
slos:
  - name: requests
    objective: 99.5
    sli:
      events:
        error_query: sum(rate(api_errors_total[{{.window}}]))
        total_query: sum(rate(api_requests_total[{{.window}}]))
    alerting:
      name: ApiRequests
"""


def tree(tmp_path: Path, spec: str = SPEC) -> Path:
    root = tmp_path / "alerts"
    (root / "windows").mkdir(parents=True)
    (root / "windows" / "sloth-7d.yaml").write_text(SLOTH_7D)
    (root / "api.yaml").write_text(spec)
    return root


def test_sloth_alert_windows_catalogue_is_read_directly(tmp_path: Path) -> None:
    root = tree(tmp_path)
    catalog = catalog_for("7d", windows_dirs([root]))
    assert catalog.period == "7d"
    # 7 % of a 7-day budget in 1 h: 0.07 * 168 = 11.76; 45 % over 3 days: 0.45 * 7 / 3 = 1.05
    assert catalog.window("page", "quick").factor == Fraction("11.76")
    assert catalog.window("ticket", "slow").factor == Fraction("1.05")


def test_default_period_picks_the_catalogue(tmp_path: Path) -> None:
    root = tree(tmp_path)
    [ruleset] = load_all([root], windows_dirs([root]), default_period="7d")
    exprs = {r.name: r.expr for _, r in ruleset.rules()}
    assert exprs["slo:time_period:days"] == "vector(7)"
    alerts = [r.expr for _, r in ruleset.rules() if r.name == "ApiRequests"]
    assert "(11.76 * 0.005)" in alerts[0] and "(1.05 * 0.005)" in alerts[1]
    [default] = load_all([root], windows_dirs([root]))
    assert {r.name: r.expr for _, r in default.rules()}["slo:time_period:days"] == "vector(30)"


def test_unknown_default_period_names_the_catalogues(tmp_path: Path) -> None:
    root = tree(tmp_path)
    with pytest.raises(InputError, match="no burn-rate window catalogue for a 21d SLO period"):
        load_all([root], windows_dirs([root]), default_period="21d")


def test_sloth_catalogue_with_obskit_field_names_is_refused(tmp_path: Path) -> None:
    root = tree(tmp_path)
    (root / "windows" / "sloth-7d.yaml").write_text(SLOTH_7D.replace("shortWindow", "short"))
    with pytest.raises(InputError, match=r"sloth-7d.yaml:6:12: page.quick needs errorBudgetPercent, longWindow"):
        catalog_for("7d", windows_dirs([root]))


def test_k8s_object_uses_camel_case_names(tmp_path: Path) -> None:
    spec = """\
apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata: {name: api}
spec:
  service: api
  slos:
    - name: requests
      objective: 99
      sli:
        events:
          error_query: sum(rate(e[{{.window}}]))
          total_query: sum(rate(t[{{.window}}]))
"""
    root = tree(tmp_path, spec)
    with pytest.raises(InputError, match=r"api.yaml:11:11: unknown field 'error_query' in sli.events "
                                         r"\(expected one of: errorQuery, totalQuery\)"):
        load_all([root], windows_dirs([root]))


def test_raw_sli_is_the_error_ratio(tmp_path: Path) -> None:
    spec = SPEC.replace("""      events:
        error_query: sum(rate(api_errors_total[{{.window}}]))
        total_query: sum(rate(api_requests_total[{{.window}}]))""", """      raw:
        error_ratio_query: 1 - avg_over_time(api_ok_ratio[{{.window}}])""")
    root = tree(tmp_path, spec)
    [ruleset] = load_all([root], windows_dirs([root]))
    records = {r.name: r.expr for _, r in ruleset.rules()}
    assert records["slo:sli_error:ratio_rate5m"] == "(1 - avg_over_time(api_ok_ratio[5m]))\n"


@pytest.mark.parametrize(("field", "message"), [
    ("slo_plugins: {chain: [{id: sloth.dev/contrib/x/v1}]}\n", r"api.yaml:3:24: slo_plugins plugin "
     r"'sloth.dev/contrib/x/v1' is not supported by obskit"),
    ("slo_plugins: {overridePrevious: true, chain: [{id: sloth.dev/core/sli_rules/v1}]}\n",
     r"api.yaml:3:15: slo_plugins.overridePrevious without sloth.dev/core/metadata_rules/v1, "
     r"sloth.dev/core/alert_rules/v1 is not supported"),
    ("slo_plugins: {chain: [{id: sloth.dev/core/debug/v1, colour: red}]}\n", r"unknown field 'colour'"),
])
def test_plugins_refused_naming_the_field(tmp_path: Path, field: str, message: str) -> None:
    root = tree(tmp_path, SPEC.replace("slos:\n", field + "slos:\n"))
    with pytest.raises(InputError, match=message):
        load_all([root], windows_dirs([root]))


def test_builtin_plugins_and_alert_for_are_accepted(tmp_path: Path) -> None:
    spec = SPEC.replace("slos:\n", "slo_plugins: {chain: [{id: sloth.dev/contrib/alert_for/v1}]}\nslos:\n")
    spec = spec.replace("      name: ApiRequests\n", "      name: ApiRequests\n      page_alert: {for: 3m}\n")
    root = tree(tmp_path, spec)
    [ruleset] = load_all([root], windows_dirs([root]))
    waits = [r.for_ for _, r in ruleset.rules() if r.name == "ApiRequests"]
    assert waits == ["3m", None]


def test_label_scalars_print_as_yaml_wrote_them(tmp_path: Path) -> None:
    root = tree(tmp_path, SPEC.replace("slos:\n", "labels: {generated: true, tier: 2.5}\nslos:\n"))
    [ruleset] = load_all([root], windows_dirs([root]))
    labels = ruleset.groups[0].rules[0].labels
    assert labels["generated"] == "true" and labels["tier"] == "2.5"


def test_empty_plugins_are_accepted(tmp_path: Path) -> None:
    root = tree(tmp_path, SPEC.replace("slos:\n", "slo_plugins: {}\nslos:\n"))
    assert load_all([root], windows_dirs([root]))


def test_deploy_builds_rules_with_the_configured_period(tmp_path: Path) -> None:
    from obskit.deploy.bundle import build_rules

    root = tree(tmp_path)
    out = build_rules(root, tmp_path / "built", "7d")
    [text] = [p.read_text() for p in out.glob("*.yaml")]
    assert "vector(7)" in text and "(11.76 * 0.005)" in text
