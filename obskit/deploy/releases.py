"""Helm releases through helm-python-sdk (Helm v4 over ctypes): upgrade-or-install, rollback,
uninstall, status and history. One helm_python.Config per namespace (it is Helm's storage namespace)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import helm_python as helm

from obskit.errors import BackendError

HISTORY_LIMIT = 10


class ReleaseActions(Protocol):
    def upgrade_or_install(self, chart: str | Path, release: str, namespace: str, values: dict[str, Any], *,
                           installed: bool, repo_url: str | None = None, version: str | None = None,
                           timeout: int = 600) -> int: ...

    def rollback(self, release: str, namespace: str, revision: int | None) -> None: ...

    def uninstall(self, release: str, namespace: str) -> None: ...


class HelmReleases:
    def __init__(self, kube_context: str | None = None, kubeconfig: Path | None = None) -> None:
        self.kube_context = kube_context
        self.kubeconfig = kubeconfig

    def _config(self, namespace: str) -> helm.Config:
        return helm.Config(kube_context=self.kube_context, namespace=namespace,
                           kubeconfig_path=self.kubeconfig)

    def upgrade_or_install(self, chart: str | Path, release: str, namespace: str, values: dict[str, Any], *,
                           installed: bool, repo_url: str | None = None, version: str | None = None,
                           timeout: int = 600) -> int:
        """`helm upgrade --install --wait --history-max 10`, returning the new revision."""
        ref = str(chart)
        try:
            with self._config(namespace) as cfg:
                if installed:
                    result = cfg.upgrade(ref, release, values, namespace=namespace, timeout=timeout, wait="watcher",
                                         max_history=HISTORY_LIMIT, chart_repo_url=repo_url, chart_version=version,
                                         description="obskit deploy")
                else:
                    result = cfg.install(ref, release, values, namespace=namespace, timeout=timeout, wait="watcher",
                                         create_namespace=True, chart_repo_url=repo_url, chart_version=version,
                                         description="obskit deploy")
        except helm.HelmError as exc:
            raise BackendError(f"helm {'upgrade' if installed else 'install'} {namespace}/{release}: {exc}") from None
        return int(result.get("version") or 0)

    def rollback(self, release: str, namespace: str, revision: int | None) -> None:
        try:
            with self._config(namespace) as cfg:
                cfg.rollback(release, version=revision, wait="watcher", timeout=600)
        except helm.HelmError as exc:
            raise BackendError(f"helm rollback {namespace}/{release}: {exc}") from None

    def uninstall(self, release: str, namespace: str) -> None:
        try:
            with self._config(namespace) as cfg:
                cfg.uninstall(release, wait="watcher", timeout=600, description="obskit deploy uninstall")
        except helm.HelmError as exc:
            raise BackendError(f"helm uninstall {namespace}/{release}: {exc}") from None

    def history(self, release: str, namespace: str) -> list[dict[str, Any]]:
        try:
            with self._config(namespace) as cfg:
                return list(cfg.history(release, max_revisions=HISTORY_LIMIT))
        except helm.HelmNotFoundError:
            return []
        except helm.HelmError as exc:
            raise BackendError(f"helm history {namespace}/{release}: {exc}") from None

    def status(self, release: str, namespace: str) -> dict[str, Any] | None:
        try:
            with self._config(namespace) as cfg:
                summary = dict(cfg.status(release))
        except helm.HelmNotFoundError:
            return None
        except helm.HelmError as exc:
            raise BackendError(f"helm status {namespace}/{release}: {exc}") from None
        summary.pop("manifest", None)  # large, and not what a status report is for
        return summary
