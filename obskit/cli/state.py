"""Global CLI options (--config, --debug) shared by every command, and the config loader they use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from obskit.cli.output import register_secrets
from obskit.config import LoadedConfig, load_config


@dataclass
class State:
    config_path: Path | None = None
    debug: bool = False


state = State()


def config(flags: dict[str, Any] | None = None) -> LoadedConfig:
    """Load the effective config for the running command; flags override file and env."""
    loaded = load_config(state.config_path, flags)
    register_secrets(loaded.config.secrets())
    return loaded
