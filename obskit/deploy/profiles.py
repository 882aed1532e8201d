"""Deploy profiles as data: profiles/<name>.yaml = a description, chart values, and for prod the list
of container resource paths that must carry requests and limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from obskit.errors import InputError

PROFILE_DIR = Path(__file__).parent / "profiles"


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    values: dict[str, Any]
    containers: list[str] = field(default_factory=list)
    persistent: bool = True  # creates PersistentVolumeClaims (preflight then needs a default StorageClass)


def profile_names() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))


def load_profile(name: str) -> Profile:
    """The named profile; an unknown name is a usage error that lists the known ones."""
    path = PROFILE_DIR / f"{name}.yaml"
    if not path.is_file():
        raise InputError(
            f"unknown profile {name!r}; known profiles: {', '.join(profile_names())}",
            hint="pass --profile with one of the names above",
        )
    data = yaml.safe_load(path.read_text()) or {}
    return Profile(
        name=name,
        description=str(data.get("description", "")),
        values=dict(data.get("values") or {}),
        containers=list(data.get("containers") or []),
        persistent=bool(data.get("persistent", True)),
    )


def deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """Helm's coalescing for values files: maps merge key by key, everything else (lists too) replaces."""
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def lookup(values: dict[str, Any], path: str) -> Any:
    """Follow a dotted path with [n] list indexes (`a.b[0].c`); None when any step is missing."""
    current: Any = values
    for part in path.split("."):
        name, _, rest = part.partition("[")
        if not isinstance(current, dict) or name not in current:
            return None
        current = current[name]
        while rest:
            index_text, _, rest = rest.partition("]")
            rest = rest.lstrip("[")
            if not isinstance(current, list) or int(index_text) >= len(current):
                return None
            current = current[int(index_text)]
    return current
