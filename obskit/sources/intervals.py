"""What period an OTLP point covers, and how it spreads over a window's step buckets.

A delta point covers (start, time]: a 5-minute count is spread over the five 1-minute steps it spans, not
put whole into one (which would make its rate five times too high). A cumulative point covers the time since
the previous point of its series (the increase is the difference), or since its start when that lies inside
the fetched range (a series that began or reset). A value (gauge, summary quantile) holds over (start, time]
or since the previous point of its series, at most MAX_HOLD. Buckets are (start + i*step, start + (i+1)*step],
as everywhere in the local store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from obskit.sources.window import Window

MAX_HOLD_NS = 3600 * 10**9  # a value is never held longer than an hour


@dataclass
class Buckets:
    """The step buckets of a window, in nanoseconds."""

    start_ns: int
    step_ns: int
    count: int

    @classmethod
    def of(cls, window: Window) -> Buckets:
        step_ns = int(window.step * 1e9)
        return cls(int(window.start * 1e9), step_ns, max(1, -(-int(window.seconds * 1e9) // step_ns)))

    def index(self, ts_ns: int) -> int:
        return (ts_ns - 1 - self.start_ns) // self.step_ns

    def shares(self, lo_ns: int | None, hi_ns: int) -> list[tuple[int, float]]:
        """(bucket, share) of the period (lo, hi] inside the window; an instant (lo None) is whole in hi's bucket."""
        if lo_ns is None or lo_ns >= hi_ns:
            i = self.index(hi_ns)
            return [(i, 1.0)] if 0 <= i < self.count else []
        length = hi_ns - lo_ns
        out = []
        first, last = max(0, self.index(lo_ns + 1)), min(self.count - 1, self.index(hi_ns))
        for i in range(first, last + 1):
            b_lo = self.start_ns + i * self.step_ns
            overlap = min(hi_ns, b_lo + self.step_ns) - max(lo_ns, b_lo)
            if overlap > 0:
                out.append((i, overlap / length))
        return out

    def time(self, index: int) -> float:
        """The bucket's timestamp as series points carry it (its start, epoch seconds)."""
        return (self.start_ns + index * self.step_ns) / 1e9


@dataclass
class Tracker:
    """Previous (time, start, value) per series and part, to turn points into increases over periods."""

    range_start_ns: int  # the earliest time rows were fetched from
    previous: dict[tuple, tuple[int, int, float]] = field(default_factory=dict)
    lists: dict[tuple, list[float]] = field(default_factory=dict)

    def increase(self, key: tuple, ts: int, start: int, value: float,
                 temporality: str) -> tuple[int | None, float] | None:
        """(period start or None for an instant, increase) of a counter-like value (sum, count, sum of
        values, bucket counts use the same period as their count); None when nothing can be said."""
        prev = self.previous.get(key)
        self.previous[key] = (ts, start, value)
        if temporality == "delta":
            return (start if 0 < start < ts else None), value
        if prev is not None and prev[1] == start and value >= prev[2] and prev[0] <= ts:
            return prev[0], value - prev[2]  # a point sent twice (same time) adds what it grew by: nothing
        if 0 < start < ts and start >= self.range_start_ns:
            return start, value  # began (or reset) inside the range: everything since start
        if temporality == "" and start == 0 and prev is None:
            return None, value  # no temporality and no start (a hand-made summary): the point's own period
        return None

    def increase_list(self, key: tuple, ts: int, start: int, values: list[float],
                      temporality: str) -> tuple[int | None, list[float]] | None:
        """increase() for a list of counters that move together (histogram bucket counts)."""
        prev = self.lists.get(key)
        self.lists[key] = values
        found = self.increase(key, ts, start, sum(values), temporality)
        if found is None:
            return None
        since, _ = found
        if temporality != "delta" and prev is not None and since is not None and since != start:
            return since, [max(0.0, a - b) for a, b in zip(values, prev, strict=False)]
        return since, values

    def hold(self, key: tuple, ts: int, start: int) -> int | None:
        """Since when a value reported at ts holds: its start, or the previous point of its series."""
        prev = self.previous.get(key)
        self.previous[key] = (ts, start, 0.0)
        since = max(start if 0 < start < ts else 0, prev[0] if prev is not None and prev[0] < ts else 0)
        if since == 0:
            return None
        return max(since, ts - MAX_HOLD_NS)
