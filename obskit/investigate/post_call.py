"""Network delay at a callee that has no client span around its calls: read from the caller's post-call gaps.

Without a client span, a callee's span hangs directly under its caller's span and the time its answer spends
on the wire is self time of the caller. The caller's self time is therefore split into segments
(obskit/sources/span_groups.py): the gap after each call into callee X (part "gap") and the rest (part
"rest"). A slow answer path of X adds a roughly constant delay to the gaps after X's spans and leaves the rest
unchanged; work in the caller (CPU contention, a slower code path) stretches the rest as well. So a rise of a
caller's self time that sits in the gaps after X, while the rest of its self time stayed put (relative change
of the medians), is moved to the link into X: latency at X, not the caller. A caller whose rest is below the
clock-noise floor in the baseline (all its own work after its calls) cannot be told apart: it keeps the blame.
Thresholds are data: obskit/investigate/blame.yaml (`post_call_*`).
"""

from __future__ import annotations

from dataclasses import replace

from obskit.investigate.policy import blame_policy
from obskit.sources.traces import SpanGroup

SEGMENTS = ("gap", "rest")
Pair = tuple[SpanGroup, SpanGroup]  # window, baseline


def split(groups: list[SpanGroup]) -> tuple[list[SpanGroup], list[SpanGroup]]:
    """(the parts blame attributes, the self-time segments)."""
    return [g for g in groups if g.part not in SEGMENTS], [g for g in groups if g.part in SEGMENTS]


def _rise(now: SpanGroup, before: SpanGroup) -> float:
    """Relative change of the median against the baseline median (floored: clock noise is not a rise)."""
    return (now.p50 - before.p50) / max(before.p50, blame_policy().floor_seconds)


def candidates(now: list[SpanGroup], before: list[SpanGroup]) -> dict[tuple[str, str], list[Pair]]:
    """Per caller (service, operation) whose other self-time segments did not rise: the gap groups after a
    callee that did rise, as link groups (part "link", the callee in `service`) with their baselines. The
    caller still tests each against its baseline spread and its share of the self-time excess."""
    policy = blame_policy()
    base = {(g.part, g.service, g.operation, g.caller): g for g in before}
    steady = set()
    for g in now:
        b = base.get((g.part, g.service, g.operation, g.caller))
        # a caller without other self time of substance (below the clock-noise floor) gives nothing to compare
        if g.part == "rest" and b is not None and b.p50 >= policy.floor_seconds \
                and _rise(g, b) <= policy.post_call_other_max_rise:
            steady.add((g.service, g.operation))
    out: dict[tuple[str, str], list[Pair]] = {}
    for g in now:
        b = base.get((g.part, g.service, g.operation, g.caller))
        if g.part == "gap" and b is not None and (g.caller, g.operation) in steady \
                and _rise(g, b) >= policy.post_call_min_rise:
            out.setdefault((g.caller, g.operation), []).append((replace(g, part="link"), replace(b, part="link")))
    return out
