"""Error ratios of RED from spans carry their request counts: one failure among few requests is no incident,
a burst of failures among many is."""

from __future__ import annotations

from obskit.investigate.metrics import score_series
from obskit.sources.metrics import Series
from obskit.sources.window import Window

BASELINE = Window(0, 600, 15)
WINDOW = Window(600, 780, 15)


def ratio(window_failures: int, per_step: int) -> Series:
    points, counts = [], []
    for i in range(52):
        ts = i * 15.0
        failed = (1 if i % 10 == 0 else 0) if ts < 600 else window_failures
        points.append((ts, failed / per_step))
        counts.append(per_step)
    return Series("error_ratio", "cart", points, {"source": "spans"}, counts=counts)


def test_one_failure_among_fifteen_requests_is_noise() -> None:
    assert score_series(ratio(1, 15), WINDOW, BASELINE) is None


def test_many_failures_among_many_requests_is_an_anomaly() -> None:
    finding = score_series(ratio(30, 200), WINDOW, BASELINE)
    assert finding is not None and finding.kind == "errors" and finding.onset == 600


def test_without_counts_the_ratio_is_scored_as_a_series() -> None:
    series = ratio(1, 15)
    series.counts = []
    assert score_series(series, WINDOW, BASELINE) is not None  # 6.7 % vs 0: what a metric ratio alone says
