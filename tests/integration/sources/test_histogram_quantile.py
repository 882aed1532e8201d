"""obskit.sources.histogram.bucket_quantile gives exactly what a real Prometheus's histogram_quantile gives.

Each case is an instant query over literal buckets (`label_replace(vector(count), "le", bound, "", "")`
joined with `or`), so no data needs backfilling; hypothesis varies bounds, counts (non-monotonic too),
duplicates, a missing +Inf bucket and the quantile.
"""

from __future__ import annotations

import math

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obskit.sources.histogram import bucket_bound, bucket_quantile

BOUNDS = st.sampled_from(["-1", "0", "0.005", "0.01", "0.1", "0.25", "1", "1.0", "2.5", "10", "1e3", "+Inf"])
COUNTS = st.one_of(st.sampled_from([0.0, 1.0, 3.0, 10.0]),
                   st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False))
QUANTILE = st.one_of(st.sampled_from([0.0, 0.5, 0.95, 0.99, 1.0]), st.floats(min_value=0, max_value=1))


def prometheus_quantile(url: str, q: float, buckets: dict[str, float]) -> float | None:
    vector = " or ".join(f'label_replace(vector({count!r}), "le", "{le}", "", "")' for le, count in buckets.items())
    response = httpx.get(f"{url}/api/v1/query", params={"query": f"histogram_quantile({q!r}, {vector})",
                                                        "time": 1_700_000_000}, timeout=10)
    response.raise_for_status()
    result = response.json()["data"]["result"]
    if not result:
        return None
    value = float(result[0]["value"][1])
    return value if math.isfinite(value) else None


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(buckets=st.dictionaries(BOUNDS, COUNTS, min_size=1, max_size=8), q=QUANTILE)
def test_same_as_prometheus(prometheus_url: str, buckets: dict[str, float], q: float) -> None:
    ours = bucket_quantile(q, [(bucket_bound(le), count) for le, count in buckets.items()])
    assert ours == prometheus_quantile(prometheus_url, q, buckets)


@pytest.mark.parametrize(("q", "buckets"), [
    (0.5, {"0.1": 0.0, "0.25": 11.0, "+Inf": 11.0}),  # inside a bucket: 0.175
    (0.99, {"0.1": 5.0, "+Inf": 10.0}),  # in the +Inf bucket: the second-highest bound
    (0.5, {"0": 4.0, "1": 8.0, "+Inf": 8.0}),  # lowest bound <= 0
    (0.5, {"0.1": 6.0, "0.25": 4.0, "+Inf": 10.0}),  # non-monotonic counts
    (0.5, {"1": 2.0, "1.0": 2.0, "+Inf": 8.0}),  # one bound written twice: merged
    (0.5, {"0.1": 0.0, "+Inf": 0.0}),  # no observations
    (0.5, {"0.1": 1.0, "1": 2.0}),  # no +Inf bucket
])
def test_edge_cases_same_as_prometheus(prometheus_url: str, q: float, buckets: dict[str, float]) -> None:
    assert bucket_quantile(q, [(bucket_bound(le), c) for le, c in buckets.items()]) == \
        prometheus_quantile(prometheus_url, q, buckets)
