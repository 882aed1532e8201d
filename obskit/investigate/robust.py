"""Robust statistics for anomaly scores: median/MAD z-scores against a baseline (as BARO does)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

MAD_TO_SIGMA = 1.4826  # MAD of a normal distribution times this is its standard deviation


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return math.nan
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def robust_scale(baseline: Sequence[float], floor: float) -> tuple[float, float]:
    """(median, scale) of the baseline; the scale never drops below `floor` (flat baselines)."""
    med = median(baseline)
    mad = median([abs(v - med) for v in baseline])
    return med, max(MAD_TO_SIGMA * mad, floor)


def z_scores(values: Sequence[float], center: float, scale: float) -> list[float]:
    return [(v - center) / scale for v in values]


def onset(points: Sequence[tuple[float, float]], threshold: float, sustain: int = 2) -> float | None:
    """Start of the first run of `sustain` consecutive points whose z-score is >= threshold.

    A single spike counts only when it is the last point (the anomaly may have just begun).
    """
    run_start: float | None = None
    run = 0
    for i, (ts, z) in enumerate(points):
        if z >= threshold:
            if run == 0:
                run_start = ts
            run += 1
            if run >= sustain or i == len(points) - 1:
                return run_start
        else:
            run = 0
    return None


def poisson_z(observed: float, expected: float) -> float:
    """How many standard deviations `observed` counts lie above a Poisson `expected` (Anscombe-stabilised)."""
    return 2.0 * (math.sqrt(observed + 3 / 8) - math.sqrt(expected + 3 / 8))


def sustained_change(counts: Mapping[float, float], starts: Sequence[float], expected: float, threshold: float,
                     both_ways: bool = False) -> float | None:
    """The first of two steps in a row (`starts`: the steps' start times, keys of `counts`; a missing step
    counts 0) whose count lies above `expected` per step by a Poisson z of at least `threshold` (either way
    with `both_ways`): a lone early step -- background errors that happened to cluster -- dates no change."""
    points = [(ts, poisson_z(counts.get(ts, 0), expected)) for ts in starts]
    if both_ways:
        points = [(ts, abs(z)) for ts, z in points]
    return onset(points, threshold, sustain=2)
