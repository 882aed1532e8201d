"""Periods of OTLP points and how they spread over step buckets."""

from __future__ import annotations

import pytest

from obskit.sources.intervals import Buckets, Tracker
from obskit.sources.window import Window

S = 10**9


def test_a_five_minute_delta_spreads_over_five_minute_buckets() -> None:
    grid = Buckets.of(Window(0, 600, 60))
    shares = grid.shares(0, 300 * S)
    assert [i for i, _ in shares] == [0, 1, 2, 3, 4]
    assert sum(share for _, share in shares) == pytest.approx(1.0)


def test_partial_overlap_and_outside() -> None:
    grid = Buckets.of(Window(0, 120, 60))
    assert grid.shares(30 * S, 90 * S) == [(0, 0.5), (1, 0.5)]
    assert grid.shares(None, 60 * S) == [(0, 1.0)]  # an instant: the bucket (0, 60]
    assert grid.shares(-100 * S, 0) == []  # before the window
    assert sum(s for _, s in grid.shares(-60 * S, 60 * S)) == pytest.approx(0.5)  # half of it is in the window


def test_cumulative_increases_and_resets() -> None:
    tracker = Tracker(range_start_ns=0)
    key = ("requests",)
    assert tracker.increase(key, 60 * S, -3600 * S, 100.0, "cumulative") is None  # started before the range
    assert tracker.increase(key, 120 * S, -3600 * S, 160.0, "cumulative") == (60 * S, 60.0)
    assert tracker.increase(key, 180 * S, 150 * S, 20.0, "cumulative") == (150 * S, 20.0)  # restarted at 150 s
    assert tracker.increase(("d",), 300 * S, 0, 5.0, "delta") == (None, 5.0)  # no start time: an instant
    assert tracker.increase(("d",), 600 * S, 300 * S, 7.0, "delta") == (300 * S, 7.0)


def test_values_hold_since_the_previous_point() -> None:
    tracker = Tracker(range_start_ns=0)
    assert tracker.hold(("g",), 60 * S, 0) is None
    assert tracker.hold(("g",), 360 * S, 0) == 60 * S
    assert tracker.hold(("p",), 600 * S, 300 * S) == 300 * S  # its own start
    assert tracker.hold(("p",), 5 * 3600 * S, 0) == 4 * 3600 * S  # never more than an hour


def test_a_point_stored_twice_adds_nothing_the_second_time() -> None:
    tracker = Tracker(range_start_ns=0)
    key = ("requests",)
    assert tracker.increase(key, 120 * S, 60 * S, 40.0, "cumulative") == (60 * S, 40.0)  # began in the range
    assert tracker.increase(key, 120 * S, 60 * S, 40.0, "cumulative") == (120 * S, 0.0)  # the same point again
    assert tracker.increase(key, 180 * S, 60 * S, 70.0, "cumulative") == (120 * S, 30.0)
    assert tracker.increase_list(("b",), 120 * S, 60 * S, [30.0, 10.0], "cumulative") == (60 * S, [30.0, 10.0])
    assert tracker.increase_list(("b",), 120 * S, 60 * S, [30.0, 10.0], "cumulative") == (120 * S, [0.0, 0.0])
