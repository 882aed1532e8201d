"""Builders against golden files; the repo's own dashboards build and check clean; stale output is caught.

Refresh goldens after an intended change: UPDATE_GOLDEN=1 pytest tests/unit/dashboards.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from obskit.conventions import metric_profiles
from obskit.dashboards import emit
from obskit.dashboards.builders import COMPONENTS, service_dashboard, stack_dashboard
from obskit.dashboards.lint import LintContext, LintOptions, run_checks
from obskit.dashboards.model import Dashboard, to_data
from obskit.dashboards.part import lint_paths
from obskit.lint import render_text
from obskit.quoting import lucene_phrase

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "dashboards"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.is_file(), f"missing golden {path}; run with UPDATE_GOLDEN=1"
    assert text == path.read_text(), f"{name} differs from its golden file"


@pytest.mark.parametrize("profile", sorted(metric_profiles()))
def test_service_dashboard_golden(profile: str) -> None:
    check_golden(f"service-{profile}.json", emit.render_json(to_data(service_dashboard("checkout", profile))))


@pytest.mark.parametrize("component", sorted(COMPONENTS))
def test_stack_dashboard_golden(component: str) -> None:
    check_golden(f"stack-{component}.json", emit.render_json(to_data(stack_dashboard(component))))


@pytest.mark.parametrize("profile", sorted(metric_profiles()))
def test_service_dashboard_checks_clean(profile: str) -> None:
    dash = Dashboard(Path("svc.py"), "svc", to_data(service_dashboard("checkout", profile)), "fsdk")
    problems = run_checks(LintContext([dash], LintOptions()))
    assert problems == [], render_text(problems)


def test_service_name_is_escaped_everywhere() -> None:
    nasty = 'a"b\\c}'
    data = to_data(service_dashboard(nasty, "prometheus-client"))
    exprs = [t["expr"] for p in data["panels"] for t in p.get("targets", []) if "expr" in t]
    assert all('job="a\\"b\\\\c}"' in e for e in exprs[:3]), exprs[:3]
    dash = Dashboard(Path("svc.py"), "svc", data, "fsdk")
    assert run_checks(LintContext([dash], LintOptions(disabled={"dashboard/uid"}))) == []
    assert lucene_phrase('x"y:z') == '"x\\"y:z"'  # obskit.quoting: inside a phrase only " and \\ are special
    assert data["uid"] == "svc-a-b-c"
    scoped = to_data(service_dashboard("api", namespace='prod"x'))
    [ns_var] = [v for v in scoped["templating"]["list"] if v["name"] == "namespace"]
    assert 'namespace="prod\\"x", container="api"' in ns_var["query"]
    for link in data["links"]:
        assert '"' not in link["url"] and " " not in link["url"]


def test_repo_dashboards_build_and_check_clean(repo_root: Path) -> None:
    assert (repo_root / "dashboards/generated/stack/prometheus.json").is_file()  # committed build output
    run = lint_paths([repo_root / "dashboards"], LintOptions())
    assert run.loaded.errors == []
    titles = {d.title for d in run.loaded.dashboards}
    assert {"Stack / Prometheus", "Stack / Alertmanager", "Stack / Fluentd", "Stack / Elasticsearch",
            "Stack / Jaeger", "Service / checkout"} <= titles
    assert run.problems == [], render_text(run.problems)


def test_stale_build_output_is_an_error(repo_root: Path, tmp_path: Path) -> None:
    tree = tmp_path / "dashboards"
    shutil.copytree(repo_root / "dashboards", tree, ignore=shutil.ignore_patterns("__pycache__"))
    assert lint_paths([tree], LintOptions()).problems == []
    (tree / "generated/stack/jaeger.json").write_text("{}\n")
    (tree / "generated/stack/removed.json").write_text("{}\n")
    (tree / "generated/stack/fluentd.json").unlink()
    problems = lint_paths([tree], LintOptions()).problems
    assert sorted((Path(p.file).name, p.message.split(";")[0].split(" ")[-1]) for p in problems) == [
        ("fluentd.dashboard.py", "missing"), ("jaeger.dashboard.py", "build)"),
        ("removed.json", "more")]
    assert all(p.check == "build/stale" for p in problems)
