"""bucket_quantile by hand-worked cases (tests/integration/sources/test_histogram_quantile.py compares it
with a real Prometheus)."""

from __future__ import annotations

import math

import pytest

from obskit.sources.histogram import bucket_bound, bucket_quantile, bucket_quantiles, counts_quantiles

INF = math.inf


@pytest.mark.parametrize(("q", "buckets", "expected"), [
    (0.5, [(0.1, 0.0), (0.25, 10.0), (INF, 10.0)], 0.175),
    (0.5, [(INF, 10.0), (0.25, 10.0), (0.1, 0.0)], 0.175),  # order of arrival does not matter
    (0.25, [(1.0, 4.0), (2.0, 8.0), (INF, 8.0)], 0.5),  # first bucket starts at 0
    (0.75, [(1.0, 4.0), (2.0, 8.0), (INF, 8.0)], 1.5),
    (0.99, [(0.1, 5.0), (INF, 10.0)], 0.1),  # rank in +Inf: second-highest bound
    (0.5, [(-1.0, 6.0), (1.0, 8.0), (INF, 8.0)], -1.0),  # lowest bound <= 0 holds the rank
    (0.5, [(0.1, 6.0), (0.25, 4.0), (INF, 10.0)], 0.1 * 5 / 6),  # dip made monotonic: 0.25 bucket counts 6
    (0.5, [(1.0, 2.0), (1.0, 2.0), (INF, 8.0)], 1.0),  # equal bounds merged: 4 of 8 at <= 1
    (0.5, [(0.1, 0.0), (INF, 0.0)], None),  # no observations
    (0.5, [(0.1, 1.0), (1.0, 2.0)], None),  # no +Inf bucket
    (0.5, [(INF, 5.0)], None),  # one bucket only
    (0.5, [], None),
])
def test_bucket_quantile(q: float, buckets: list[tuple[float, float]], expected: float | None) -> None:
    got = bucket_quantile(q, buckets)
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(("le", "bound"), [("0.25", 0.25), ("+Inf", INF), ("1e3", 1000.0), ("abc", None),
                                           ("1_000", None), (" 1", None), ("", None)])
def test_bucket_bound(le: str, bound: float | None) -> None:
    assert bucket_bound(le) == bound


@pytest.mark.parametrize(("q", "bounds", "counts", "expected"), [
    (0.5, (0.1, 0.25), [0.0, 10.0, 0.0], 0.175),
    (0.99, (0.1, 0.25), [5.0, 4.0, 1.0], 0.25),  # rank in (0.25, +Inf]: the highest finite bound
    (0.5, (-1.0, 1.0), [6.0, 2.0, 0.0], -1.0),  # lowest bound <= 0 holds the rank: the bound, as PromQL
    (0.5, (0.1, 0.25), [6.0, -2.0, 6.0], 0.1 * 5 / 6),  # a negative bucket (counter artefact) counts nothing
    (0.5, (0.1, 0.25), [0.0, 0.0, 0.0], None),  # no observations
    (0.5, (), [7.0], None),  # only the +Inf bucket
    (0.75, (0.1, 0.25), [4.0, 4.0], 0.175),  # no +Inf count: the last count is the total
])
def test_counts_quantiles_are_bucket_quantiles_of_per_bucket_counts(
        q: float, bounds: tuple[float, ...], counts: list[float], expected: float | None) -> None:
    got = counts_quantiles((q,), bounds, counts)[0]
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(("bounds", "counts"), [
    ((0.1, 0.25, 1.0), [3.0, 10.0, 5.0, 1.0]),
    ((0.1, 0.25), [6.0, -2.0, 6.0]),  # a dip made monotonic once serves every quantile
    ((-1.0, 1.0), [6.0, 2.0, 0.0]),
    ((0.1, 0.25), [0.0, 0.0, 0.0]),  # no observations: no quantile at all
    ((), [7.0]),
])
def test_counts_quantiles_give_each_quantile_as_asked_alone(bounds: tuple[float, ...], counts: list[float]) -> None:
    qs = (0.0, 0.5, 0.9, 0.95, 0.99, 1.0)
    assert counts_quantiles(qs, bounds, counts) == [counts_quantiles((q,), bounds, counts)[0] for q in qs]


def test_bucket_quantiles_give_each_quantile_as_asked_alone() -> None:
    sample = [(0.25, 10.0), (INF, 12.0), (0.1, 4.0), (0.25, 1.0), (0.5, 9.0)]  # unordered, a repeated bound, a dip
    qs = (0.0, 0.5, 0.9, 0.99, 1.0)
    assert bucket_quantiles(qs, sample) == [bucket_quantile(q, sample) for q in qs]
    assert bucket_quantiles(qs, [(0.1, 3.0)]) == [None] * len(qs)  # no +Inf bucket
