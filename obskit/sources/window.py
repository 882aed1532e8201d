"""The time window every source query is about: [start, end) in epoch seconds (UTC), with a step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


def rfc3339(ts: float) -> str:
    """Epoch seconds as RFC 3339 UTC to the second: the one timestamp format obskit prints."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Window:
    start: float  # epoch seconds, UTC
    end: float
    step: float = 60.0  # bucket width for series and counts, seconds

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"window end {self.end} is not after start {self.start}")
        if self.step <= 0:
            raise ValueError("window step must be positive")

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def iso(self) -> tuple[str, str]:
        return rfc3339(self.start), rfc3339(self.end)
