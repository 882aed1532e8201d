"""histogram_quantile on our side of the wire, with the semantics the Prometheus docs give it.

The batched metrics path fetches a histogram's bucket rates once (`sum by (le, <service>)`) and computes
p50/p95/p99 here, instead of asking Prometheus three times to decode every bucket series. To stay
interchangeable with PromQL's `histogram_quantile`, this follows its documented rules exactly: buckets are
(upper bound `le`, cumulative count); the highest bound must be +Inf; buckets with the same bound are
merged; counts are made monotonic; fewer than two buckets or no observations give no value; a rank in
the +Inf bucket gives the second-highest bound; the lowest bucket starts at 0 unless its bound is <= 0
(then the bound is the answer); otherwise linear interpolation inside the bucket holding the rank.
tests/integration/sources/test_histogram_quantile.py checks it against a real Prometheus.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

Bucket = tuple[float, float]  # (upper bound, cumulative count)


def bucket_bound(le: str) -> float | None:
    """The upper bound a `le` label value stands for (None when it is not a number: such series are ignored)."""
    text = le.strip()
    if "_" in text or text != le:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def bucket_quantile(q: float, buckets: Iterable[Bucket]) -> float | None:
    """The q-quantile (0 <= q <= 1) of one histogram sample; None where PromQL answers NaN or +-Inf."""
    return _quantile(q, _prepared(buckets))


def bucket_quantiles(qs: tuple[float, ...], buckets: Iterable[Bucket]) -> list[float | None]:
    """bucket_quantile() for several quantiles of one sample (its buckets are prepared once)."""
    merged = _prepared(buckets)
    return [_quantile(q, merged) for q in qs]


def _prepared(buckets: Iterable[Bucket]) -> list[list[float]] | None:
    """The sample's buckets sorted, equal bounds merged and counts made monotonic; None when no quantile
    can come of them (no +Inf bucket, fewer than two buckets, no observations)."""
    merged: list[list[float]] = []
    for bound, count in sorted(buckets, key=lambda b: b[0]):
        if merged and merged[-1][0] == bound:
            merged[-1][1] += count
        else:
            merged.append([bound, count])
    if not merged or merged[-1][0] != math.inf:
        return None
    highest = -math.inf
    for bucket in merged:  # counts can dip through scrape/rate artefacts: never let them go down
        if bucket[1] > highest:
            highest = bucket[1]
        elif bucket[1] < highest:
            bucket[1] = highest
    if len(merged) < 2 or merged[-1][1] == 0:
        return None
    return merged


def _quantile(q: float, merged: list[list[float]] | None) -> float | None:
    if merged is None:
        return None
    rank = q * merged[-1][1]
    b = next((i for i in range(len(merged) - 1) if merged[i][1] >= rank), len(merged) - 1)
    if b == len(merged) - 1:
        value = merged[-2][0]
    elif b == 0 and merged[0][0] <= 0:
        value = merged[0][0]
    else:
        start, end, count = 0.0, merged[b][0], merged[b][1]
        if b > 0:
            start = merged[b - 1][0]
            count -= merged[b - 1][1]
            rank -= merged[b - 1][1]
        value = start + (end - start) * _divide(rank, count)
    return value if math.isfinite(value) else None


def counts_quantiles(qs: tuple[float, ...], bounds: tuple[float, ...], counts: list[float]) -> list[float | None]:
    """bucket_quantiles() of an OTLP explicit-bucket histogram: `counts` per bucket (not cumulative), one more
    than `bounds` (the last bucket is (highest bound, +Inf]); counts past len(bounds) + 1 fall into +Inf."""
    cumulative, total = [], 0.0
    for c in counts:
        total += c
        cumulative.append(total)
    return bucket_quantiles(qs, [*zip(bounds, cumulative, strict=False), (math.inf, total)])


def _divide(a: float, b: float) -> float:
    """IEEE division (as Go does it): x/0 is +-Inf, 0/0 is NaN."""
    if b != 0:
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)
