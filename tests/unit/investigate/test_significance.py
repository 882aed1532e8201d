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
    # large enough for the normal approximation (900 pairs): window 15 x 4 and 15 x 6, baseline 10 x 1, 2, 4.
    # A 4 is above 20 baseline values and ties 10 (counting 5): 25 each; a 6 is above all 30: U = 375 + 450
    now, before = [4.0, 6.0] * 15, [1.0, 2.0, 4.0] * 10
    variance = 30 * 30 * 61 / 12
    assert rank_z([(now, before)]) == pytest.approx((825 - 450 - 0.5) / variance ** 0.5)
    assert rank_z([(before, now)]) == pytest.approx(-(825 - 450 - 0.5) / variance ** 0.5)


def _enumerated_tail(strata: list[tuple[list[float], list[float]]]) -> float:
    """P(summed U >= observed) by listing every way each stratum's values could have fallen into the periods."""
    from itertools import combinations, product

    def u_of(now: list[float], before: list[float]) -> float:
        return sum((a > b) + 0.5 * (a == b) for a in now for b in before)

    observed = sum(u_of(a, b) for a, b in strata)
    per_stratum = []
    for now, before in strata:
        values = now + before
        per_stratum.append([u_of([values[i] for i in pick], [values[i] for i in range(len(values)) if i not in pick])
                            for pick in combinations(range(len(values)), len(now))])
    totals = [sum(us) for us in product(*per_stratum)]
    return sum(t >= observed for t in totals) / len(totals)


def test_rank_z_of_small_samples_is_the_exact_tail() -> None:
    from statistics import NormalDist
    # twelve window values above ten baseline ones: one order of C(22, 12)
    z = rank_z([([10.0 + i for i in range(12)], [float(i) for i in range(10)])])
    assert z == pytest.approx(-NormalDist().inv_cdf(1 / 646646))
    assert z > 4.6  # the normal approximation gives 3.9
    strata = [([5.0, 7.0, 9.0], [1.0, 6.0]), ([3.0, 4.0], [2.0, 8.0]), ([11.0, 12.0], [10.0])]
    assert rank_z(strata) == pytest.approx(-NormalDist().inv_cdf(_enumerated_tail(strata)))
    assert rank_z([([1.0, 4.0], [2.0, 3.0])]) == 0.0  # U at its middle: no evidence


def _enumerated_share_tail(strata: list[tuple[int, int, int, int]]) -> float:
    """P(summed window hits >= observed) by listing every way each stratum's hits could have fallen into the
    periods (each stratum's margins fixed)."""
    from itertools import combinations, product

    observed = sum(a for a, _, _, _ in strata)
    per_stratum = []
    for a, n1, c, n2 in strata:
        items = [1] * (a + c) + [0] * (n1 + n2 - a - c)
        per_stratum.append([sum(items[i] for i in pick) for pick in combinations(range(n1 + n2), n1)])
    ways = above = 0
    for combo in product(*per_stratum):
        ways += 1
        above += sum(combo) >= observed
    return above / ways


def test_stratified_z_of_small_counts_is_the_exact_conditional_tail() -> None:
    from statistics import NormalDist

    for strata in ([(5, 6, 1, 7)], [(3, 4, 1, 5), (4, 5, 2, 6)], [(2, 3, 0, 8), (1, 4, 1, 4)]):
        tail = _enumerated_share_tail(strata)
        z = stratified_z([tuple(map(float, s)) for s in strata])
        assert z == pytest.approx(-NormalDist().inv_cdf(tail), rel=1e-6)
    # the normal approximation understates a complete change in few requests and overstates rare events
    assert stratified_z([(15.0, 15.0, 6.0, 19.0)]) == pytest.approx(4.02, abs=0.01)
    assert stratified_z([(2.0, 100.0, 0.0, 900.0)]) == pytest.approx(2.33, abs=0.01)
    assert stratified_z([(0.0, 15.0, 6.0, 19.0)]) < -2.0  # what stopped: the lower tail


def test_stratified_z_of_many_requests_and_outcomes_is_the_normal_approximation() -> None:
    big = [(600.0, 1500.0, 300.0, 1500.0)]  # the summed count could take 901 values
    observed, expected = 600.0, 1500.0 * 900 / 3000
    variance = 1500.0 * 1500.0 * 900 * 2100 / (3000.0 ** 2 * 2999)
    assert stratified_z(big) == pytest.approx((observed - expected - 0.5) / variance ** 0.5)
