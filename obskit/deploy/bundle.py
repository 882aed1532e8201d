"""Hand-over from the as-code builds to the chart.

`obskit dashboards build` writes dashboard JSON files and `obskit alerts build` writes Prometheus rule
files (and optionally an Alertmanager config). `bundle()` copies the chart into a working directory
and puts those files under files/dashboards/, files/rules/ and files/alertmanager.yaml, where the
chart's glue templates pick them up with .Files.Glob. The committed chart never holds build output.

`build_inputs()` is the one place that knows where build output comes from: directories given on the
command line win; otherwise, when the working directory holds the as-code tree (dashboards/, alerts/),
the builders run in-process so that a deploy always ships fresh output.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from obskit import safejson, safeyaml
from obskit.errors import InputError
from obskit.inputfile import read_input_text
from obskit.limits import limit
from obskit.safejson import JsonInputError

DASHBOARDS_TREE = Path("dashboards")
ALERTS_TREE = Path("alerts")
CONFIGMAP_LIMIT = 1024 * 1024  # a ConfigMap (all its data) must stay under 1 MiB


@dataclass(frozen=True)
class BuildInputs:
    dashboards_dir: Path | None
    rules_dir: Path | None
    alertmanager_file: Path | None = None


@dataclass
class BundleReport:
    chart_dir: Path
    dashboards: list[str] = field(default_factory=list)
    rule_files: list[str] = field(default_factory=list)
    alertmanager: bool = False
    notes: list[str] = field(default_factory=list)


def build_inputs(dashboards_dir: Path | None, rules_dir: Path | None, alertmanager_file: Path | None,
                 work_dir: Path | None = None, tree_root: Path = Path("."), slo_period: str = "30d") -> BuildInputs:
    """Where the dashboards/rules build output is: the given directories, else a fresh build of the
    as-code tree under tree_root (dashboards/, alerts/) into work_dir, else none."""
    if work_dir is not None:
        if dashboards_dir is None and (tree_root / DASHBOARDS_TREE).is_dir():
            dashboards_dir = build_dashboards(tree_root / DASHBOARDS_TREE, work_dir / "built-dashboards")
        if rules_dir is None and (tree_root / ALERTS_TREE).is_dir():
            rules_dir = build_rules(tree_root / ALERTS_TREE, work_dir / "built-rules", slo_period)
    return BuildInputs(dashboards_dir, rules_dir, alertmanager_file)


def build_dashboards(tree: Path, out_dir: Path) -> Path:
    """`obskit dashboards build` in-process: JSON files under out_dir/<folder>/."""
    from obskit.dashboards.emit import outputs, write
    from obskit.dashboards.model import load

    loaded = load([tree])
    if loaded.errors:
        raise InputError(f"dashboards in {tree} do not build:\n  " + "\n  ".join(map(str, loaded.errors)),
                         hint="run `obskit dashboards check` for details")
    write(outputs(loaded.dashboards, "json"), out_dir)
    return out_dir


def build_rules(tree: Path, out_dir: Path, slo_period: str = "30d") -> Path:
    """`obskit alerts build` in-process: plain Prometheus rule files (the chart wraps them)."""
    from obskit.alerts.emit import BuildOptions
    from obskit.alerts.emit import build as build_rule_files
    from obskit.alerts.rulefiles import load_all, windows_dirs

    rulesets = load_all([tree], windows_dirs([tree]), slo_period)
    build_rule_files(rulesets, BuildOptions(out=out_dir, format="rules"), root=tree.parent.resolve())
    return out_dir


def bundle(chart_dir: Path, work_dir: Path, inputs: BuildInputs) -> BundleReport:
    """Copy the chart to work_dir/<chart name> and add the build output; returns what went in."""
    target = work_dir / chart_dir.name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(chart_dir, target, ignore=shutil.ignore_patterns("*.json.tmp"))
    report = BundleReport(chart_dir=target)
    if inputs.dashboards_dir is not None:
        seen: dict[str, Path] = {}
        for path in _files(inputs.dashboards_dir, "--dashboards-dir", ("**/*.json",)):
            text = _canonical_dashboard(path)
            if len(text.encode()) >= CONFIGMAP_LIMIT:
                raise InputError(f"{path}: dashboard is {len(text.encode())} bytes; a ConfigMap must stay under 1 MiB",
                                 hint="split the dashboard or drop embedded data (e.g. large text panels)")
            if path.name in seen:  # ConfigMap names come from file names
                raise InputError(f"{path}: file name also used by {seen[path.name]}; "
                                 "dashboard file names must be unique")
            seen[path.name] = path
            relative = path.relative_to(inputs.dashboards_dir)  # a sub-directory is the Grafana folder
            destination = target / "files" / "dashboards" / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_text(text)
            report.dashboards.append(relative.as_posix())
    else:
        report.notes.append("no dashboards bundled (no --dashboards-dir and no dashboards/ tree here)")
    if inputs.rules_dir is not None:
        for path in _files(inputs.rules_dir, "--rules-dir", ("*.yaml", "*.yml")):
            text = _checked_rules(path)
            (target / "files" / "rules" / (path.stem + ".yaml")).write_text(text)
            report.rule_files.append(path.stem + ".yaml")
    else:
        report.notes.append("no rules bundled (no --rules-dir and no alerts/ tree here)")
    if inputs.alertmanager_file is not None:
        if not inputs.alertmanager_file.is_file():
            raise InputError(f"--alertmanager-config: file not found: {inputs.alertmanager_file}")
        text = inputs.alertmanager_file.read_text()
        _parse_yaml(inputs.alertmanager_file, text)
        (target / "files" / "alertmanager.yaml").write_text(text)
        report.alertmanager = True
    return report


def _files(directory: Path, option: str, patterns: tuple[str, ...]) -> list[Path]:
    if not directory.is_dir():
        raise InputError(f"{option}: not a directory: {directory}")
    found = sorted({p for pattern in patterns for p in directory.glob(pattern) if p.is_file()})
    return found


def _canonical_dashboard(path: Path) -> str:
    try:
        data = safejson.loads(read_input_text(path, limit("yaml", "max_bytes"), what="dashboard file"))
    except JsonInputError as exc:
        raise InputError(f"{path}:{exc.lineno or 1}:{exc.colno or 1}: not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("panels", []), list):
        raise InputError(f"{path}: expected a Grafana dashboard JSON object (with a panels list)")
    if not data.get("uid"):
        raise InputError(f"{path}: dashboard has no uid; give every dashboard a stable uid so links survive redeploys")
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _parse_yaml(path: Path, text: str) -> object:
    return safeyaml.loads(text, str(path))


def _checked_rules(path: Path) -> str:
    text = path.read_text()
    data = _parse_yaml(path, text)
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list) or not groups:
        raise InputError(f"{path}: expected a Prometheus rule file with a non-empty `groups:` list")
    for i, group in enumerate(groups):
        if not isinstance(group, dict) or not group.get("name") or not isinstance(group.get("rules"), list):
            raise InputError(f"{path}: groups[{i}]: each group needs a name and a rules list")
    return text if text.endswith("\n") else text + "\n"
