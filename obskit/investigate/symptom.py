"""Symptom first: does the investigated service's own behaviour deviate from its baseline?

Nothing elsewhere is "the root cause" of a service that has no symptom. The checks, each per operation of the
service (an operation's requests are alike; the mix of operations is workload, not a fault):

- latency: the window's request durations against the baseline's (Mann-Whitney rank test), or the share of
  requests slower than the baseline's p90 (two-proportion test), both divided by a dispersion factor; the
  median (or p90) must also have risen by a relative and an absolute floor;
- errors: the share of failed requests (two-proportion test, dispersion from the baseline's own runs of
  requests);
- RED from metrics (when there are metrics): the metric findings of the service itself (robust z, sustained);
- its own error logs: error-like templates of its own that rose per span of the operation that logs them;
- calls into it that its callers see slower (link delay blamed on it: its callers' view of its latency).

Thresholds: obskit/investigate/symptom.yaml.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from statistics import NormalDist

from obskit.investigate.model import Finding, Symptom
from obskit.investigate.policy import symptom_policy

__all__ = ["baseline_note", "from_findings", "from_spans", "symptom_policy"]
from obskit.investigate.significance import dispersion, proportion_z, shift_z
from obskit.sources.span_groups import quantile
from obskit.sources.traces import EntryRequest
from obskit.sources.window import Window

_NORMAL = NormalDist()
# findings of the service itself that are symptoms: RED from metrics, and its own error logs
METRIC_SIGNALS = {"latency_p50", "latency_p95", "latency_p99", "error_ratio"}
LOG_SIGNALS = {"new error template", "error logs", "first error in trace"}


def _by_operation(requests: list[EntryRequest]) -> dict[tuple[str, str], list[EntryRequest]]:
    out: dict[tuple[str, str], list[EntryRequest]] = defaultdict(list)
    for r in requests:
        out[(r.operation, r.caller)].append(r)
    return out


def from_spans(now: list[EntryRequest], before: list[EntryRequest]) -> list[Symptom]:
    """Latency and error symptoms per entry operation of the service (its requests in the window `now`, in
    the baseline `before`)."""
    policy = symptom_policy()
    base = _by_operation(before)
    tested = [(key, reqs, base.get(key, [])) for key, reqs in sorted(_by_operation(now).items())
              if len(reqs) >= policy.min_requests and len(base.get(key, [])) >= policy.min_requests]
    # family-wise: three tests per operation (rank shift, slow share, failed share) share the error rate
    threshold = max(policy.threshold, -_NORMAL.inv_cdf(policy.family_alpha / max(1, 3 * len(tested))))
    out: list[Symptom] = []
    for key, reqs, old in tested:
        op = key[0] + (f" (from {key[1]})" if key[1] else "")
        w = sorted(r.seconds for r in reqs)
        b = sorted(r.seconds for r in old)
        w50, w90, b50, b90 = quantile(w, 0.5), quantile(w, 0.9), quantile(b, 0.5), quantile(b, 0.9)
        rose = [(name, wv, bv) for name, wv, bv in (("median", w50, b50), ("p90", w90, b90))
                if wv - bv >= max(policy.latency_min_rise * bv, policy.latency_floor_seconds)]
        if rose:
            # the baseline's own variation: how much the share of slow requests wanders between its runs
            phi = dispersion(_buckets(old, lambda r: r.seconds > b90), policy.latency_dispersion)
            z = shift_z(w, b, phi)
            # a rise of the tail alone (a share of requests slowed) is tested on the slow share
            tail = proportion_z(sum(v > b90 for v in w), len(w), sum(v > b90 for v in b), len(b), phi)
            best = max(z, tail)
            if best >= threshold:
                name, wv, bv = rose[0] if z >= tail else rose[-1]
                out.append(Symptom(
                    "traces", "latency", round(best, 2), _onset(reqs, lambda r: r.seconds > b90),
                    f"{op}: {name} {wv * 1000:.0f} ms vs {bv * 1000:.0f} ms in the baseline ({len(reqs)} requests "
                    f"vs {len(old)}; {sum(v > b90 for v in w) / len(w) * 100:.0f}% slower than the baseline's p90)"))
        failed_now, failed_before = sum(r.failed for r in reqs), sum(r.failed for r in old)
        ratio_now, ratio_before = failed_now / len(reqs), failed_before / len(old)
        if failed_now and ratio_now - ratio_before >= policy.error_min_rise and (
                ratio_now >= policy.error_min_ratio * ratio_before):
            phi = dispersion(_buckets(old, lambda r: r.failed), policy.error_dispersion)
            z = proportion_z(failed_now, len(reqs), failed_before, len(old), phi)
            if z >= threshold:
                out.append(Symptom(
                    "traces", "errors", round(z, 2), _onset(reqs, lambda r: r.failed),
                    f"{op}: {failed_now} of {len(reqs)} requests failed ({ratio_now * 100:.1f}%) vs "
                    f"{ratio_before * 100:.1f}% of {len(old)} in the baseline"))
    return sorted(out, key=lambda s: -s.z)


def _buckets(requests: list[EntryRequest], bad: Callable[[EntryRequest], bool],
             per: int = 20) -> list[tuple[float, float]]:
    """(bad requests, requests) per run of `per` consecutive requests: the baseline's own variation."""
    ordered = sorted(requests, key=lambda r: r.start)
    return [(float(sum(bad(r) for r in ordered[i:i + per])), float(len(ordered[i:i + per])))
            for i in range(0, len(ordered) - per + 1, per)]


def _onset(requests: list[EntryRequest], bad: Callable[[EntryRequest], bool], run: int = 10) -> float | None:
    """Start of the first `run` requests in a row (in time order) of which most are bad: when the change
    began, never before the data shows it (the first request when no such run exists)."""
    ordered = sorted(requests, key=lambda r: r.start)
    flags = [bad(r) for r in ordered]
    for i in range(len(flags) - run + 1):
        if flags[i] and sum(flags[i:i + run]) * 2 > run:
            return ordered[i].start
    return ordered[0].start if ordered else None


def from_findings(findings: list[Finding], service: str) -> list[Symptom]:
    """The service's own RED-from-metrics and error-log findings, as symptoms."""
    out = []
    for f in findings:
        if f.service != service:
            continue
        if (f.source == "metrics" and f.signal in METRIC_SIGNALS) or (f.source == "logs" and f.signal in LOG_SIGNALS) \
                or (f.source == "traces" and f.signal == "link delay"):
            out.append(Symptom(f.source, f.kind, f.score, f.onset, f"{f.signal}: {f.summary}"))
    return out


def baseline_note(baseline: Window, requests: int) -> str | None:
    """Said in the verdict when the baseline is short: it limits what any comparison can prove."""
    policy = symptom_policy()
    if baseline.seconds >= policy.short_baseline_seconds:
        return None
    minutes = baseline.seconds / 60
    return (f"the baseline is short ({minutes:.0f} min, {requests} requests of the service): "
            f"confidence is lower; pass --baseline with a longer quiet period if the data has one")
