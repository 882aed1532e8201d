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

    def uninstall(self, release: str, namespace: str, *, missing_ok: bool = False) -> None: ...


class HelmReleases:
    """Release actions; `connection` passes extra helm_python.Config options (kube_apiserver, kube_token,
    storage_driver, ...). Configs are kept per namespace, closed by close()."""

    def __init__(self, kube_context: str | None = None, kubeconfig: Path | None = None,
                 **connection: Any) -> None:
        self.kube_context = kube_context
        self.kubeconfig = kubeconfig
        self.connection = connection
        self._configs: dict[str, helm.Config] = {}

    def _config(self, namespace: str) -> helm.Config:
        if namespace not in self._configs:
            self._configs[namespace] = helm.Config(kube_context=self.kube_context, namespace=namespace,
                                                   kubeconfig_path=self.kubeconfig, **self.connection)
        return self._configs[namespace]

    def close(self) -> None:
        for cfg in self._configs.values():
            cfg.close()
        self._configs.clear()

    def upgrade_or_install(self, chart: str | Path, release: str, namespace: str, values: dict[str, Any], *,
                           installed: bool, repo_url: str | None = None, version: str | None = None,
                           timeout: int = 600) -> int:
        """`helm upgrade --install --wait --history-max 10`, returning the new revision. The namespace must
        exist (the plan creates it with the kubernetes client before)."""
        ref = str(chart)
        try:
            cfg = self._config(namespace)
            if installed:
                result = cfg.upgrade(ref, release, values, namespace=namespace, timeout=timeout, wait="watcher",
                                     max_history=HISTORY_LIMIT, chart_repo_url=repo_url, chart_version=version,
                                     description="obskit deploy")
            else:
                result = cfg.install(ref, release, values, namespace=namespace, timeout=timeout, wait="watcher",
                                     chart_repo_url=repo_url, chart_version=version,
                                     description="obskit deploy")
        except helm.HelmError as exc:
            raise BackendError(f"helm {'upgrade' if installed else 'install'} {namespace}/{release}: {exc}") from None
        return int(result.get("revision") or 0)

    def rollback(self, release: str, namespace: str, revision: int | None) -> None:
        try:
            self._config(namespace).rollback(release, version=revision, wait="watcher", timeout=600)
        except helm.HelmError as exc:
            raise BackendError(f"helm rollback {namespace}/{release}: {exc}") from None

    def uninstall(self, release: str, namespace: str, *, missing_ok: bool = False) -> None:
        try:
            self._config(namespace).uninstall(release, wait="watcher", timeout=600, ignore_not_found=missing_ok,
                                              description="obskit deploy uninstall")
        except helm.HelmError as exc:
            raise BackendError(f"helm uninstall {namespace}/{release}: {exc}") from None

    def history(self, release: str, namespace: str) -> list[dict[str, Any]]:
        try:
            return list(self._config(namespace).history(release, max_revisions=HISTORY_LIMIT))
        except helm.HelmNotFoundError:
            return []
        except helm.HelmError as exc:
            raise BackendError(f"helm history {namespace}/{release}: {exc}") from None

    def status(self, release: str, namespace: str) -> dict[str, Any] | None:
        try:
            summary = dict(self._config(namespace).status(release))
        except helm.HelmNotFoundError:
            return None
        except helm.HelmError as exc:
            raise BackendError(f"helm status {namespace}/{release}: {exc}") from None
        summary.pop("manifest", None)  # large, and not what a status report is for
        return summary
