"""The count and shift tests behind every comparison: they know both periods' lengths and over-dispersion."""

from __future__ import annotations

import random

import pytest

from obskit.investigate.significance import dispersion, proportion_z, rate_z, shift_z


def test_rate_z_new_events_after_a_short_baseline_prove_less_than_after_a_long_one() -> None:
    # five lines in 3 minutes, none before: after 2 minutes of baseline that is weak, after an hour strong
    short = rate_z(5, 180, 0, 120)
    long = rate_z(5, 180, 0, 3600)
    assert 0 < short < 2.0
    assert long > 4.0


def test_rate_z_follows_the_exposure_not_the_clock() -> None:
    # a template that doubles because its operation's traffic doubled is not a change per request
    assert abs(rate_z(200, 200, 100, 100)) < 1.0
    # the same count with flat traffic is a change
    assert rate_z(200, 100, 100, 100) > 5.0


def test_rate_z_sees_what_stopped_happening() -> None:
    assert rate_z(0, 100, 90, 100) < -5.0


def test_rate_z_dispersion_weakens_the_evidence() -> None:
    plain = rate_z(60, 100, 30, 100)
    assert rate_z(60, 100, 30, 100, dispersion=4.0) < plain / 1.5


def test_rate_z_without_exposure_is_no_evidence() -> None:
    assert rate_z(50, 100, 0, 0) == 0.0
    assert rate_z(50, 0, 10, 100) == 0.0


def test_proportion_z_steady_background_errors_are_not_a_change() -> None:
    # 5 % failures all day: the window's 5.5 % is noise, 20 % is not
    assert abs(proportion_z(11, 200, 100, 2000)) < 1.0
    assert proportion_z(40, 200, 100, 2000) > 5.0


def test_dispersion_of_steady_counts_is_one_and_of_bursts_is_more() -> None:
    steady = [(10.0, 100.0), (11.0, 100.0), (9.0, 100.0), (10.0, 100.0), (10.0, 100.0)]
    bursts = [(0.0, 100.0), (30.0, 100.0), (0.0, 100.0), (25.0, 100.0), (0.0, 100.0), (28.0, 100.0)]
    assert dispersion(steady) == pytest.approx(1.0)
    assert dispersion(bursts) > 3.0
    assert dispersion(bursts[:2]) == 1.0  # too few buckets to estimate: the floor


def test_dispersion_of_few_buckets_is_shrunk_towards_one() -> None:
    few = [(0.0, 100.0), (20.0, 100.0), (0.0, 100.0)]
    many = few * 8
    assert 1.0 < dispersion(few) < dispersion(many)


def test_shift_z_detects_a_slower_distribution_and_ignores_a_resample() -> None:
    rng = random.Random(7)
    before = [rng.lognormvariate(-2.0, 0.5) for _ in range(200)]
    same = [rng.lognormvariate(-2.0, 0.5) for _ in range(150)]
    slower = [rng.lognormvariate(-1.5, 0.5) for _ in range(150)]
    assert abs(shift_z(same, before)) < 3.0
    assert shift_z(slower, before) > 5.0
    assert shift_z(before, slower) < -5.0
    assert shift_z(slower, before, dispersion=4.0) == pytest.approx(shift_z(slower, before) / 2.0)


def test_shift_z_all_ties_is_zero() -> None:
    assert shift_z([1.0] * 30, [1.0] * 30) == 0.0
    assert shift_z([], [1.0]) == 0.0
