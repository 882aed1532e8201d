"""The Kubernetes API, through the official kubernetes client: what Helm's SDK does not offer.

helm-python-sdk covers releases (install/upgrade/rollback/status/uninstall/history) but has no
server-side apply of arbitrary objects, no discovery of the server version or StorageClasses, and no
service proxy. Those go through the kubernetes client here: CRDs by server-side apply (field manager
`obskit`), preflight reads, readiness probes through the API server's service proxy.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubernetes import client, config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException

from obskit.errors import BackendError, InputError

FIELD_MANAGER = "obskit"


@dataclass(frozen=True)
class ReleaseRecord:
    """One revision of a Helm release as Helm's Secret storage labels it (owner=helm)."""

    revision: int
    status: str


def _api_error(what: str, exc: ApiException) -> BackendError:
    reason = exc.reason or ""
    try:
        reason = json.loads(exc.body or "{}").get("message") or reason
    except (ValueError, AttributeError):
        pass
    return BackendError(f"Kubernetes API: {what}: HTTP {exc.status} {reason}".strip())


class KubeCluster:
    def __init__(self, api_client: client.ApiClient, context: str | None = None) -> None:
        self.api = api_client
        self.context = context
        self.core = client.CoreV1Api(api_client)
        self.apps = client.AppsV1Api(api_client)
        self.storage = client.StorageV1Api(api_client)
        self.extensions = client.ApiextensionsV1Api(api_client)
        self.custom = client.CustomObjectsApi(api_client)

    @classmethod
    def connect(cls, context: str | None = None, kubeconfig: Path | None = None) -> KubeCluster:
        """A client for the kube context (default: the current one); no context is a usage error."""
        try:
            api_client = config.new_client_from_config(
                config_file=str(kubeconfig) if kubeconfig else None, context=context)
        except (ConfigException, FileNotFoundError, OSError) as exc:
            raise InputError(
                f"no usable Kubernetes context ({exc})",
                hint="point KUBECONFIG or --context at a cluster, or run `obskit deploy --dry-run` "
                     "to render and check everything offline",
            ) from None
        return cls(api_client, context)

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ApiException as exc:
            raise _api_error(what, exc) from None
        except Exception as exc:  # urllib3 connection errors and the like
            raise BackendError(f"Kubernetes API unreachable: {what}: {type(exc).__name__}: {exc}") from None

    def server_version(self) -> tuple[int, int, str]:
        info = self._call("GET /version", client.VersionApi(self.api).get_code)
        minor = "".join(ch for ch in str(info.minor) if ch.isdigit())
        return int(info.major), int(minor or 0), str(info.git_version)

    def default_storage_class(self) -> str | None:
        classes = self._call("list StorageClasses", self.storage.list_storage_class)
        for sc in classes.items:
            annotations = sc.metadata.annotations or {}
            if annotations.get("storageclass.kubernetes.io/is-default-class") == "true":
                return str(sc.metadata.name)
        return None

    def crd(self, name: str) -> dict[str, Any] | None:
        try:
            obj = self.extensions.read_custom_resource_definition(name)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise _api_error(f"read CRD {name}", exc) from None
        return dict(self.api.sanitize_for_serialization(obj))

    def apply_crd(self, body: dict[str, Any]) -> None:
        """Server-side apply (force: obskit owns the fields it sets; CRDs are too big for client-side)."""
        name = body["metadata"]["name"]
        self._call(f"apply CRD {name}", self.extensions.patch_custom_resource_definition, name, body,
                   field_manager=FIELD_MANAGER, force=True, _content_type="application/apply-patch+yaml",
                   _preload_content=False)

    def helm_releases(self, release: str, namespace: str) -> list[ReleaseRecord]:
        """Revisions of a release from Helm's storage Secrets (labels owner=helm, name, status, version)."""
        secrets_list = self._call(
            "list Helm release Secrets", self.core.list_namespaced_secret, namespace,
            label_selector=f"owner=helm,name={release}")
        records = []
        for item in secrets_list.items:
            labels = item.metadata.labels or {}
            if labels.get("version", "").isdigit():
                records.append(ReleaseRecord(int(labels["version"]), labels.get("status", "unknown")))
        return sorted(records, key=lambda r: r.revision)

    def ensure_namespace(self, namespace: str) -> bool:
        try:
            self.core.read_namespace(namespace)
            return False
        except ApiException as exc:
            if exc.status != 404:
                raise _api_error(f"read namespace {namespace}", exc) from None
        self._call(f"create namespace {namespace}", self.core.create_namespace,
                   {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
        return True

    def ensure_generated_secret(self, namespace: str, name: str, user: str) -> bool:
        """Create a Secret with a random password unless it exists; the value is never returned."""
        try:
            self.core.read_namespaced_secret(name, namespace)
            return False
        except ApiException as exc:
            if exc.status != 404:
                raise _api_error(f"read Secret {namespace}/{name}", exc) from None
        body = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                "metadata": {"name": name, "labels": {"app.kubernetes.io/managed-by": "obskit"}},
                "stringData": {"admin-user": user, "admin-password": secrets.token_urlsafe(24)}}
        self._call(f"create Secret {namespace}/{name}", self.core.create_namespaced_secret, namespace, body)
        return True

    def proxy_get(self, namespace: str, service: str, port: int | str, path: str) -> str:
        """GET through the API server's service proxy (no port-forward, no ingress needed)."""
        # raw body: the client would otherwise turn a JSON answer into a Python repr string
        response = self._call(
            f"proxy {namespace}/{service}:{port}{path}",
            self.core.connect_get_namespaced_service_proxy_with_path,
            f"{service}:{port}", namespace, path.lstrip("/"), _preload_content=False)
        return bytes(response.data).decode("utf-8", errors="replace")

    def custom_object(self, group: str, version: str, namespace: str, plural: str, name: str) -> dict[str, Any] | None:
        try:
            return dict(self.custom.get_namespaced_custom_object(group, version, namespace, plural, name))
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise _api_error(f"read {plural}/{name}", exc) from None

    def deployment_replicas(self, namespace: str, name: str) -> tuple[int, int] | None:
        """(ready, desired) replicas of a Deployment, None when absent."""
        try:
            dep = self.apps.read_namespaced_deployment(name, namespace)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise _api_error(f"read Deployment {namespace}/{name}", exc) from None
        return int(dep.status.ready_replicas or 0), int(dep.spec.replicas or 0)

    def delete_pvcs(self, namespace: str, label_selector: str) -> int:
        pvcs = self._call("list PVCs", self.core.list_namespaced_persistent_volume_claim, namespace,
                          label_selector=label_selector)
        for pvc in pvcs.items:
            self._call(f"delete PVC {pvc.metadata.name}", self.core.delete_namespaced_persistent_volume_claim,
                       pvc.metadata.name, namespace)
        return len(pvcs.items)

    def delete_crd(self, name: str) -> bool:
        try:
            self.extensions.delete_custom_resource_definition(name)
            return True
        except ApiException as exc:
            if exc.status == 404:
                return False
            raise _api_error(f"delete CRD {name}", exc) from None
