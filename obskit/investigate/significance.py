"""Significance of a change between the baseline and the window, for counts that vary more than Poisson.

Every count obskit compares (failed requests, slow requests, log lines of a template, calls into a callee) is
compared as a *rate per unit of exposure*: failures per request, lines per span of the operation that logs
them, calls per request served. The test is the conditional one for two Poisson rates: given the total
k_now + k_before, k_now is binomial with p0 = exposure_now / (exposure_now + exposure_before) when nothing
changed. It knows both periods' lengths: a 3-minute window after a 2-minute baseline proves less than after
an hour. Real counts are over-dispersed (the workload mix changes minute to minute, requests come in bursts):
a dispersion factor φ >= 1 scales the counts down (quasi-likelihood), estimated from the baseline's own
buckets where they exist (Pearson χ² / degrees of freedom), never below the policy's floor.

Shares across strata (slow or failed requests per route, each route against its own baseline) use the
Cochran-Mantel-Haenszel statistic. All tests return a signed z (positive: the rate or share rose); the rate
test from the exact binomial tail for small counts.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import cache
from statistics import NormalDist

_NORMAL = NormalDist()
MAX_EXACT = 2000  # effective totals above this use the normal approximation (identical in practice)


def _tail_z(k: float, n: float, p: float) -> float:
    """Signed z of k successes in n Bernoulli(p) trials: from P(X >= k) when k is above the mean, from
    P(X <= k) below it (exact binomial on the rounded effective counts)."""
    if n <= 0 or p <= 0.0 or p >= 1.0:
        return 0.0
    mean = n * p
    if n > MAX_EXACT:
        sd = math.sqrt(n * p * (1 - p))
        diff = k - mean
        return math.copysign(max(0.0, abs(diff) - 0.5), diff) / sd
    ni, ki = int(round(n)), int(round(k))
    ki = min(ki, ni)
    logp, logq = math.log(p), math.log1p(-p)

    def term(i: int) -> float:
        return _log_comb(ni, i) + i * logp + (ni - i) * logq

    if ki > mean:
        tail = _logsumexp([term(i) for i in range(ki, ni + 1)])
        sign = 1.0
    elif ki < mean:
        tail = _logsumexp([term(i) for i in range(0, ki + 1)])
        sign = -1.0
    else:
        return 0.0
    pvalue = min(0.5, math.exp(tail))
    if pvalue <= 0.0:
        return sign * 38.0
    return sign * -_NORMAL.inv_cdf(pvalue)


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


def rate_z(k_now: float, exposure_now: float, k_before: float, exposure_before: float,
           dispersion: float = 1.0) -> float:
    """Signed z that the rate per unit exposure changed (conditional binomial test, counts divided by the
    dispersion). 0 when either period has no exposure: with nothing to compare there is no evidence."""
    if exposure_now <= 0 or exposure_before <= 0:
        return 0.0
    phi = max(1.0, dispersion)
    p0 = exposure_now / (exposure_now + exposure_before)
    return _tail_z(k_now / phi, (k_now + k_before) / phi, p0)


PRIOR_DF = 10.0  # degrees of freedom of the prior belief φ = 1 that the estimate is shrunk towards


def dispersion(buckets: Sequence[tuple[float, float]], floor: float = 1.0) -> float:
    """Pearson χ² per degree of freedom of counts over their exposures, one (count, exposure) pair per
    baseline bucket: 1 for Poisson-like counts, more when the rate wanders. A few buckets estimate it badly
    (two degrees of freedom can say 4 by chance), so the estimate is shrunk towards 1 by its degrees of
    freedom against PRIOR_DF. `floor` when there are fewer than three buckets with exposure, and never less."""
    used = [(k, e) for k, e in buckets if e > 0]
    total_k, total_e = sum(k for k, _ in used), sum(e for _, e in used)
    if len(used) < 3 or total_k <= 0:
        return floor
    rate = total_k / total_e
    chi2 = sum((k - rate * e) ** 2 / (rate * e) for k, e in used)
    df = len(used) - 1
    return max(floor, 1.0 + (chi2 / df - 1.0) * df / (df + PRIOR_DF))


def stratified_z(strata: Sequence[tuple[float, float, float, float]], dispersion: float = 1.0) -> float:
    """Signed z that a share rose across strata (Cochran-Mantel-Haenszel), one (k_now, n_now, k_before,
    n_before) per stratum: each stratum (requests of one route) is compared with its own baseline, so a shift
    of the workload between strata is no change. Continuity-corrected, divided by the root of the dispersion."""
    observed = expected = variance = 0.0
    for a, n1, c, n2 in strata:
        total, hits = n1 + n2, a + c
        if n1 <= 0 or n2 <= 0 or hits <= 0 or hits >= total:
            continue
        observed += a
        expected += n1 * hits / total
        variance += n1 * n2 * hits * (total - hits) / (total * total * (total - 1))
    if variance <= 0:
        return 0.0
    diff = observed - expected
    scale = math.sqrt(max(1.0, dispersion))
    if _support(strata) <= MAX_EXACT_SUPPORT:
        return _exact_stratified_z(strata, observed, expected) / scale
    return math.copysign(max(0.0, abs(diff) - 0.5), diff) / math.sqrt(variance) / scale


MAX_EXACT_SUPPORT = 200  # values the summed window count can take, up to which stratified_z is exact (the
# convolution's cost grows with its square; beyond it every stratum holds enough for the normal approximation)


def _support(strata: Sequence[tuple[float, float, float, float]]) -> int:
    """How many values the summed window count can take given every stratum's margins."""
    out = 1
    for a, n1, c, n2 in strata:
        hits = a + c
        out += int(max(0.0, min(n1, hits) - max(0.0, hits - n2)))
    return out


def _exact_stratified_z(strata: Sequence[tuple[float, float, float, float]], observed: float,
                        expected: float) -> float:
    """Signed z of the one-sided exact p of the summed window counts given every stratum's margins (each
    stratum's hypergeometric distribution convolved: the exact Mantel-Haenszel test) while the sum can take at
    most MAX_EXACT_SUPPORT values (few requests, or rare outcomes). The normal approximation
    misstates small counts both ways: 15 of 15 failing against 6 of 19 is z 4.0 exactly, not 3.3, while 2 of 100
    against 0 of 900 (0.2 expected) is z 2.3, not 3.1."""
    dist = [1.0]
    low = 0
    for a, n1, c, n2 in strata:
        n1i, n2i, hits = int(round(n1)), int(round(n2)), int(round(a + c))
        total = n1i + n2i
        if n1i <= 0 or n2i <= 0 or hits <= 0 or hits >= total:
            continue
        lo, hi = max(0, hits - n2i), min(n1i, hits)
        norm = _log_comb(total, n1i)
        probs = [math.exp(_log_comb(hits, k) + _log_comb(total - hits, n1i - k) - norm) for k in range(lo, hi + 1)]
        dist, low = _convolve(dist, probs), low + lo
    k = int(round(observed)) - low
    if observed == expected or not 0 <= k < len(dist):
        return 0.0
    above = observed > expected
    tail = sum(dist[k:]) if above else sum(dist[:k + 1])
    if tail >= 0.5:
        return 0.0
    z = -_NORMAL.inv_cdf(max(tail, 1e-300))
    return z if above else -z


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _convolve(dist: list[float], probs: list[float]) -> list[float]:
    """The distribution of the sum of two independent counts (0, 1, ... each) from their distributions."""
    joined = [0.0] * (len(dist) + len(probs) - 1)
    for i, p in enumerate(dist):
        if p:
            for j, q in enumerate(probs):
                joined[i + j] += p * q
    return joined


def rank_z(strata: Sequence[tuple[Sequence[float], Sequence[float]]]) -> float:
    """Signed z that the window's values are larger than the baseline's (Wilcoxon rank-sum, stratified: each
    stratum's window values are ranked against that stratum's baseline only, the U statistics summed), one
    (window values, baseline values) per stratum. Ranks know nothing of the scale, so a few huge values
    weigh no more than many moderate ones; ties count half. Small samples (at most MAX_EXACT_PAIRS window x
    baseline pairs in all) get the exact tail of U (the normal approximation understates how unlikely a
    complete separation of 12 requests from 10 is: z 3.9 instead of 4.66); larger ones the continuity-corrected
    normal approximation. 0 without both periods."""
    u = expected = variance = 0.0
    sizes: list[tuple[int, int]] = []
    for now, before in strata:
        n1, n2 = len(now), len(before)
        if not n1 or not n2:
            continue
        # U = the window's rank sum less n1(n1+1)/2 = the pairs (window value, baseline value) where the
        # window's is larger, ties counting half
        ordered = sorted(before)
        for v in now:
            below = bisect_left(ordered, v)
            u += below + (bisect_right(ordered, v) - below) / 2
        expected += n1 * n2 / 2
        variance += n1 * n2 * (n1 + n2 + 1) / 12
        sizes.append((n1, n2))
    if variance <= 0:
        return 0.0
    diff = u - expected
    if sum(a * b for a, b in sizes) <= MAX_EXACT_PAIRS:
        return _exact_rank_z(u, expected, sizes)
    return math.copysign(max(0.0, abs(diff) - 0.5), diff) / math.sqrt(variance)


MAX_EXACT_PAIRS = 600  # window x baseline pairs (all strata) up to which rank_z uses the exact distribution


@cache
def _u_counts(n1: int, n2: int) -> tuple[int, ...]:
    """Of the C(n1+n2, n1) orders of n1 window and n2 baseline values (no ties), how many give U = 0..n1*n2:
    the largest value is a window value (larger than all n2 baseline values) or a baseline value."""
    if n1 == 0 or n2 == 0:
        return (1,)
    out = [0] * (n1 * n2 + 1)
    for u, c in enumerate(_u_counts(n1 - 1, n2)):
        out[u + n2] += c
    for u, c in enumerate(_u_counts(n1, n2 - 1)):
        out[u] += c
    return tuple(out)


def _exact_rank_z(u: float, expected: float, sizes: list[tuple[int, int]]) -> float:
    """Signed z of the one-sided exact p of the summed U (each stratum's null distribution convolved)."""
    dist = [1.0]
    for n1, n2 in sorted(sizes):
        total = math.comb(n1 + n2, n1)
        dist = _convolve(dist, [c / total for c in _u_counts(n1, n2)])
    if u == expected:
        return 0.0
    above = u > expected
    tail = sum(p for i, p in enumerate(dist) if (i >= u if above else i <= u))
    if tail >= 0.5:
        return 0.0
    z = -_NORMAL.inv_cdf(max(tail, 1e-300))
    return z if above else -z
