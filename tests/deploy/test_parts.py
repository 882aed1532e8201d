"""The `deploy` part of `obskit check`, CRD sources from packaged charts, and the endpoint summary."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import helm_python as helm
import pytest
import yaml

from obskit.check import PARTS, CheckOptions
from obskit.deploy import chart, check_part, crds, deployment
from obskit.deploy.preflight import operators_spec
from obskit.deploy.stack import StackOptions, render_stack
from obskit.errors import InputError
from tests.deploy.conftest import charts_dir


def test_check_part_is_registered_and_builds_the_as_code_tree(tmp_path: Path, repo_root: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert ("deploy", "obskit.deploy.check_part:run") in PARTS
    monkeypatch.setenv("OBSKIT_CHARTS_DIR", str(charts_dir() or ""))
    shutil.copytree(repo_root / "dashboards", tmp_path / "dashboards")
    shutil.copytree(repo_root / "alerts", tmp_path / "alerts")
    result = check_part.run(CheckOptions(root=tmp_path))
    assert result.exit_code == 0, (result.problems, result.input_errors)
    assert re.fullmatch(r"2 profiles \(full stack\), \d+ objects rendered, 0 problems", result.summary)
    # the deploy carries a fresh build of the tree: one ConfigMap per dashboard, folder from its directory
    stack = render_stack(StackOptions(profile="dev", tree_root=tmp_path), tmp_path / "work")
    configmaps = [m.body for m in stack.rendering.manifests if m.template.startswith("obskit-stack/templates/")
                  and m.body["kind"] == "ConfigMap" and m.body["metadata"]["labels"].get("grafana_dashboard") == "1"]
    built = sorted((repo_root / "dashboards" / "generated").rglob("*.json"))
    assert len(configmaps) == len(built) > 0
    folders = {cm["metadata"]["annotations"]["k8s-sidecar-target-directory"] for cm in configmaps}
    assert folders == {p.parent.name for p in built}
    rules = [m.body for m in stack.rendering.manifests
             if m.body["kind"] == "PrometheusRule" and m.template.startswith("obskit-stack/templates/")]
    assert rules and len(rules) == len(stack.bundle.rule_files)
    alert_names = {r["alert"] for pr in rules for g in pr["spec"]["groups"] for r in g["rules"] if "alert" in r}
    assert "CheckoutRequestsAvailabilityBudgetBurn" in alert_names or any("Checkout" in n for n in alert_names)


def test_check_part_reports_broken_rules_in_the_tree(tmp_path: Path) -> None:
    (tmp_path / "alerts").mkdir(parents=True)
    (tmp_path / "alerts" / "bad.yaml").write_text("groups: [{rules: []}]\n")
    result = check_part.run(CheckOptions(root=tmp_path))
    assert result.exit_code == 1  # a finding: the alerts part reports the broken file (exit 2) itself
    # said once, not per profile
    assert [p.message for p in result.problems] == ["not rendered: the as-code tree does not build (see the parts "
                                                    "above)"]
    assert result.summary == "skipped: the as-code tree does not build"
    with pytest.raises(InputError, match="bad.yaml"):
        render_stack(StackOptions(profile="dev", tree_root=tmp_path, require_dependencies=False), tmp_path / "work")


def test_without_the_dependency_charts_only_our_templates_are_rendered_and_that_is_said(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBSKIT_CHARTS_DIR", "")
    bare = tmp_path / "obskit-stack"
    shutil.copytree(chart.CHART_DIR, bare, ignore=shutil.ignore_patterns("charts"))
    stack = render_stack(StackOptions(profile="dev", tree_root=tmp_path, chart_dir=bare, require_dependencies=False),
                         tmp_path / "work")
    assert not stack.complete
    assert {chart.chart_of(m.template) for m in stack.rendering.manifests} == {"obskit-stack"}
    assert any("fluentd-0.6.0.tgz" in n and "only obskit's own templates" in n for n in stack.bundle.notes)
    with pytest.raises(InputError, match="the dependency charts are not available"):
        render_stack(StackOptions(profile="dev", tree_root=tmp_path, chart_dir=bare), tmp_path / "work2")


def test_packaged_crds_are_read_from_subchart_crds_dirs(tmp_path: Path) -> None:
    """Phase 1 reads CRDs from a packaged dependency the way Helm loads them (crds/ of each subchart)."""
    sub = tmp_path / "src" / "operator"
    (sub / "crds").mkdir(parents=True)
    (sub / "templates").mkdir()
    (sub / "Chart.yaml").write_text("apiVersion: v2\nname: operator\nversion: 1.2.3\nappVersion: v0.88.0\n")
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets.example.com",
                        "annotations": {"operator.prometheus.io/version": "0.88.0"}},
           "spec": {"group": "example.com", "scope": "Namespaced",
                    "names": {"plural": "widgets", "kind": "Widget"}, "versions": []}}
    (sub / "crds" / "widgets.yaml").write_text(yaml.safe_dump(crd))
    umbrella = tmp_path / "umbrella"
    (umbrella / "charts").mkdir(parents=True)
    (umbrella / "Chart.yaml").write_text("apiVersion: v2\nname: umbrella\nversion: 0.1.0\n")
    helm.package(sub, destination=umbrella / "charts")
    found = crds.packaged_crds(umbrella)
    assert list(found) == ["widgets.example.com"]
    assert found["widgets.example.com"]["metadata"]["annotations"]["operator.prometheus.io/version"] == "0.88.0"


def test_operator_and_crd_pins_are_consistent() -> None:
    spec = operators_spec()
    eck = next(op for op in spec["operators"] if op["name"] == "eck-operator")
    eck_family = next(f for f in spec["crds"] if f["family"] == "eck")
    assert eck["version"] == eck_family["version"] == "3.5.0"
    assert eck["values"] == {"installCRDs": False}
    charts = deployment.operator_charts()
    assert [c["chart"] for c in charts] == ["eck-operator-crds", "eck-operator"]


def test_endpoint_summary_names_where_secrets_live() -> None:
    names = {"prometheus": "p", "alertmanager": "a", "grafana": "g", "elasticsearch": "es", "jaeger": "j"}
    eps = {e.name: e for e in deployment.endpoints(names, "obs", "grafana-admin")}
    assert eps["Grafana"].note == "admin password: Secret obs/grafana-admin, key admin-password"
    assert eps["OTLP gRPC"].address == "j.obs.svc:4317"
    assert eps["OTLP HTTP"].address == "http://j.obs.svc:4318"
    assert eps["Elasticsearch"].note == "user elastic, password: Secret obs/es-es-elastic-user"
