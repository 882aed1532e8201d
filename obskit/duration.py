"""Durations, the one parser: Prometheus' syntax (``5m``, ``1h30m``, ``3d``, ``500ms``, ``0``) to and from seconds.

As Prometheus' model.ParseDuration: units from the largest to the smallest, each at most once
(``y w d h m s ms``), so ``30m1h`` and ``1h1h`` are refused as Prometheus refuses them. Rule files, SLO
specs, lint settings, flags (``--scrape-interval``) and investigate's windows (``--since 1h30m``,
obskit.investigate.timespec) all read durations here.
"""

from __future__ import annotations

import re

UNITS = {"y": 365 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION = re.compile(r"(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?")
EXPECTED = "expected e.g. 30s, 5m, 1h30m or 3d: units from y, w, d, h, m, s to ms, largest first, each once"


_UNIT_MS = (365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1)
MAX_MILLISECONDS = (2**63 - 1) // 1_000_000  # a Go time.Duration holds nanoseconds in an int64


def parse_milliseconds(text: str) -> int:
    """Milliseconds in a Prometheus duration; ValueError naming the expected form otherwise (or when it is
    longer than Prometheus can hold, about 292 years)."""
    text = str(text).strip()
    if text == "0":
        return 0
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"{text!r} is not a valid duration ({EXPECTED})")
    total = sum(int(part) * unit for part, unit in zip(match.groups(), _UNIT_MS, strict=True) if part)
    if total > MAX_MILLISECONDS:
        raise ValueError(f"{text!r} is too long a duration (at most about 292 years)")
    return total


def parse_seconds(text: str) -> float:
    """Seconds (milliseconds kept as a fraction); ValueError naming the expected form otherwise."""
    return parse_milliseconds(text) / 1000


def parse_duration(text: str) -> int:
    """Whole seconds in a Prometheus duration (milliseconds are rounded down); ValueError otherwise."""
    return int(parse_seconds(text))


def format_duration(seconds: int) -> str:
    """The shortest single-unit form when exact (``86400`` -> ``1d``), else compound (``1h30m``)."""
    for unit in ("w", "d", "h", "m", "s"):
        if seconds and seconds % UNITS[unit] == 0 and unit != "w":
            return f"{seconds // UNITS[unit]}{unit}"
    out, rest = "", seconds
    for unit in ("d", "h", "m", "s"):
        if rest >= UNITS[unit]:
            out += f"{rest // UNITS[unit]}{unit}"
            rest %= UNITS[unit]
    return out or "0s"
