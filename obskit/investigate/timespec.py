"""Time arguments of `obskit investigate`: RFC 3339, epoch seconds, and relative forms.

Accepted: `2026-11-21T10:00:00Z` (RFC 3339, any offset), `1763719200` (epoch seconds), `now`,
`now-1h`, `-90m`, `2h ago`. Durations: `90s`, `15m`, `1h`, `2d`, `1h30m` (Prometheus' syntax, obskit.duration).
"""

from __future__ import annotations

import re
from datetime import datetime

from obskit.duration import parse_seconds as seconds_of
from obskit.errors import InputError

MAX_DURATION = 3650 * 86400.0  # windows and baselines longer than ten years are typing mistakes


def parse_duration(text: str, field: str) -> float:
    """A window or baseline length: a Prometheus duration (obskit.duration, the one parser), above zero."""
    try:
        seconds = seconds_of(text.strip().lower())
    except ValueError:
        raise InputError(f"{field}: {text!r} is not a duration",
                         hint="use e.g. 90s, 15m, 1h, 2d or 1h30m (units largest first, each once)") from None
    if seconds <= 0:
        raise InputError(f"{field}: {text!r} must be longer than zero")
    if seconds > MAX_DURATION:
        raise InputError(f"{field}: {text!r} is out of range", hint="at most 10 years (3650d)")
    return seconds


def parse_time(text: str, field: str, now: float) -> float:
    value = text.strip()
    low = value.lower()
    if low == "now":
        return now
    if low.startswith("now-"):
        return now - parse_duration(low[4:], field)
    if low.startswith("-") and not re.fullmatch(r"-\d+(\.\d+)?", low):
        return now - parse_duration(low[1:], field)
    if low.endswith(" ago"):
        return now - parse_duration(low[:-4], field)
    if re.fullmatch(r"\d{9,11}(\.\d+)?", value):
        return float(value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InputError(
            f"{field}: {text!r} is not a time",
            hint="use RFC 3339 with a zone (2026-11-21T10:00:00Z), epoch seconds, now, now-1h, -30m or '2h ago'",
        )
    return parsed.timestamp()
