"""Prometheus durations (``5m``, ``1h30m``, ``3d``) to and from whole seconds."""

from __future__ import annotations

import re

UNITS = {"y": 365 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+)(ms|y|w|d|h|m|s)")


def parse_duration(text: str) -> int:
    """Seconds in a Prometheus duration; ValueError when it is not one (milliseconds are rounded down)."""
    text = str(text).strip()
    pos, total = 0, 0.0
    if not text:
        raise ValueError("empty duration")
    for match in _PART.finditer(text):
        if match.start() != pos:
            break
        value, unit = int(match.group(1)), match.group(2)
        total += value / 1000 if unit == "ms" else value * UNITS[unit]
        pos = match.end()
    if pos != len(text):
        raise ValueError(f"not a Prometheus duration: {text!r} (expected e.g. 30s, 5m, 1h, 3d)")
    return int(total)


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
