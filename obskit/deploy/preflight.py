"""Before anything is changed: is this cluster fit for the stack, and in what state is the release?"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from obskit.deploy.cluster import KubeCluster, ReleaseRecord

MIN_KUBERNETES = (1, 25)
OPERATORS_FILE = Path(__file__).parent / "operators.yaml"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    blocking: bool = True


@dataclass(frozen=True)
class ReleaseState:
    """What phase 3 will do: install, upgrade, or first repair a release stuck in pending-*."""

    action: str  # install | upgrade | repair-rollback | repair-uninstall
    current: ReleaseRecord | None
    last_deployed: ReleaseRecord | None


@dataclass
class PreflightReport:
    checks: list[Check] = field(default_factory=list)
    release: ReleaseState | None = None
    crds_to_apply: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok or not c.blocking for c in self.checks)


def operators_spec() -> dict[str, Any]:
    return dict(yaml.safe_load(OPERATORS_FILE.read_text()))


def release_state(records: list[ReleaseRecord]) -> ReleaseState:
    if not records:
        return ReleaseState("install", None, None)
    current = records[-1]
    deployed = [r for r in records if r.status in ("deployed", "superseded")]
    last_deployed = deployed[-1] if deployed else None
    if current.status.startswith("pending-"):
        return ReleaseState("repair-rollback" if last_deployed else "repair-uninstall", current, last_deployed)
    if current.status == "uninstalled" or (current.status == "failed" and last_deployed is None):
        return ReleaseState("repair-uninstall" if current.status == "failed" else "install", current, None)
    return ReleaseState("upgrade", current, last_deployed)


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = text.lstrip("v").split("-")[0].split(".")
    return tuple(int(p) for p in parts if p.isdigit())


def crd_checks(cluster: KubeCluster, spec: dict[str, Any]) -> tuple[list[Check], list[str]]:
    """Installed CRD versions against the ones this chart ships: missing/older are applied in phase 1,
    newer ones are left alone and reported (downgrading a CRD can drop fields the operator uses)."""
    checks, to_apply = [], []
    for family in spec["crds"]:
        for name in family["names"]:
            crd = cluster.crd(name)
            if crd is None:
                checks.append(Check(f"CRD {name}", True, f"absent; phase 1 creates it ({family['version']})"))
                to_apply.append(name)
                continue
            meta = crd.get("metadata") or {}
            if "version_annotation" in family:
                found = (meta.get("annotations") or {}).get(family["version_annotation"], "")
            else:
                found = (meta.get("labels") or {}).get(family["version_label"], "")
            if not found or _version_tuple(found) < _version_tuple(family["version"]):
                detail = f"{found or 'unknown'}; phase 1 upgrades it to {family['version']}"
                checks.append(Check(f"CRD {name}", True, detail))
                to_apply.append(name)
            elif _version_tuple(found) > _version_tuple(family["version"]):
                checks.append(Check(f"CRD {name}", False,
                                    f"cluster has {found}, newer than the chart's {family['version']}; "
                                    "upgrade obskit or pin the operator chart to match", blocking=False))
            else:
                checks.append(Check(f"CRD {name}", True, f"{found} (current)"))
    return checks, to_apply


def preflight(cluster: KubeCluster, release: str, namespace: str, *, needs_storage: bool) -> PreflightReport:
    report = PreflightReport()
    major, minor, git_version = cluster.server_version()
    report.checks.append(Check(
        "Kubernetes version", (major, minor) >= MIN_KUBERNETES,
        f"{git_version}" + ("" if (major, minor) >= MIN_KUBERNETES else " — obskit-stack needs ≥ 1.25")))
    default_sc = cluster.default_storage_class()
    if default_sc:
        report.checks.append(Check("default StorageClass", True, default_sc))
    else:
        report.checks.append(Check(
            "default StorageClass", not needs_storage,
            "none; this profile creates PersistentVolumeClaims — mark one StorageClass default"
            if needs_storage else "none (not needed: this profile uses no PVCs)", blocking=needs_storage))
    state = release_state(cluster.helm_releases(release, namespace))
    report.release = state
    detail = {
        "install": "not installed; will install",
        "upgrade": f"revision {state.current.revision if state.current else '?'} "
                   f"{state.current.status if state.current else ''}; will upgrade",
        "repair-rollback": f"stuck in {state.current.status if state.current else ''}; will roll back to "
                           f"revision {state.last_deployed.revision if state.last_deployed else '?'} first",
        "repair-uninstall": f"revision {state.current.revision if state.current else '?'} "
                            f"{state.current.status if state.current else ''} with nothing deployed before; "
                            "will remove it and install afresh",
    }[state.action]
    report.checks.append(Check(f"release {namespace}/{release}", True, detail))
    checks, report.crds_to_apply = crd_checks(cluster, operators_spec())
    report.checks += checks
    return report
