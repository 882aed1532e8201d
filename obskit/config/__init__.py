"""obskit.yaml + environment + flags -> one typed Config.

Precedence: defaults < obskit.yaml < environment variables < command-line flags.

Secrets (tokens, passwords, API keys) never come from obskit.yaml in clear: the file names an
environment variable (``*_env``) or a file (``*_file``) that holds them, or the well-known
``OBSKIT_*`` environment variables set them directly. Resolved secrets are :class:`Secret`
objects whose ``str()``/``repr()`` is ``***``; only :meth:`Secret.reveal` gives the value.
"""

from obskit.config.alerting import AlertmanagerRouting, AlertsConfig, ReceiverConfig, RouteConfig
from obskit.config.base import REDACTED, SECRET_KEYS, TLS, Auth, Secret, Url
from obskit.config.loader import (
    DEFAULT_CONFIG_FILE,
    ENV_VARS,
    LoadedConfig,
    effective_items,
    find_config_file,
    load_config,
)
from obskit.config.schema import (
    Config,
    ElasticsearchConfig,
    GrafanaConfig,
    JaegerConfig,
    KubernetesConfig,
    LocalConfig,
    PrometheusConfig,
    ServiceConfig,
)

__all__ = [
    "DEFAULT_CONFIG_FILE", "ENV_VARS", "REDACTED", "SECRET_KEYS", "TLS", "AlertmanagerRouting", "AlertsConfig",
    "Auth", "Config", "ElasticsearchConfig", "GrafanaConfig", "JaegerConfig", "KubernetesConfig", "LoadedConfig",
    "LocalConfig", "PrometheusConfig", "ReceiverConfig", "RouteConfig", "Secret", "ServiceConfig", "Url",
    "effective_items", "find_config_file", "load_config",
]
