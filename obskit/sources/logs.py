"""Logs signal: server-side counts by interval and level, and a bounded sample of records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from obskit.sources.window import Window

LEVELS = ("error", "warn", "info", "debug")  # normalised level names


@dataclass
class LogCount:
    ts: float  # bucket start, epoch seconds
    level: str  # one of LEVELS ("fatal"/"critical" fold into error, "warning" into warn)
    count: int


@dataclass(slots=True)  # tens of thousands per investigation (samples): no per-object dict
class LogRecord:
    ts: float
    service: str
    level: str
    message: str
    trace_id: str | None = None
    span_id: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SampleAsk:
    """One spread sample of a batch (a source's optional `spread_samples`): the services' lines at `levels` in
    `window`, about `limit` per service; `totals` are their line counts there, which the asker already has."""

    window: Window
    levels: tuple[str, ...]
    totals: dict[str, int]
    limit: int


class LogsSource(Protocol):
    name: str  # "elasticsearch" or "local"

    def counts(self, service: str, window: Window, levels: tuple[str, ...] = ("error", "warn")) -> list[LogCount]:
        """Counts per window.step bucket and level, computed by the backend (aggregation/GROUP BY)."""
        ...

    def sample(
        self, service: str, window: Window, levels: tuple[str, ...] = ("error", "warn"), limit: int = 2000
    ) -> list[LogRecord]:
        """At most `limit` records in the window, newest first."""
        ...

    def spread_sample(self, services: list[str], window: Window, levels: tuple[str, ...],
                      limit: int) -> dict[str, list[LogRecord]]:
        """Per service at most about `limit` records, spread evenly over the window (not only the newest), for
        template mining: `attributes` may be left empty."""
        ...

    def query_text(self, service: str, levels: tuple[str, ...] = ("error", "warn")) -> str | None:
        """The backend query (Lucene/KQL or SQL) a person can paste into Explore/Kibana."""
        ...


def sample_in_slices(source: LogsSource, service: str, window: Window, levels: tuple[str, ...], limit: int,
                     slices: int = 6) -> list[LogRecord]:
    """`spread_sample` for one service through `sample` alone: all records when they fit in `limit`,
    otherwise an even share of each of `slices` equal slices of the window (a backend answers the newest
    first, which alone would bias a sample towards the window's end)."""
    records = source.sample(service, window, levels, limit)
    if len(records) < limit or slices <= 1:
        return records
    width = window.seconds / slices
    out: list[LogRecord] = []
    for i in range(slices):
        part = Window(window.start + i * width, window.start + (i + 1) * width, window.step)
        out += source.sample(service, part, levels, max(1, limit // slices))
    return out
