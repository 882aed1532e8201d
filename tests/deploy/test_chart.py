"""The umbrella chart through the real Helm v4 SDK: lint, Chart.lock, schema, render, golden output."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import helm_python as helm
import pytest
import yaml

from obskit.deploy import chart, summary
from obskit.deploy.profiles import load_profile, profile_names
from obskit.deploy.stack import render_stack
from obskit.errors import InputError
from tests.deploy.conftest import sample_options

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "deploy"


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_helm_lint_reports_no_errors(profile: str) -> None:
    messages = chart.lint(load_profile(profile).values, kube_version="v1.30.0")
    errors = [m for m in messages if m.severity == "error"]
    assert errors == []
    # The one expected warning: upstream charts are fetched at deploy time, not vendored.
    warnings = [m.message for m in messages if m.severity == "warning"]
    assert warnings == ["chart directory is missing these dependencies: "
                        "kube-prometheus-stack,fluentd,jaeger,prometheus-elasticsearch-exporter,eck-elasticsearch,eck-kibana"]


def test_helm_lint_catches_a_broken_template(tmp_path: Path) -> None:
    broken = tmp_path / "obskit-stack"
    shutil.copytree(chart.CHART_DIR, broken)
    (broken / "templates" / "broken.yaml").write_text("{{ .Values.obskit.nope.deeper }}\n")
    messages = chart.lint({}, chart_dir=broken)
    assert any(m.severity == "error" and "broken.yaml" in m.message for m in messages)


def test_chart_lock_is_in_sync_with_chart_yaml(tmp_path: Path) -> None:
    """Helm's own digest check (dependency build) accepts the hand-written lock; it then stops only
    because these machines cannot fetch the repository index."""
    work = tmp_path / "obskit-stack"
    shutil.copytree(chart.CHART_DIR, work)
    with pytest.raises(helm.HelmRepoError) as accepted:
        helm.dependency_build(work, skip_refresh=True)
    assert "out of sync" not in str(accepted.value)
    lock = yaml.safe_load((work / "Chart.lock").read_text())
    lock["dependencies"][0]["version"] = "0.0.1"
    (work / "Chart.lock").write_text(yaml.safe_dump(lock))
    with pytest.raises(helm.HelmRepoError, match="out of sync"):
        helm.dependency_build(work, skip_refresh=True)


def test_dependencies_are_exactly_pinned_behind_conditions() -> None:
    deps = chart.dependencies()
    assert [d.name for d in deps] == ["kube-prometheus-stack", "fluentd", "jaeger",
                                    "prometheus-elasticsearch-exporter", "eck-elasticsearch", "eck-kibana"]
    for dep in deps:
        assert all(ch.isdigit() or ch == "." for ch in dep.version), dep  # no ranges, no ^ or ~
        assert dep.condition == f"{dep.name}.enabled"
        assert dep.repository.startswith("https://")
        assert not dep.present  # never vendored into the repository


def test_schema_error_names_the_key_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("obskit:\n  fluentd:\n    buffer:\n      overflowAction: explode\n")
    with pytest.raises(InputError, match=r"obskit\.fluentd\.buffer\.overflowAction: value must be one of"):
        render_stack(sample_options("dev", values_files=[bad]), tmp_path / "w")


def test_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown profile 'staging'; known profiles: dev, prod"):
        render_stack(sample_options("staging"), tmp_path)
    assert profile_names() == ["dev", "prod"]


def test_values_file_with_bad_yaml_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "v.yaml"
    bad.write_text("obskit:\n  names: [unclosed\n")
    with pytest.raises(InputError, match=r"v\.yaml:\d+(:\d+)?: (not valid|invalid) YAML"):
        render_stack(sample_options("dev", values_files=[bad]), tmp_path / "w")


def test_values_files_override_the_profile(tmp_path: Path) -> None:
    override = tmp_path / "v.yaml"
    override.write_text("obskit:\n  dashboards:\n    folder: payments\n")
    stack = render_stack(sample_options("dev", values_files=[override]), tmp_path / "w", validate=False)
    folders = {m.body["metadata"]["annotations"]["k8s-sidecar-target-directory"]
               for m in stack.rendering.manifests if m.name.startswith("obskit-dashboard")}
    assert folders == {"payments"}


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_rendered_output_matches_golden(profile: str, rendered) -> None:  # type: ignore[no-untyped-def]
    """Our own templates in full; the whole stack as a digest per object plus the wiring summary, so a
    pin change shows as a reviewable diff (UPDATE_GOLDEN=1 rewrites both after a reviewed change)."""
    stack = rendered(profile)
    ours = chart.dump([m for m in stack.rendering.manifests if chart.chart_of(m.template) == "obskit-stack"])
    whole = summary.dump(summary.summarise(stack.rendering, "observability"))
    for golden, text in ((GOLDEN / f"{profile}.yaml", ours), (GOLDEN / f"{profile}.summary.yaml", whole)):
        if os.environ.get("UPDATE_GOLDEN"):
            golden.write_text(text)
        assert text == golden.read_text(), f"rerun with UPDATE_GOLDEN=1 if the change to {golden} is intended"


def test_render_is_deterministic(tmp_path: Path) -> None:
    first = chart.dump(render_stack(sample_options("prod"), tmp_path / "a", validate=False).rendering.manifests)
    second = chart.dump(render_stack(sample_options("prod"), tmp_path / "b", validate=False).rendering.manifests)
    assert first == second
    assert first.endswith("\n")


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_every_dependency_chart_is_rendered(profile: str, rendered) -> None:  # type: ignore[no-untyped-def]
    stack = rendered(profile)
    charts = {chart.chart_of(m.template).split("/")[0] for m in stack.rendering.manifests}
    kibana = {"eck-kibana"} if profile == "prod" else set()  # eck-kibana.enabled: on in prod only
    assert charts == {"obskit-stack", "kube-prometheus-stack", "fluentd", "jaeger", "eck-elasticsearch",
                      "prometheus-elasticsearch-exporter"} | kibana
    assert stack.complete
    kinds = {m.kind for m in stack.rendering.manifests}
    assert {"Prometheus", "Alertmanager", "Elasticsearch", "DaemonSet", "Deployment"} <= kinds
    # test hooks are not installed by Helm, so not rendered (the fluentd chart's test-connection pod)
    assert not [m for m in stack.rendering.manifests if m.kind == "Pod"]
