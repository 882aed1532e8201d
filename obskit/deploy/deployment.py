"""The use cases behind `obskit deploy` (dry run, deploy, status, rollback, uninstall), composed from
stack rendering, the cluster, Helm releases and the phase plan. The CLI only renders their results."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python as helm

from obskit.deploy import chart, chartsource, plan, preflight, readiness, summary
from obskit.deploy.cluster import KubeCluster
from obskit.deploy.crds import crd_source
from obskit.deploy.releases import HelmReleases
from obskit.deploy.stack import StackOptions, StackRendering
from obskit.errors import BackendError, InputError


@dataclass(frozen=True)
class Endpoint:
    name: str
    address: str
    note: str


def endpoints(names: dict[str, str], namespace: str, grafana_secret: str) -> list[Endpoint]:
    """The URL table after a deploy; Kibana only when `names` carries it (eck-kibana.enabled)."""
    svc = f"{namespace}.svc"
    kibana = [Endpoint("Kibana", f"https://{names['kibana']}-kb-http.{svc}:5601",
                       f"user elastic (Secret {namespace}/{names['elasticsearch']}-es-elastic-user); "
                       "logs data view from the obskit-kibana-data-views Job")] if "kibana" in names else []
    return [
        Endpoint("Grafana", f"http://{names['grafana']}.{svc}:80",
                 f"admin password: Secret {namespace}/{grafana_secret}, key admin-password"),
        Endpoint("Prometheus", f"http://{names['prometheus']}.{svc}:9090", ""),
        Endpoint("Alertmanager", f"http://{names['alertmanager']}.{svc}:9093", ""),
        Endpoint("Elasticsearch", f"https://{names['elasticsearch']}-es-http.{svc}:9200",
                 f"user elastic, password: Secret {namespace}/{names['elasticsearch']}-es-elastic-user"),
        Endpoint("Jaeger UI", f"http://{names['jaeger']}.{svc}:16686", ""),
        Endpoint("OTLP gRPC", f"{names['jaeger']}.{svc}:4317", "send traces here"),
        Endpoint("OTLP HTTP", f"http://{names['jaeger']}.{svc}:4318", "send traces here"),
        *kibana,
    ]


def stack_names(values: dict[str, Any]) -> dict[str, str]:
    """obskit.names of the parts this rendering deploys (Kibana only with eck-kibana.enabled)."""
    names = dict(values["obskit"]["names"])
    if not (values.get("eck-kibana") or {}).get("enabled"):
        names.pop("kibana", None)
    return names


def operator_charts(source: chartsource.ChartSource | None = None) -> list[dict[str, str]]:
    """The charts phases 1 and 2 install besides the umbrella's dependencies, and where they come from."""
    out = []
    for op in preflight.operators_spec()["operators"]:
        for name, phase in ((op["crds_chart"], "phase 1 CRDs"),
                            (op["chart"], f"phase 2, release {op['namespace']}/{op['release']}")):
            origin = "chart mirror" if source and chartsource.operator_archive(source, name, op["version"]) \
                else "fetched at deploy"
            out.append({"chart": name, "version": op["version"], "repository": op["repository"],
                        "phase": f"{origin} ({phase})"})
    return out


def write_output(stack: StackRendering, output_dir: Path, namespace: str) -> Path:
    """manifests.yaml: every rendered object (sorted by kind, namespace, name); summary.yaml beside it:
    a digest per object and the wiring summary (obskit/deploy/summary.py)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    manifests = output_dir / "manifests.yaml"
    manifests.write_text(chart.dump(stack.rendering.manifests))
    (output_dir / "summary.yaml").write_text(summary.dump(summary.summarise(stack.rendering, namespace)))
    return manifests


def metric_producers_line(table: dict[str, Any] | None) -> str | None:
    if table is None:
        return None
    outside = sum(1 for row in table.values() if row["producers"] and not row["rendered"])
    missing = sum(1 for row in table.values() if not row["producers"])
    return (f"metrics: {len(table)} queried by the rendered rules and obskit dashboards; "
            f"{len(table) - outside - missing} produced in the rendering, {outside} by applications outside it, "
            f"{missing} without a producer (--format json lists each: metric_producers)")


def objects_per_chart(stack: StackRendering) -> dict[str, int]:
    counts: dict[str, int] = {}
    for m in stack.rendering.manifests:
        name = chart.chart_of(m.template)
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


def diff(previous: str, current: str, label: str) -> str:
    lines = difflib.unified_diff(previous.splitlines(keepends=True), current.splitlines(keepends=True),
                                 fromfile=label, tofile="rendered")
    return "".join(lines)


def rule_groups(stack: StackRendering) -> list[str]:
    return sorted({g["name"] for m in stack.rendering.manifests if m.kind == "PrometheusRule"
                   for g in m.body["spec"]["groups"]})


def ensure_charts(options: StackOptions) -> None:
    """Before a real deploy: when neither a chart mirror nor Helm's charts/ holds the pinned dependency
    charts, `helm dependency build` fetches them (network); failing that, stop before touching anything."""
    source = chartsource.locate(options.chart_dir, chartsource.mirror_from(options.charts_dir))
    if source.kind == "none":
        try:
            chartsource.build(options.chart_dir)
        except BackendError as exc:
            raise BackendError(f"could not fetch the pinned dependency charts ({', '.join(source.missing)}): "
                               f"{exc.message}", hint=exc.hint) from None


def operators(source: chartsource.ChartSource | None) -> list[dict[str, Any]]:
    """Phase 2's operator releases; a chart mirror's archive replaces the repository when it holds it."""
    out = []
    for op in preflight.operators_spec()["operators"]:
        archive = chartsource.operator_archive(source, op["chart"], op["version"]) if source else None
        out.append(dict(op, chart=str(archive), repository=None) if archive else dict(op))
    return out


def deploy(options: StackOptions, stack: StackRendering, *, context: str | None, work_dir: Path,
           report: plan.Reporter, timeout: int) -> plan.DeployOutcome:
    cluster = KubeCluster.connect(context)
    cluster.server_version()  # unreachable cluster: fail before changing anything
    names = stack_names(stack.rendering.values)
    request = plan.DeployRequest(
        release=options.release, namespace=options.namespace, chart_dir=stack.bundle.chart_dir,
        values=stack.user_values, names=names, rule_groups=rule_groups(stack),
        needs_storage=stack.profile.persistent,
        grafana_admin_secret=stack.rendering.values["obskit"].get("grafanaAdminSecret", "obskit-grafana-admin"),
        timeout=timeout, operators=operators(stack.source))
    source = crd_source(stack.bundle.chart_dir, preflight.operators_spec(), work_dir / "crds", stack.source)
    return plan.execute(request, cluster, HelmReleases(context), source, report)


def deployed_manifest(release: str, namespace: str, context: str | None) -> str | None:
    with helm.Config(kube_context=context, namespace=namespace) as cfg:
        try:
            return str(cfg.status(release).get("manifest") or "")
        except helm.HelmNotFoundError:
            return None
        except helm.HelmError as exc:
            raise BackendError(f"helm status {namespace}/{release}: {exc}") from None


def status(release: str, namespace: str, context: str | None) -> dict[str, Any]:
    cluster = KubeCluster.connect(context)
    releases = HelmReleases(context)
    summary = releases.status(release, namespace)
    if summary is None:
        raise InputError(f"release {namespace}/{release} is not installed",
                         hint="install it with `obskit deploy`, or pass --namespace/--release")
    history = releases.history(release, namespace)
    names = dict(chart.render({}, release=release, namespace=namespace).values["obskit"]["names"])
    if "kibana" in names and cluster.custom_object("kibana.k8s.elastic.co", "v1", namespace, "kibanas",
                                                   names["kibana"]) is None:
        names.pop("kibana")  # Kibana is optional (eck-kibana.enabled): probe it only where it was deployed
    probes = readiness.probe_once(cluster, namespace, names, [])
    return {"release": summary, "history": history, "probes": probes}


def rollback(release: str, namespace: str, revision: int | None, context: str | None) -> None:
    KubeCluster.connect(context)  # a clear error when there is no context
    HelmReleases(context).rollback(release, namespace, revision)


def uninstall(release: str, namespace: str, context: str | None, *, purge: bool) -> list[str]:
    cluster = KubeCluster.connect(context)
    done = []
    HelmReleases(context).uninstall(release, namespace)
    done.append(f"release {namespace}/{release} uninstalled")
    if not purge:
        done.append("PersistentVolumeClaims and CRDs kept (use --purge --yes to delete them)")
        return done
    names = chart.render({}, release=release, namespace=namespace).values["obskit"]["names"]
    selectors = [f"app.kubernetes.io/instance={release}",
                 f"elasticsearch.k8s.elastic.co/cluster-name={names['elasticsearch']}",
                 f"operator.prometheus.io/name in ({names['prometheus']},{names['alertmanager']})"]
    count = sum(cluster.delete_pvcs(namespace, s) for s in selectors)
    done.append(f"{count} PersistentVolumeClaims deleted")
    crd_names = [n for family in preflight.operators_spec()["crds"] for n in family["names"]]
    deleted = [n for n in crd_names if cluster.delete_crd(n)]
    done.append(f"{len(deleted)} CRDs deleted")
    return done
