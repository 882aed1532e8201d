"""The `alerts:` section of obskit.yaml: lint policy, PrometheusRule labels, Alertmanager routing."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, model_validator

from obskit.config.base import Url, _Model


class AlertsLintConfig(_Model):
    """`obskit alerts check` policy; see obskit/alerts/lint/README.md."""

    severities: list[str] = Field(default_factory=lambda: ["critical", "warning", "info"])
    require_for: bool = True
    scrape_interval: str | None = None  # older spelling of lint.scrape_interval; wins for alerts when set
    disable: list[str] = Field(default_factory=list)  # added to lint.disable
    record_name_allow: list[str] = Field(default_factory=lambda: ["sloth_slo_info"])


# literal receiver secrets are refused: Alertmanager reads them from files (*_file), obskit from env (*_env)
_RECEIVER_SECRETS = ("api_url", "routing_key", "service_key", "auth_password", "credentials")


class _Receiver(_Model):
    @model_validator(mode="before")
    @classmethod
    def _no_literal_secrets(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in _RECEIVER_SECRETS:
                if key in data:
                    raise ValueError(f"{key} may not be written in the config file; use {key}_file: PATH (a file "
                                     f"Alertmanager reads) or {key}_env: VARIABLE (obskit writes it to a secret file)")
        return data


class SlackReceiver(_Receiver):
    api_url_file: str | None = None
    api_url_env: str | None = None
    channel: str | None = None
    send_resolved: bool = True


class PagerDutyReceiver(_Receiver):
    routing_key_file: str | None = None
    routing_key_env: str | None = None
    send_resolved: bool = True


class EmailReceiver(_Receiver):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    to: str
    from_: str = Field(alias="from")
    smarthost: str
    auth_username: str | None = None
    auth_password_file: str | None = None
    auth_password_env: str | None = None
    require_tls: bool = True
    send_resolved: bool = False


class WebhookReceiver(_Receiver):
    url: Url
    credentials_file: str | None = None  # sent as "Authorization: Bearer <file content>"
    credentials_env: str | None = None
    send_resolved: bool = True


class ReceiverConfig(_Model):
    name: str = Field(min_length=1)
    webhook: WebhookReceiver | None = None
    slack: SlackReceiver | None = None
    pagerduty: PagerDutyReceiver | None = None
    email: EmailReceiver | None = None


class RouteConfig(_Model):
    """Alerts of `team` (label team) and/or `severity` (label severity; a list) go to `receiver`."""

    receiver: str
    team: str | None = None
    severity: list[str] = Field(default_factory=list)
    matchers: dict[str, str] = Field(default_factory=dict)  # extra label=value matchers
    continue_: bool = Field(False, alias="continue")


class AlertmanagerRouting(_Model):
    receiver: str  # the default receiver
    group_by: list[str] = Field(default_factory=lambda: ["alertname", "team", "sloth_slo"])
    group_wait: str = "30s"
    group_interval: str = "5m"
    repeat_interval: str = "4h"
    secrets_dir: str = "/etc/alertmanager/secrets"  # where Alertmanager sees secrets obskit writes from *_env
    receivers: list[ReceiverConfig] = Field(default_factory=list)
    routes: list[RouteConfig] = Field(default_factory=list)


class AlertsConfig(_Model):
    paths: list[str] = Field(default_factory=lambda: ["alerts"])
    # SLO period of specs that give none (Sloth specs never do): picks the burn-rate window catalogue
    slo_period: str = Field(default="30d", pattern=r"^[0-9]+[smhdwy]$")
    lint: AlertsLintConfig = AlertsLintConfig()
    prometheus_rule_labels: dict[str, str] = Field(default_factory=lambda: {"release": "obskit"})
    prometheus_rule_namespace: str | None = None
    alertmanager: AlertmanagerRouting | None = None


