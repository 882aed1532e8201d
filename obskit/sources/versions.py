"""Which backend versions obskit supports: the policy in versions.yaml, and the verdict for a version a
backend reports (`obskit doctor`, `dashboards push`).

Jaeger is not listed: its query API does not report a version. What obskit needs from it is the API
generation (api_v3 as Jaeger 2.x serves it, or the legacy /api), which doctor reports instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Support:
    product: str
    minimum: str
    checked: str
    why: str


@dataclass(frozen=True)
class Verdict:
    ok: bool  # False: older than the minimum
    note: str  # "" when the version is the checked one or between it and the minimum


@cache
def policy() -> dict[str, Support]:
    data = yaml.safe_load(resources.files("obskit.sources").joinpath("versions.yaml").read_text())
    return {name: Support(name, str(v["minimum"]), str(v["checked"]), str(v["why"])) for name, v in data.items()}


def parse(text: str) -> tuple[int, ...] | None:
    """(major, minor, patch) from "9.5.0", "v2.19.0", "11.3.0-pre", "8.15.3-SNAPSHOT"; None when unreadable."""
    found = re.match(r"^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", text or "")
    if not found:
        return None
    return tuple(int(part or 0) for part in found.groups())


def judge(product: str, version: str) -> Verdict:
    """Whether `version` of `product` is supported, with a note for people (unknown products pass)."""
    support = policy().get(product)
    if support is None:
        return Verdict(True, "")
    found = parse(version)
    if found is None:
        return Verdict(True, f"version {version!r} not readable; obskit supports {support.minimum} and later")
    if found < parse(support.minimum):  # type: ignore[operator]
        return Verdict(False, f"{product} {version} is older than {support.minimum}, the oldest obskit supports "
                              f"({support.why})")
    checked = parse(support.checked) or ()
    if found[:2] > checked[:2]:
        return Verdict(True, f"newer than {support.checked}, the version obskit is checked against")
    return Verdict(True, "")


def require(product: str, version: str, refuse: Callable[[str], Exception]) -> Verdict:
    """judge(), raising ``refuse(note)`` when the version is older than the supported minimum; the verdict
    (its note for people) otherwise."""
    verdict = judge(product, version)
    if not verdict.ok:
        raise refuse(verdict.note)
    return verdict
