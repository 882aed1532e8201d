"""One rendering of the whole stack: bundle the builds into the chart, compose profile + values files,
render, then check the wiring promises and validate every object. Used by --dry-run and by deploy."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from obskit import safeyaml
from obskit.deploy import bundle, chart, chartsource, checks, crdschema, validation
from obskit.deploy.profiles import Profile, deep_merge, load_profile
from obskit.deploy.valuekeys import check_top_level_keys
from obskit.deploy.wiring import metric_producers
from obskit.deploy.wiring.objects import index
from obskit.errors import InputError


@dataclass(frozen=True)
class StackOptions:
    profile: str = "dev"
    values_files: list[Path] = field(default_factory=list)
    release: str = "obskit"
    namespace: str = "observability"
    dashboards_dir: Path | None = None
    rules_dir: Path | None = None
    alertmanager_file: Path | None = None
    chart_dir: Path = chart.CHART_DIR
    tree_root: Path = Path(".")  # holds dashboards/ and alerts/, built in-process when no dirs are given
    slo_period: str = "30d"  # alerts.slo_period: SLO period of specs that give none
    charts_dir: Path | None = None  # local chart mirror (--charts-dir); None: OBSKIT_CHARTS_DIR, else Helm's charts/
    require_dependencies: bool = True  # False: render obskit's own templates alone when the charts are absent


@dataclass(frozen=True)
class StackRendering:
    profile: Profile
    rendering: chart.Rendering
    bundle: bundle.BundleReport
    user_values: dict[str, Any]
    problems: list[str]
    violations: list[validation.Violation]
    source: chartsource.ChartSource | None = None
    # every metric the rendered rules and obskit dashboards query -> its producers (deploy/metric-producers);
    # None when the dependency charts were not rendered (nothing to map to)
    metric_producers: dict[str, Any] | None = None

    @property
    def complete(self) -> bool:
        """Every dependency chart was rendered (the checks then see the whole stack)."""
        return self.source is not None and self.source.kind != "none"


def load_values_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(f"values file not found: {path}")
    data = safeyaml.load_file(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping of chart values at the top level")
    return data


def compose_values(profile: Profile, values_files: list[Path], chart_dir: Path = chart.CHART_DIR) -> dict[str, Any]:
    """Profile values, then each -f file in order (later wins), like `helm -f a.yaml -f b.yaml`."""
    values = dict(profile.values)
    for path in values_files:
        data = load_values_file(path)
        check_top_level_keys(path, chart_dir)
        values = deep_merge(values, data)
    return values


def render_stack(options: StackOptions, work_dir: Path, *, validate: bool = True) -> StackRendering:
    profile = load_profile(options.profile)
    values = compose_values(profile, options.values_files, options.chart_dir)
    source = chartsource.locate(options.chart_dir, chartsource.mirror_from(options.charts_dir))
    if source.kind == "none" and options.require_dependencies:
        raise InputError(chartsource.not_available_message(source),
                         hint="a full render needs every subchart; nothing was rendered")
    inputs = bundle.build_inputs(options.dashboards_dir, options.rules_dir, options.alertmanager_file, work_dir,
                                 options.tree_root, options.slo_period)
    report = bundle.bundle(options.chart_dir, work_dir, inputs)
    chartsource.provide(source, report.chart_dir, options.chart_dir)
    rendering = chart.render(values, release=options.release, namespace=options.namespace,
                             chart_dir=report.chart_dir)
    complete = source.kind != "none"
    objects = index(rendering.manifests, options.namespace, rendering.values) if complete else None
    problems = checks.all_problems(rendering, options.release, profile, objects=objects)
    violations = []
    if validate:
        schemas = crdschema.schemas(report.chart_dir, source) if complete else None
        violations = validation.validate(rendering.manifests, crd_schemas=schemas)
    if not complete:
        report.notes.append(chartsource.not_available_message(source)
                            + "; only obskit's own templates were rendered and checked")
    producers = metric_producers.mapping(objects) if objects is not None else None  # the check's own table
    return StackRendering(profile, rendering, report, values, problems, violations, source, producers)
