"""`obskit deploy`: render, check and install the observability stack (Helm v4 SDK), plus status,
rollback and uninstall. Thin: options in, obskit.deploy.deployment does the work, Rich/JSON out."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from obskit.cli.grammar import exit_codes, format_option, output_dir_option
from obskit.cli.output import Format, emit_json, show
from obskit.deploy.profiles import profile_names
from obskit.errors import EXIT_FINDINGS, BackendError, FindingsError, InputError

DEPLOY_EXITS = exit_codes(
    (0, "deployed, or rendered and checked clean (with --diff --exit-code: and nothing changed)"),
    (1, "problems in the rendered stack (nothing deployed), or changes shown by --diff --exit-code"),
    (2, "usage or input error (bad values, no kube context)"), (3, "the cluster or Helm failed"))
CLUSTER_EXITS = exit_codes((0, "ok"), (2, "usage or input error (no kube context)"), (3, "the cluster or Helm failed"))

if TYPE_CHECKING:  # the Helm SDK and the kubernetes client load only when a deploy command runs
    from obskit.deploy import deployment
    from obskit.deploy.plan import DeployOutcome
    from obskit.deploy.stack import StackOptions, StackRendering

app = typer.Typer(
    help="Install the wired observability stack (Prometheus, Alertmanager, Grafana, Fluentd, Elasticsearch, "
         "Kibana, Jaeger) with Helm; --dry-run renders the whole stack and checks it offline.",
    invoke_without_command=True, no_args_is_help=False, epilog=DEPLOY_EXITS,
)

Namespace = Annotated[str, typer.Option("--namespace", "-n", metavar="NAMESPACE",
                                        help="Namespace of the stack.")]
Release = Annotated[str, typer.Option("--release", metavar="NAME", help="Helm release name of the stack.")]
Context = Annotated[str | None, typer.Option("--context", metavar="CONTEXT",
                                             help="Kube context (default: kubernetes.context from obskit.yaml, "
                                                  "else the current one).",
                                             envvar="OBSKIT_KUBE_CONTEXT")]


def _kube_context(context: str | None) -> str | None:
    """--context (or OBSKIT_KUBE_CONTEXT), else kubernetes.context from the config, else the current one."""
    if context:
        return context
    from obskit.cli import state

    kube = state.config().config.kubernetes
    return kube.context if kube is not None else None


FormatOpt = Annotated[Format, format_option("text or json.")]


@app.callback()
def deploy(
    ctx: typer.Context,
    profile: Annotated[str, typer.Option("--profile", metavar="PROFILE",
                                         help=f"Profile: {' | '.join(profile_names())}.")] = "dev",
    values: Annotated[list[Path] | None, typer.Option("--values", "-f", metavar="FILE", dir_okay=False,
                                                      help="Extra values file (repeatable), as Helm's -f.")] = None,
    namespace: Namespace = "observability",
    release: Release = "obskit",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Render and check offline; change nothing.")] = False,
    output_dir: Annotated[Path | None, output_dir_option("Write the rendered manifests here.")] = None,
    show_diff: Annotated[bool, typer.Option("--diff", help="Show a diff against the last --output-dir rendering, "
                                            "or the deployed release.")] = False,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="With --dry-run --diff: exit 1 when the rendering "
                                            "differs (as `git diff --exit-code` and `kubectl diff`), for CI "
                                            "gates.")] = False,
    dashboards_dir: Annotated[Path | None, typer.Option(
        metavar="DIR", help="Built dashboard JSON files (default: build ./dashboards now).", file_okay=False)] = None,
    rules_dir: Annotated[Path | None, typer.Option(
        metavar="DIR", help="Built rule files (default: build ./alerts now).", file_okay=False)] = None,
    alertmanager_config: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Alertmanager config from the alerts build.", dir_okay=False)] = None,
    charts_dir: Annotated[Path | None, typer.Option(
        "--charts-dir", metavar="DIR", help="Local chart mirror holding the pinned dependency charts (*.tgz), for "
        "air-gapped sites (default: $OBSKIT_CHARTS_DIR, else charts/obskit-stack/charts/ filled by "
        "`helm dependency build`).", file_okay=False)] = None,
    context: Context = None,
    timeout: Annotated[int, typer.Option(metavar="SECONDS",
                                         help="Seconds Helm waits for the stack to become ready.")] = 900,
    fmt: FormatOpt = Format.text,
) -> None:
    """Deploy (or with --dry-run: render and check) the stack."""
    if ctx.invoked_subcommand:
        return
    if exit_code and not (dry_run and show_diff):
        raise InputError("--exit-code goes with --dry-run --diff: it reports whether the rendering changed",
                         hint="obskit deploy --dry-run --diff --exit-code --output-dir DIR")
    context = _kube_context(context)
    from obskit.cli import state
    from obskit.deploy import deployment
    from obskit.deploy.stack import StackOptions, render_stack

    options = StackOptions(profile=profile, values_files=list(values or []), release=release, namespace=namespace,
                           dashboards_dir=dashboards_dir, rules_dir=rules_dir, alertmanager_file=alertmanager_config,
                           slo_period=state.config().config.alerts.slo_period,
                           charts_dir=charts_dir)
    if not dry_run:
        from obskit.deploy.cluster import KubeCluster

        KubeCluster.connect(context)  # no usable context: say so before fetching anything
        deployment.ensure_charts(options)
    with tempfile.TemporaryDirectory(prefix="obskit-deploy-") as tmp:
        work = Path(tmp)
        stack = render_stack(options, work)
        previous = _previous(output_dir, release, namespace, context, dry_run) if show_diff else None
        written = deployment.write_output(stack, output_dir, namespace) if output_dir is not None else None
        changed = _report_rendering(stack, options, dry_run, fmt, previous, written)
        if stack.problems or stack.violations:
            raise FindingsError(f"{len(stack.problems) + len(stack.violations)} problem(s) in the rendered stack; "
                                "nothing was deployed")
        if dry_run:
            if exit_code and changed:
                raise typer.Exit(EXIT_FINDINGS)
            return
        outcome = _run_deploy(options, stack, context, work, timeout, fmt)
    if not outcome.ok:
        raise BackendError("deploy failed: " + "; ".join(p.detail for p in outcome.phases if not p.ok),
                           hint="see the summary above for what was rolled back and what was left")


def _previous(output_dir: Path | None, release: str, namespace: str, context: str | None,
              dry_run: bool) -> tuple[str, str]:
    from obskit.deploy import deployment

    if output_dir is not None and (output_dir / "manifests.yaml").is_file():
        return str(output_dir / "manifests.yaml"), (output_dir / "manifests.yaml").read_text()
    if dry_run:
        return "(nothing to compare: no earlier --output-dir rendering)", ""
    manifest = deployment.deployed_manifest(release, namespace, context)
    return f"release {namespace}/{release}", _normalise(manifest or "")


def _normalise(manifest: str) -> str:
    import yaml

    from obskit.deploy import chart

    docs = [d for d in yaml.safe_load_all(manifest) if isinstance(d, dict)]
    ms = [chart.Manifest("", str(d.get("apiVersion")), str(d.get("kind")), d["metadata"]["name"],
                         str(d["metadata"].get("namespace", "")), d) for d in docs]
    return chart.dump(sorted(ms, key=lambda m: (m.kind, m.namespace, m.name)))


def _report_rendering(stack: StackRendering, options: StackOptions, dry_run: bool, fmt: Format,
                      previous: tuple[str, str] | None, written: Path | None) -> bool:
    """Print the rendering (and the diff when asked); True when a diff was asked for and is not empty."""
    from obskit.deploy import chart, deployment

    deps = stack.rendering.dependencies
    current = chart.dump(stack.rendering.manifests)
    diff_text = deployment.diff(previous[1], current, previous[0]) if previous else None
    per_chart = deployment.objects_per_chart(stack)
    producers = stack.metric_producers
    source = stack.source.describe() if stack.source else "not available"
    if fmt == Format.json:
        emit_json({
            "profile": options.profile, "release": options.release, "namespace": options.namespace,
            "dry_run": dry_run, "charts_from": source, "complete": stack.complete,
            "written": str(written) if written else None, "objects_per_chart": per_chart,
            "objects": [{"kind": m.kind, "name": m.name, "chart": chart.chart_of(m.template), "template": m.template}
                        for m in stack.rendering.manifests],
            "dependencies": [{"name": d.name, "version": d.version, "repository": d.repository,
                              "packaged": stack.complete} for d in deps],
            "operator_charts": deployment.operator_charts(stack.source),
            "bundled": {"dashboards": stack.bundle.dashboards, "rule_files": stack.bundle.rule_files,
                        "alertmanager_config": stack.bundle.alertmanager},
            "notes": stack.bundle.notes,
            "problems": stack.problems,
            "metric_producers": producers,
            "violations": [{"object": v.object, "kubernetes": v.kubernetes_version, "message": v.message}
                           for v in stack.violations],
            **({"diff": diff_text, "changed": bool(diff_text)} if diff_text is not None else {}),
        })
        return bool(diff_text)
    objects = Table(title=f"Rendered obskit-stack ({options.profile}, {options.namespace}/{options.release}): "
                          f"{len(stack.rendering.manifests)} objects")
    for col in ("chart", "objects", "kinds"):
        objects.add_column(col)
    for name, count in per_chart.items():
        kinds = sorted({m.kind for m in stack.rendering.manifests if chart.chart_of(m.template) == name})
        objects.add_row(name, str(count), ", ".join(kinds))
    dep_table = Table(title=f"Dependencies (Chart.lock); charts from {source}")
    for col in ("chart", "version", "repository", "status"):
        dep_table.add_column(col)
    for d in deps:
        dep_table.add_row(d.name, d.version, d.repository, "rendered" if stack.complete else "NOT rendered")
    for op in deployment.operator_charts(stack.source):
        dep_table.add_row(op["chart"], op["version"], op["repository"], op["phase"])
    lines = [f"bundled: {len(stack.bundle.dashboards)} dashboards, {len(stack.bundle.rule_files)} rule files"
             + (", Alertmanager config" if stack.bundle.alertmanager else "")]
    if written is not None:
        lines.append(f"wrote {written}: {len(stack.rendering.manifests)} objects ("
                     + ", ".join(f"{name} {count}" for name, count in per_chart.items()) + ")")
        lines.append(f"wrote {written.parent / 'summary.yaml'}: a digest per object and the wiring summary")
    lines += [f"note: {n}" for n in stack.bundle.notes]
    producers_line = deployment.metric_producers_line(producers)
    lines += [producers_line] if producers_line else []
    lines += [f"problem: {p}" for p in stack.problems]
    lines += [f"invalid: {v.object} (Kubernetes {v.kubernetes_version}): {v.message}" for v in stack.violations]
    if not stack.problems and not stack.violations:
        lines.append("checks: ok (kubernetes-validate strict 1.30–1.37, custom resources against their CRDs, "
                     "wiring: names, references, selectors, ServiceMonitor ports, datasource and config hosts, metric "
                     "producers, log fields, Fluentd self-exclusion; "
                     "rule labels, dashboards, secrets, resources, Fluentd buffer)" if stack.complete else
                     "checks: obskit's own templates only (the dependency charts were not rendered)")
    show(objects, dep_table, "\n".join(lines))
    if diff_text is not None:
        show(diff_text or f"no changes against {previous[0] if previous else ''}")
    return bool(diff_text)


def _run_deploy(options: StackOptions, stack: StackRendering, context: str | None, work: Path, timeout: int,
                fmt: Format) -> DeployOutcome:
    from obskit.deploy import deployment
    from obskit.deploy.plan import PHASES

    titles = dict(PHASES)

    def report(phase: str, state: str, detail: str) -> None:
        if fmt == Format.json:
            return
        mark = {"running": "…", "ok": "✓", "failed": "✗"}[state]
        show(f"{mark} {titles.get(phase, phase)}" + (f": {detail}" if detail else ""), stderr=True)

    outcome = deployment.deploy(options, stack, context=context, work_dir=work, report=report, timeout=timeout)
    names = deployment.stack_names(stack.rendering.values)
    eps = deployment.endpoints(names, options.namespace, stack.rendering.values["obskit"]["grafanaAdminSecret"])
    if fmt == Format.json:
        emit_json(_outcome_json(outcome, eps))
        return outcome
    summary = Table(title="Deploy summary")
    summary.add_column("phase")
    summary.add_column("result")
    summary.add_column("detail")
    for p in outcome.phases:
        summary.add_row(titles.get(p.name, p.name), "ok" if p.ok else "FAILED", p.detail)
    show(summary, *[f"left: {item}" for item in outcome.left])
    if outcome.ok:
        table = Table(title="Endpoints (in-cluster; use kubectl port-forward from outside)")
        for col in ("service", "address", "note"):
            table.add_column(col)
        for e in eps:
            table.add_row(e.name, e.address, e.note)
        show(table)
    return outcome


def _outcome_json(outcome: DeployOutcome, eps: list[deployment.Endpoint]) -> dict[str, Any]:
    return {
        "ok": outcome.ok, "revision": outcome.revision, "left": outcome.left,
        "phases": [{"name": p.name, "ok": p.ok, "detail": p.detail} for p in outcome.phases],
        "probes": [{"name": p.name, "ok": p.ok, "detail": p.detail} for p in outcome.probes],
        "endpoints": [{"name": e.name, "address": e.address, "note": e.note} for e in eps],
    }


@app.command("status", epilog=CLUSTER_EXITS)
def status_cmd(namespace: Namespace = "observability", release: Release = "obskit", context: Context = None,
               fmt: FormatOpt = Format.text) -> None:
    """Release status, revision history and a readiness probe of every part."""
    context = _kube_context(context)
    from obskit.deploy import deployment

    result = deployment.status(release, namespace, context)
    summary = result["release"]
    if fmt == Format.json:
        emit_json({"release": release, "namespace": namespace, "status": summary.get("status"),
                   "revision": summary.get("revision"),
                   "history": [{"revision": h.get("revision"), "status": h.get("status"),
                                "chart": f"{h.get('chart_name')}-{h.get('chart_version')}",
                                "deployed_at": h.get("deployed_at")} for h in result["history"]],
                   "probes": [{"name": p.name, "ok": p.ok, "detail": p.detail} for p in result["probes"]]})
        return
    history = Table(title=f"{namespace}/{release}: {summary.get('status')} (revision {summary.get('revision')})")
    for col in ("revision", "status", "chart", "deployed at"):
        history.add_column(col)
    for h in result["history"]:
        history.add_row(str(h.get("revision")), str(h.get("status")), f"{h.get('chart_name')}-{h.get('chart_version')}",
                        str(h.get("deployed_at")))
    probes = Table(title="Readiness")
    for col in ("probe", "ok", "detail"):
        probes.add_column(col)
    for p in result["probes"]:
        probes.add_row(p.name, "yes" if p.ok else "NO", p.detail)
    show(history, probes)


@app.command("rollback", epilog=CLUSTER_EXITS)
def rollback_cmd(revision: Annotated[int | None, typer.Argument(help="Revision (default: the previous one).",
                                                                metavar="REVISION")] = None,
                 namespace: Namespace = "observability", release: Release = "obskit", context: Context = None) -> None:
    """Roll the stack release back (a new revision; CRDs and the operator are untouched)."""
    context = _kube_context(context)
    from obskit.deploy import deployment

    deployment.rollback(release, namespace, revision, context)
    show(f"rolled {namespace}/{release} back to {'the previous revision' if revision is None else revision}")


@app.command("uninstall", epilog=CLUSTER_EXITS)
def uninstall_cmd(
    namespace: Namespace = "observability", release: Release = "obskit", context: Context = None,
    purge: Annotated[bool, typer.Option("--purge", help="Also delete PersistentVolumeClaims and CRDs.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm --purge (data is lost).")] = False,
) -> None:
    """Remove the stack release; PVCs and CRDs are kept unless --purge --yes."""
    if purge and not yes:
        raise InputError("--purge deletes PersistentVolumeClaims (all stored metrics, logs, traces) and CRDs",
                         hint="add --yes to confirm")
    context = _kube_context(context)
    from obskit.deploy import deployment

    for line in deployment.uninstall(release, namespace, context, purge=purge):
        show(line)


@app.command("charts", epilog=exit_codes((0, "ok"), (2, "the pinned charts are not available"),
                                         (3, "`helm dependency build` failed")))
def charts_cmd(
    charts_dir: Annotated[Path | None, typer.Option(
        "--charts-dir", metavar="DIR", help="Local chart mirror (default: $OBSKIT_CHARTS_DIR).",
        file_okay=False)] = None,
    build: Annotated[bool, typer.Option("--build", help="Run `helm dependency build` (network) when the charts "
                                        "are not available yet.")] = False,
) -> None:
    """Where the pinned dependency charts come from (Chart.lock), and whether each is available."""
    from obskit.deploy import chart, chartsource

    mirror = chartsource.mirror_from(charts_dir)
    source = chartsource.locate(chart.CHART_DIR, mirror)
    if source.kind == "none" and build:
        chartsource.build(chart.CHART_DIR)
        source = chartsource.locate(chart.CHART_DIR, mirror)
    table = Table(title=f"Pinned dependency charts (Chart.lock); from {source.describe()}")
    for col in ("chart", "version", "repository", "available"):
        table.add_column(col)
    for pin in chartsource.pins(chart.CHART_DIR):
        table.add_row(pin.name, pin.version, pin.repository, "no" if pin.archive in source.missing else "yes")
    show(table)
    if source.kind == "none":
        raise InputError(chartsource.not_available_message(source))
