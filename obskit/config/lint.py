"""The `lint:` section of obskit.yaml: one policy that `dashboards check` and `alerts check` both read.

Defaults are data (``lint-defaults.yaml`` next to this file): the scrape interval that rate windows are
judged against, per-check severity overrides and the checks turned off.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, field_validator

from obskit.config.base import _Model

DEFAULTS_FILE = Path(__file__).with_name("lint-defaults.yaml")


@cache
def lint_defaults() -> dict[str, Any]:
    return yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8")) or {}


class LintConfig(_Model):
    scrape_interval: str = Field(default_factory=lambda: str(lint_defaults()["scrape_interval"]))
    severities: dict[str, Literal["error", "warning", "info"]] = Field(
        default_factory=lambda: dict(lint_defaults().get("severities") or {}))
    disable: list[str] = Field(default_factory=lambda: list(lint_defaults().get("disable") or []))

    @field_validator("scrape_interval", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> str:
        from obskit.duration import parse_duration

        text = str(value)
        if parse_duration(text) <= 0:  # raises ValueError with the expected form
            raise ValueError(f"scrape interval must be positive, got {text!r}")
        return text

    def scrape_interval_seconds(self) -> int:
        from obskit.duration import parse_duration

        return parse_duration(self.scrape_interval)
