"""obskit.yaml + environment + flags -> one typed Config.

Precedence: defaults < obskit.yaml < environment variables < command-line flags.

Secrets (tokens, passwords, API keys) never come from obskit.yaml in clear: the file names an
environment variable (``*_env``) or a file (``*_file``) that holds them, or the well-known
``OBSKIT_*`` environment variables set them directly. Resolved secrets are :class:`Secret`
objects whose ``str()``/``repr()`` is ``***``; only :meth:`Secret.reveal` gives the value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from obskit.errors import InputError

DEFAULT_CONFIG_FILE = "obskit.yaml"
REDACTED = "***"

# keys that hold secrets; each may be given as <key>_env or <key>_file in obskit.yaml
SECRET_KEYS = ("password", "bearer_token", "api_key", "token")


@dataclass(frozen=True)
class Secret:
    """A resolved credential. Prints as ``***``; ``source`` says where it came from."""

    value: str
    source: str

    def reveal(self) -> str:
        return self.value

    def __str__(self) -> str:
        return REDACTED

    def __repr__(self) -> str:
        return f"Secret({REDACTED}, source={self.source!r})"


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a URL: {value!r} (expected http:// or https:// and a host)")
    if parts.username or parts.password:
        # never echo the value: it holds a credential
        raise ValueError("credentials may not be part of a URL; use the auth section with *_env or *_file")
    return value.rstrip("/")


Url = Annotated[str, AfterValidator(_check_url)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)


class TLS(_Model):
    ca_file: Path | None = None
    insecure_skip_verify: bool = False

    @field_validator("ca_file")
    @classmethod
    def _ca_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"CA file not found: {str(value)!r}")
        return value


class Auth(_Model):
    """Bearer token, basic auth or (Elasticsearch) API key. Secrets are resolved objects."""

    username: str | None = None
    password: Secret | None = None
    bearer_token: Secret | None = None
    api_key: Secret | None = None


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


class AlertsLintConfig(_Model):
    """`obskit alerts check` policy; see obskit/alerts/lint/README.md."""

    severities: list[str] = Field(default_factory=lambda: ["critical", "warning", "info"])
    require_for: bool = True
    scrape_interval: str = "1m"
    disable: list[str] = Field(default_factory=list)
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
    lint: AlertsLintConfig = AlertsLintConfig()
    prometheus_rule_labels: dict[str, str] = Field(default_factory=lambda: {"release": "obskit"})
    prometheus_rule_namespace: str | None = None
    alertmanager: AlertmanagerRouting | None = None


class Config(_Model):
    prometheus: PrometheusConfig = PrometheusConfig()
    elasticsearch: ElasticsearchConfig = ElasticsearchConfig()
    jaeger: JaegerConfig = JaegerConfig()
    grafana: GrafanaConfig = GrafanaConfig()
    kubernetes: KubernetesConfig | None = None
    services: list[ServiceConfig] = Field(default_factory=list)
    local: LocalConfig = LocalConfig()
    alerts: AlertsConfig = AlertsConfig()

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


@dataclass
class LoadedConfig:
    """The typed config plus where each value came from (dotted key path -> origin)."""

    config: Config
    origins: dict[str, str]
    path: Path | None


# environment variable -> (key path, is_secret, is_list)
ENV_VARS: dict[str, tuple[tuple[str, ...], bool, bool]] = {
    "OBSKIT_PROMETHEUS_URL": (("prometheus", "url"), False, False),
    "OBSKIT_PROMETHEUS_TOKEN": (("prometheus", "auth", "bearer_token"), True, False),
    "OBSKIT_PROMETHEUS_USERNAME": (("prometheus", "auth", "username"), False, False),
    "OBSKIT_PROMETHEUS_PASSWORD": (("prometheus", "auth", "password"), True, False),
    "OBSKIT_ELASTICSEARCH_URL": (("elasticsearch", "urls"), False, True),
    "OBSKIT_ELASTICSEARCH_INDEX": (("elasticsearch", "index"), False, False),
    "OBSKIT_ELASTICSEARCH_API_KEY": (("elasticsearch", "auth", "api_key"), True, False),
    "OBSKIT_ELASTICSEARCH_USERNAME": (("elasticsearch", "auth", "username"), False, False),
    "OBSKIT_ELASTICSEARCH_PASSWORD": (("elasticsearch", "auth", "password"), True, False),
    "OBSKIT_JAEGER_URL": (("jaeger", "url"), False, False),
    "OBSKIT_GRAFANA_URL": (("grafana", "url"), False, False),
    "OBSKIT_GRAFANA_TOKEN": (("grafana", "token"), True, False),
    "OBSKIT_GRAFANA_ORG": (("grafana", "org"), False, False),
    "OBSKIT_KUBE_CONTEXT": (("kubernetes", "context"), False, False),
    "OBSKIT_NAMESPACE": (("kubernetes", "namespace"), False, False),
    "OBSKIT_LOCAL_DB": (("local", "db"), False, False),
}


def _line_map(text: str) -> dict[tuple[str, ...], int]:
    """Map key paths of a YAML mapping document to 1-based line numbers."""
    lines: dict[tuple[str, ...], int] = {}
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return lines

    def walk(node: yaml.Node, path: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*path, str(key.value))
                lines[sub] = key.start_mark.line + 1
                walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                sub = (*path, str(i))
                lines[sub] = item.start_mark.line + 1
                walk(item, sub)

    if root is not None:
        walk(root, ())
    return lines


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _set(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = tree
    for part in path[:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            node[part] = nxt
        node = nxt
    node[path[-1]] = value


class _Where:
    """Formats a location prefix ``file:line: key.path`` for error messages."""

    def __init__(self, path: Path | None, lines: dict[tuple[str, ...], int]) -> None:
        self.path = path
        self.lines = lines

    def __call__(self, key: tuple[Any, ...]) -> str:
        key = tuple(str(k) for k in key)
        line = None
        probe = key
        while probe and line is None:
            line = self.lines.get(probe)
            probe = probe[:-1]
        prefix = ""
        if self.path is not None and line is not None:
            prefix = f"{self.path}:{line}: "
        return f"{prefix}{_dotted(key)}"


def _resolve_secrets(
    tree: Any, path: tuple[str, ...], origins: dict[str, str], where: _Where, env: dict[str, str]
) -> None:
    """Replace ``<key>_env`` / ``<key>_file`` references with Secret objects; reject clear text."""
    if isinstance(tree, list):
        for i, item in enumerate(tree):
            _resolve_secrets(item, (*path, str(i)), origins, where, env)
        return
    if not isinstance(tree, dict):
        return
    for key in list(tree):
        value = tree[key]
        sub = (*path, key)
        if key in SECRET_KEYS and not isinstance(value, Secret):
            raise InputError(
                f"{where(sub)}: secrets may not be written in the config file; "
                f"use {key}_env: VARIABLE or {key}_file: PATH"
            )
        base, _, kind = key.rpartition("_")
        if base in SECRET_KEYS and kind in ("env", "file"):
            if not isinstance(value, str) or not value:
                raise InputError(f"{where(sub)}: expected the name of an environment variable or a file path")
            del tree[key]
            if isinstance(tree.get(base), Secret):
                continue  # an OBSKIT_* environment variable already set it and wins
            if kind == "env":
                if value not in env:
                    raise InputError(f"{where(sub)}: environment variable {value} is not set")
                tree[base] = Secret(env[value], f"env {value}")
            else:
                try:
                    secret = Path(value).expanduser().read_text(encoding="utf-8").strip()
                except OSError as exc:
                    raise InputError(f"{where(sub)}: cannot read secret file {value!r}: {exc.strerror}") from None
                tree[base] = Secret(secret, f"file {value}")
            origins[_dotted((*path, base))] = tree[base].source
            continue
        _resolve_secrets(value, sub, origins, where, env)


def _format_validation_error(exc: ValidationError, where: _Where) -> str:
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        problems.append(f"{where(tuple(err['loc']))}: {msg}")
    return "invalid configuration:\n  " + "\n  ".join(problems)


def _record_origins(tree: Any, path: tuple[str, ...], origin: str, origins: dict[str, str]) -> None:
    if isinstance(tree, dict):
        for key, value in tree.items():
            _record_origins(value, (*path, key), origin, origins)
    elif isinstance(tree, list) and tree and all(isinstance(i, dict) for i in tree):
        for i, item in enumerate(tree):
            _record_origins(item, (*path, str(i)), origin, origins)
    else:
        origins[_dotted(path)] = origin


def find_config_file(explicit: Path | None, env: dict[str, str] | None = None) -> Path | None:
    """The config file to read: --config, then $OBSKIT_CONFIG, then ./obskit.yaml when present."""
    env = os.environ if env is None else env
    if explicit is not None:
        if not explicit.is_file():
            raise InputError(f"config file not found: {explicit}")
        return explicit
    if env.get("OBSKIT_CONFIG"):
        path = Path(env["OBSKIT_CONFIG"])
        if not path.is_file():
            raise InputError(f"config file not found: {path} (from OBSKIT_CONFIG)")
        return path
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


def load_config(
    path: Path | None = None,
    flags: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
) -> LoadedConfig:
    """Load and validate the effective configuration.

    ``flags`` maps dotted key paths (``prometheus.url``) to values given on the command line;
    ``None`` values are ignored.
    """
    env = dict(os.environ) if env is None else env
    file_path = find_config_file(path, env)
    tree: dict[str, Any] = {}
    origins: dict[str, str] = {}
    lines: dict[tuple[str, ...], int] = {}
    if file_path is not None:
        try:
            text = file_path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read config file {file_path}: {exc.strerror}") from None
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            loc = f"{file_path}:{mark.line + 1}:{mark.column + 1}" if mark else str(file_path)
            problem = getattr(exc, "problem", None) or "not valid YAML"
            raise InputError(f"{loc}: invalid YAML: {problem}") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise InputError(f"{file_path}:1: expected a mapping of sections (prometheus:, grafana:, ...)")
        tree = loaded
        lines = _line_map(text)
        _record_origins(tree, (), f"file {file_path}", origins)
    where = _Where(file_path, lines)

    for var, (key, is_secret, is_list) in ENV_VARS.items():
        raw = env.get(var)
        if raw is None or raw == "":
            continue
        value: Any = raw
        if is_secret:
            value = Secret(raw, f"env {var}")
        elif is_list:
            value = [part.strip() for part in raw.split(",") if part.strip()]
        _set(tree, key, value)
        origins[_dotted(key)] = f"env {var}"

    _resolve_secrets(tree, (), origins, where, env)

    for dotted, value in (flags or {}).items():
        if value is None:
            continue
        key = tuple(dotted.split("."))
        _set(tree, key, value)
        origins[dotted] = "flag"

    try:
        config = Config.model_validate(tree)
    except ValidationError as exc:
        raise InputError(_format_validation_error(exc, where)) from None
    return LoadedConfig(config=config, origins=origins, path=file_path)


def effective_items(loaded: LoadedConfig) -> list[tuple[str, str, str]]:
    """Flatten the effective config to (key, printable value, source) rows; secrets redacted."""
    rows: list[tuple[str, str, str]] = []

    def walk(obj: Any, path: tuple[str, ...]) -> None:
        if isinstance(obj, Secret):
            rows.append((_dotted(path), REDACTED, obj.source))
        elif isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                walk(getattr(obj, name), (*path, name))
        elif isinstance(obj, list) and obj and all(isinstance(i, BaseModel) for i in obj):
            for i, item in enumerate(obj):
                walk(item, (*path, str(i)))
        elif obj is None or obj == [] or obj == {}:
            return
        else:
            dotted = _dotted(path)
            shown = ",".join(map(str, obj)) if isinstance(obj, list) else str(obj)
            if isinstance(obj, dict):
                shown = ",".join(f"{k}={v}" for k, v in sorted(obj.items()))
            rows.append((dotted, shown, loaded.origins.get(dotted, "default")))

    walk(loaded.config, ())
    return rows
