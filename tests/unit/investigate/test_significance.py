"""The count and shift tests behind every comparison: they know both periods' lengths and over-dispersion."""

from __future__ import annotations

import pytest

from obskit.investigate.significance import dispersion, rank_z, rate_z, stratified_z


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


def test_stratified_z_compares_each_stratum_with_its_own_baseline() -> None:
    # stratum A fails 1 %, stratum B 30 %, in both periods; the window simply has more B: no change
    mix = [(2.0, 200.0, 10.0, 1000.0), (90.0, 300.0, 30.0, 100.0)]
    assert abs(stratified_z(mix)) < 1.0
    # stratum A rising from 1 % to 20 %: a change, weakened by dispersion
    rise = [(40.0, 200.0, 10.0, 1000.0), (30.0, 100.0, 30.0, 100.0)]
    assert stratified_z(rise) > 4.0
    assert stratified_z(rise, dispersion=4.0) == pytest.approx(stratified_z(rise) / 2.0)
    assert stratified_z([(0.0, 0.0, 5.0, 10.0)]) == 0.0  # no exposure: no evidence


def test_rank_z_sees_a_shift_and_nothing_in_the_same_distribution() -> None:
    base = [0.1 + 0.01 * i for i in range(20)]
    assert rank_z([([v + 1.0 for v in base[:12]], base)]) > 4.0  # every window value above every baseline one
    assert rank_z([([v - 1.0 for v in base[:12]], base)]) < -4.0
    assert abs(rank_z([(base[::2], base[1::2])])) < 1.0
    assert rank_z([([], base)]) == 0.0


def test_rank_z_ranks_each_stratum_against_its_own_baseline() -> None:
    fast, slow = [0.01 * i for i in range(1, 21)], [1.0 + 0.01 * i for i in range(1, 21)]
    # more slow-route requests in the window: pooled they look slower, per route nothing moved
    assert abs(rank_z([(fast[::4], fast), (slow, slow)])) < 1.0
    assert rank_z([(fast[::4] + slow, fast + slow[::4])]) > 2.0


def test_rank_z_counts_ties_half_as_the_mann_whitney_u_does() -> None:
    # window [2, 3, 3], baseline [1, 3, 5]: pairs where the window's value is larger: 2>1, 3>1, 3>1 = 3, ties
    # 3=3 twice count 1, so U = 4 against n1*n2/2 = 4.5; variance 3*3*7/12 = 5.25; continuity 0.5 -> z = 0
    assert rank_z([([2.0, 3.0, 3.0], [1.0, 3.0, 5.0])]) == 0.0
    # window [4, 6], baseline [1, 2, 4]: U = 2.5 + 3 = 5.5 vs 3; variance 2*3*6/12 = 3 -> (2.5 - 0.5) / sqrt(3)
    assert rank_z([([4.0, 6.0], [1.0, 2.0, 4.0])]) == pytest.approx(2.0 / 3 ** 0.5)
    # strata add their U, expectations and variances
    assert rank_z([([4.0, 6.0], [1.0, 2.0, 4.0]), ([2.0, 3.0, 3.0], [1.0, 3.0, 5.0])]) == pytest.approx(
        (5.5 + 4 - 3 - 4.5 - 0.5) / (3 + 5.25) ** 0.5)
