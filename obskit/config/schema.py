"""The typed Config: one section per backend, plus services, the local store and alerts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from obskit.config.alerting import AlertsConfig
from obskit.config.base import TLS, Auth, Secret, Url, _Model
from obskit.config.lint import LintConfig
from obskit.conventions import GraphProfile, MetricProfile


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
    # naming profiles beside the built-in ones (obskit/conventions/metrics/): tried first, a same name replaces
    metric_profiles: list[MetricProfile] = Field(default_factory=list)
    # service graph profiles beside the built-in ones (obskit/conventions/graphs/), the same way
    graph_profiles: list[GraphProfile] = Field(default_factory=list)

    @model_validator(mode="after")
    def _profiles_known(self) -> Config:
        for key, items in (("metric_profiles", self.metric_profiles), ("graph_profiles", self.graph_profiles)):
            names = [p.name for p in items]
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise ValueError(f"{key}: the name {', '.join(twice)} is given twice")
        from obskit.conventions import metric_profiles

        known = set(metric_profiles()) | {p.name for p in self.metric_profiles}
        for service in self.services:
            if service.profile and service.profile not in known:
                raise ValueError(f"services: {service.name} names the unknown metric profile {service.profile!r}; "
                                 f"known: {', '.join(sorted(known))}")
        return self

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

