"""The typed Config: one section per backend, plus services, the local store and alerts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from obskit.config.alerting import AlertsConfig
from obskit.config.base import TLS, Auth, Secret, Url, _Model
from obskit.config.lint import LintConfig


class PrometheusConfig(_Model):
    url: Url | None = None
    auth: Auth = Auth()
    tls: TLS = TLS()


class ElasticsearchConfig(_Model):
    urls: list[Url] = Field(default_factory=list)
    index: str = "logs-*"
    field_map: str = "ecs"
    fields: dict[str, str] = Field(default_factory=dict)
    auth: Auth = Auth()
    tls: TLS = TLS()


class JaegerConfig(_Model):
    url: Url | None = None
    api: Literal["auto", "v3", "legacy"] = "auto"
    tls: TLS = TLS()


class GrafanaConfig(_Model):
    url: Url | None = None
    token: Secret | None = None
    org: int = 1
    tls: TLS = TLS()


class KibanaConfig(_Model):
    """Kibana for log links (Discover) and `obskit doctor`; `obskit deploy` creates the `obskit-logs` data view."""

    url: Url | None = None
    data_view: str = Field(default="obskit-logs", min_length=1)  # the data view id Discover links open
    auth: Auth = Auth()
    tls: TLS = TLS()


class KubernetesConfig(_Model):
    context: str | None = None
    namespace: str = "default"
    kubeconfig: Path | None = None


class ServiceConfig(_Model):
    name: str = Field(min_length=1)
    namespace: str | None = None
    profile: str | None = None  # metric naming profile; None = auto-detect
    slos: list[str] = Field(default_factory=list)


def _default_db() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("obskit")) / "obskit.duckdb"


class LocalConfig(_Model):
    db: Path = Field(default_factory=_default_db)


class Config(_Model):
    prometheus: PrometheusConfig = PrometheusConfig()
    elasticsearch: ElasticsearchConfig = ElasticsearchConfig()
    jaeger: JaegerConfig = JaegerConfig()
    grafana: GrafanaConfig = GrafanaConfig()
    kibana: KibanaConfig = KibanaConfig()
    kubernetes: KubernetesConfig | None = None
    services: list[ServiceConfig] = Field(default_factory=list)
    local: LocalConfig = LocalConfig()
    alerts: AlertsConfig = AlertsConfig()
    lint: LintConfig = LintConfig()  # one policy for dashboards and alerts checks

    def secrets(self) -> list[Secret]:
        """Every resolved secret, for redaction of anything printed."""
        found: list[Secret] = []

        def walk(obj: Any) -> None:
            if isinstance(obj, Secret):
                found.append(obj)
            elif isinstance(obj, BaseModel):
                for name in type(obj).model_fields:
                    walk(getattr(obj, name))
            elif isinstance(obj, list | tuple):
                for item in obj:
                    walk(item)

        walk(self)
        return found

