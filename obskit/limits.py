"""Input limits as data: obskit/limits.yaml says how big, deep and slow an input may be."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LIMITS_FILE = Path(__file__).with_name("limits.yaml")


@cache
def _all() -> dict[str, dict[str, Any]]:
    # our own small packaged file: plain PyYAML is fine (user input goes through obskit.safeyaml)
    return dict(yaml.safe_load(LIMITS_FILE.read_text(encoding="utf-8")))


def limit(section: str, name: str) -> int:
    """One limit, e.g. ``limit("yaml", "max_depth")``."""
    return int(_all()[section][name])
