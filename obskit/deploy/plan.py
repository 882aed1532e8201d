"""The deploy plan: preflight, then (1) CRDs by server-side apply, (2) the ECK operator, (3) the stack
(upgrade-or-install, wait), (4) readiness. A failed phase 3 or 4 rolls the stack back to the revision
that was deployed before (or removes a first install) and the outcome says what was left behind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from obskit.deploy import preflight as preflight_mod
from obskit.deploy.cluster import KubeCluster
from obskit.deploy.readiness import Probe, wait_ready
from obskit.deploy.releases import ReleaseActions
from obskit.errors import ObskitError

PHASES = [
    ("preflight", "Preflight"),
    ("crds", "1 CRDs (server-side apply)"),
    ("operator", "2 ECK operator"),
    ("stack", "3 Stack (upgrade --install --wait)"),
    ("readiness", "4 Readiness"),
]


@dataclass(frozen=True)
class DeployRequest:
    release: str
    namespace: str
    chart_dir: Path
    values: dict[str, Any]
    names: dict[str, str]
    rule_groups: list[str]
    needs_storage: bool
    grafana_admin_secret: str = "obskit-grafana-admin"
    timeout: int = 900
    readiness_attempts: int = 30
    readiness_interval: float = 10.0
    operators: list[dict[str, Any]] | None = None  # None: obskit/deploy/operators.yaml


@dataclass
class PhaseOutcome:
    name: str
    ok: bool
    detail: str


@dataclass
class DeployOutcome:
    ok: bool = True
    phases: list[PhaseOutcome] = field(default_factory=list)
    preflight: preflight_mod.PreflightReport | None = None
    probes: list[Probe] = field(default_factory=list)
    revision: int | None = None
    left: list[str] = field(default_factory=list)


Reporter = Callable[[str, str, str], None]  # (phase, state: running|ok|failed, detail)
CrdSource = Callable[[list[str]], list[dict[str, Any]]]


def execute(request: DeployRequest, cluster: KubeCluster, releases: ReleaseActions, crd_source: CrdSource,
            report: Reporter = lambda *_: None, sleep: Callable[[float], None] | None = None) -> DeployOutcome:
    outcome = DeployOutcome()
    spec = preflight_mod.operators_spec()

    def phase(name: str, ok: bool, detail: str) -> None:
        outcome.phases.append(PhaseOutcome(name, ok, detail))
        report(name, "ok" if ok else "failed", detail)
        outcome.ok = outcome.ok and ok

    report("preflight", "running", "")
    pre = preflight_mod.preflight(cluster, request.release, request.namespace, needs_storage=request.needs_storage)
    outcome.preflight = pre
    failed = [f"{c.name}: {c.detail}" for c in pre.checks if not c.ok and c.blocking]
    phase("preflight", not failed, "; ".join(failed) or f"{len(pre.checks)} checks passed")
    if failed:
        outcome.left.append("nothing changed in the cluster")
        return outcome
    state = pre.release
    assert state is not None
    try:
        if state.action == "repair-rollback" and state.last_deployed:
            releases.rollback(request.release, request.namespace, state.last_deployed.revision)
            outcome.left.append(f"repaired: release rolled back from {state.current.status if state.current else ''} "
                                f"to revision {state.last_deployed.revision}")
        elif state.action == "repair-uninstall":
            releases.uninstall(request.release, request.namespace)
            outcome.left.append("repaired: removed a release that never deployed")
    except ObskitError as exc:
        phase("preflight", False, f"could not repair the release: {exc.message}")
        return outcome

    # Phase 1: CRDs. Never removed on failure: other releases may rely on them.
    report("crds", "running", f"{len(pre.crds_to_apply)} to apply")
    try:
        bodies = crd_source(pre.crds_to_apply) if pre.crds_to_apply else []
        for body in bodies:
            cluster.apply_crd(body)
        phase("crds", True, f"{len(bodies)} applied" if bodies else "all current")
        if bodies:
            outcome.left.append(f"CRDs applied and kept: {', '.join(sorted(b['metadata']['name'] for b in bodies))}")
    except ObskitError as exc:
        phase("crds", False, exc.message)
        outcome.left.append("the stack was not touched")
        return outcome

    # Phase 2: operators (their own releases; a failure stops before the stack).
    for op in spec["operators"] if request.operators is None else request.operators:
        report("operator", "running", f"{op['namespace']}/{op['release']} {op['chart']} {op['version']}")
        try:
            cluster.ensure_namespace(op["namespace"])
            installed = bool(cluster.helm_releases(op["release"], op["namespace"]))
            rev = releases.upgrade_or_install(op["chart"], op["release"], op["namespace"], dict(op["values"]),
                                              installed=installed, repo_url=op["repository"], version=op["version"],
                                              timeout=request.timeout)
            phase("operator", True, f"{op['release']} revision {rev}")
        except ObskitError as exc:
            phase("operator", False, exc.message)
            outcome.left.append("the stack was not touched")
            return outcome

    # Phase 3: the stack.
    report("stack", "running", f"{state.action} {request.namespace}/{request.release}")
    previous = state.last_deployed.revision if state.last_deployed else None
    try:
        cluster.ensure_namespace(request.namespace)
        if cluster.ensure_generated_secret(request.namespace, request.grafana_admin_secret, "admin"):
            outcome.left.append(f"Grafana admin Secret {request.namespace}/{request.grafana_admin_secret} created")
        outcome.revision = releases.upgrade_or_install(
            request.chart_dir, request.release, request.namespace, request.values,
            installed=previous is not None, timeout=request.timeout)
        phase("stack", True, f"revision {outcome.revision}")
    except ObskitError as exc:
        phase("stack", False, exc.message)
        _roll_back(request, releases, previous, outcome)
        return outcome

    # Phase 4: readiness.
    report("readiness", "running", "probing")
    probes = wait_ready(cluster, request.namespace, request.names, request.rule_groups,
                        attempts=request.readiness_attempts, interval=request.readiness_interval,
                        **({"sleep": sleep} if sleep else {}))
    outcome.probes = probes
    bad = [f"{p.name}: {p.detail}" for p in probes if not p.ok]
    phase("readiness", not bad, "; ".join(bad) or f"{len(probes)} probes ok")
    if bad:
        _roll_back(request, releases, previous, outcome)
    return outcome


def _roll_back(request: DeployRequest, releases: ReleaseActions, previous: int | None, outcome: DeployOutcome) -> None:
    try:
        if previous is not None:
            releases.rollback(request.release, request.namespace, previous)
            outcome.left.append(f"stack rolled back to revision {previous}")
        else:
            releases.uninstall(request.release, request.namespace, missing_ok=True)
            outcome.left.append("stack release removed (first install failed); PVCs and CRDs kept")
    except ObskitError as exc:
        outcome.left.append(f"ROLLBACK FAILED: {exc.message}; inspect with `obskit deploy status`")
    outcome.left.append("ECK operator release kept")
