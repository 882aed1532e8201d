"""Blame attribution over all spans: which service's OWN contribution changed, window vs baseline.

Every span's time is split into parts that belong to exactly one service (obskit/sources/span_groups.py):
self time (inside the service), link time (a caller's span minus its callee's child: network, queue or
connection at the callee) and entries (requests into a service). A caller's anomaly that its callee explains
therefore never shows in the caller's parts. Per service this stage reports:

- latency: the extra time per request of the investigated service that the service's parts add, from the
  groups (service, operation, part) whose median or tail moved by more than their baseline spread;
- errors: own failures (an erroring span none of whose children erred), counted per request;
- call pattern: how often the service calls each operation per request it serves (a wrong return or an
  exception changes what a service does next, without a latency or status change of its own).

A call-pattern change of calls into a callee also names the callee as a weaker suspect: the caller may act
on what it answered. Link time that rises on the calls of one caller into most of its callees is the
caller's (a starved client stalls every outgoing call), and so is link time rising on the calls of a
caller whose own incoming calls are delayed (a slow network at a service delays both directions);
otherwise it is the callee's. A caller's self-time rise that sits in the gaps after its calls into one callee
(no client span around them) is link time of that callee too (obskit/investigate/post_call.py).
Thresholds are data: obskit/investigate/blame.yaml.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from obskit.investigate import post_call
from obskit.investigate.model import Finding
from obskit.investigate.policy import blame_policy
from obskit.investigate.robust import onset, poisson_z, sustained_change
from obskit.investigate.significance import stratified_z
from obskit.sources.traces import SpanGroup
from obskit.sources.window import Window

Key = tuple[str, str, str, str]  # part, service, operation, caller
IQR_TO_SIGMA = 1.349  # the interquartile range of a normal distribution in standard deviations
ANSWERS = "answers changed caller"  # signal of the callee side of a call-pattern change


@dataclass
class Shift:
    """One group whose durations moved: who is blamed and by how much."""

    group: SpanGroup
    base: SpanGroup
    z: float
    excess: float  # seconds added per request of the investigated service


def _key(g: SpanGroup) -> Key:
    return g.part, g.service, g.operation, g.caller


def _entries(groups: list[SpanGroup]) -> dict[str, SpanGroup]:
    """Entry spans per service, merged over operations and callers (count, errors, total only)."""
    out: dict[str, SpanGroup] = {}
    for g in groups:
        if g.part != "entry":
            continue
        e = out.setdefault(g.service, SpanGroup("entry", g.service, "*", "", 0, 0, 0.0, 0.0, 0.0, 0.0))
        e.count += g.count
        e.errors += g.errors
        e.total += g.total
    return out


def analyze(now: list[SpanGroup], before: list[SpanGroup], target: str, window: Window,
            baseline: Window) -> list[Finding]:
    """Findings per service from span groups of the window (`now`) and the baseline (`before`)."""
    (now, segments_now), (before, segments_before) = post_call.split(now), post_call.split(before)
    entries_now, entries_before = _entries(now), _entries(before)
    reference = _reference(entries_now, entries_before, target)
    if reference is None:
        return []
    n_now, n_before, request_seconds = reference
    base = {_key(g): g for g in before}
    shifts = [s for g in now if g.part != "entry" and (s := _shift(g, base.get(_key(g)), n_now, n_before))]
    shifts = _post_call(shifts, post_call.candidates(segments_now, segments_before), n_now, n_before)
    findings = _latency(shifts, request_seconds, window)
    findings += _errors(now, before, n_now, n_before, window)
    findings += _call_pattern(now, base, entries_now, entries_before, window)
    return sorted(findings, key=lambda f: (f.service, f.signal, f.summary))


def _reference(now: dict[str, SpanGroup], before: dict[str, SpanGroup], target: str) -> tuple[
    int, int, float
] | None:
    """(requests in the window, in the baseline, mean request seconds in the baseline) of the investigated
    service, or of all root requests when it has no entries of its own."""
    policy = blame_policy()
    if target in now and target in before:
        a, b = now[target], before[target]
    else:
        a = SpanGroup("entry", "*", "*", "", sum(g.count for g in now.values()), 0, 0.0, 0.0, 0.0, 0.0)
        b = SpanGroup("entry", "*", "*", "", sum(g.count for g in before.values()), 0,
                      sum(g.total for g in before.values()), 0.0, 0.0, 0.0)
    if a.count < policy.min_spans or b.count < policy.min_spans:
        return None
    return a.count, b.count, max(b.total / b.count, policy.floor_seconds)


def _shift(g: SpanGroup, b: SpanGroup | None, n_now: int, n_before: int) -> Shift | None:
    policy = blame_policy()
    if b is None or g.count < policy.min_spans or b.count < policy.min_spans:
        return None
    spread = _spread(b)
    tail = max(b.p99 - b.p90, policy.relative_floor * b.p90, policy.floor_seconds)
    z = max((g.p50 - b.p50) / spread, (g.p90 - b.p90) / tail)
    excess = g.total / n_now - b.total / n_before
    if z < policy.threshold or excess <= 0:
        return None
    return Shift(g, b, round(z, 2), excess)


def _post_call(shifts: list[Shift], gaps: dict[tuple[str, str], list[post_call.Pair]], n_now: int,
               n_before: int) -> list[Shift]:
    """Self-time shifts whose excess the gaps after one callee's spans carry become link shifts into that
    callee; a remainder above the same share stays the caller's."""
    policy = blame_policy()
    out = []
    for s in shifts:
        moved = []
        if s.group.part == "self":
            found = (_shift(g, b, n_now, n_before) for g, b in gaps.get((s.group.service, s.group.operation), []))
            moved = [m for m in found if m and m.excess >= policy.post_call_min_share * s.excess]
        out += moved
        rest = s.excess - sum(m.excess for m in moved)
        if not moved:
            out.append(s)
        elif rest >= policy.post_call_min_share * s.excess:
            out.append(Shift(s.group, s.base, s.z, rest))
    return out


def _spread(b: SpanGroup) -> float:
    """Robust spread of the baseline durations around their median: the IQR as a standard deviation (a
    latency tail is long: the width of the upper tail would hide a shift of the whole distribution)."""
    policy = blame_policy()
    return max((b.p75 - b.p25) / IQR_TO_SIGMA, policy.relative_floor * b.p50, policy.floor_seconds)


def _latency(shifts: list[Shift], request_seconds: float, window: Window) -> list[Finding]:
    policy = blame_policy()
    # link time rising on the calls of a caller whose own incoming calls are delayed too (a slow network at a
    # service delays both directions), or on most of one caller's callees (a stalled client), is the caller's
    # a stalled client delays its calls alike: callees whose link time rose by much less than the caller's
    # biggest rise are no sign of a stall (one slow callee also stretches what runs beside it a little)
    biggest: dict[str, float] = defaultdict(float)
    for s in shifts:
        if s.group.part == "link":
            biggest[s.group.caller] = max(biggest[s.group.caller], s.excess)
    callees_of: dict[str, set[str]] = defaultdict(set)
    for s in shifts:
        if s.group.part == "link" and s.excess >= policy.caller_stall_alike * biggest[s.group.caller]:
            callees_of[s.group.caller].add(s.group.service)
    delayed = {s.group.service for s in shifts if s.group.part == "link"}
    by_service: dict[str, list[Shift]] = defaultdict(list)
    for s in shifts:
        g = s.group
        owner = g.service
        if g.part == "link" and (g.caller in delayed or len(callees_of[g.caller]) >= policy.caller_stall_callees):
            owner = g.caller
        by_service[owner].append(s)
    findings = []
    for service, items in sorted(by_service.items()):
        excess = sum(s.excess for s in items)
        share = excess / request_seconds
        if share < policy.min_request_share:
            continue
        top = max(items, key=lambda s: s.excess)
        g, b = top.group, top.base
        what = "self time" if g.part == "self" and g.service == service else "link delay"
        where = f"{g.caller} -> {g.service} " if g.part == "link" else ""
        findings.append(Finding(
            source="traces", service=service, kind="latency", signal=what,
            score=round(policy.full_score * min(1.0, share), 2), onset=_onset(g, b, window),
            summary=(f"{where}{g.operation}: median {g.p50 * 1000:.1f} ms vs {b.p50 * 1000:.1f} ms, p90 "
                     f"{g.p90 * 1000:.1f} ms vs {b.p90 * 1000:.1f} ms (z {top.z:g}); adds {excess * 1000:.0f} ms "
                     f"per request ({share * 100:.0f}% of the baseline request time), over all spans"),
        ))
    return findings


def _onset(g: SpanGroup, b: SpanGroup, window: Window) -> float | None:
    policy = blame_policy()
    spread = _spread(b)
    points = [(ts, (p50 - b.p50) / spread) for ts, _, _, p50 in g.buckets]
    return onset(points, policy.threshold, 2) or (g.buckets[0][0] if g.buckets else window.start)


def _errors(now: list[SpanGroup], before: list[SpanGroup], n_now: int, n_before: int,
            window: Window) -> list[Finding]:
    """Own failures per service (self and link parts: a failed call whose callee never answered is the
    callee's), against the baseline count scaled to the window's requests."""
    policy = blame_policy()
    count_now: dict[str, int] = defaultdict(int)
    count_before: dict[str, int] = defaultdict(int)
    per_bucket: dict[str, dict[float, int]] = defaultdict(lambda: defaultdict(int))
    ops: dict[str, SpanGroup] = {}
    for g in now:
        if g.part != "entry" and g.errors:
            count_now[g.service] += g.errors
            for ts, _, errors, _ in g.buckets:
                per_bucket[g.service][ts] += errors
            if g.errors > (ops[g.service].errors if g.service in ops else 0):
                ops[g.service] = g
    for g in before:
        if g.part != "entry":
            count_before[g.service] += g.errors
    findings = []
    for service, k in sorted(count_now.items()):
        expected = count_before[service] * n_now / n_before
        z = poisson_z(k, expected)
        if z < policy.threshold or k < policy.min_spans:
            continue
        findings.append(Finding(
            source="traces", service=service, kind="errors", signal="own errors", score=round(z, 2),
            onset=_sustained_onset(per_bucket[service], window, expected),
            summary=(f"{k} failing spans of its own (none of their children failed) vs {expected:.1f} expected "
                     f"from the baseline; most in {ops[service].operation}"),
        ))
    return findings


def _call_pattern(now: list[SpanGroup], base: dict[Key, SpanGroup], entries_now: dict[str, SpanGroup],
                  entries_before: dict[str, SpanGroup], window: Window) -> list[Finding]:
    """Operations a service runs (or calls) per request it serves, window vs baseline."""
    policy = blame_policy()
    best: dict[str, tuple[float, SpanGroup, float, float]] = {}
    seen: set[Key] = set()
    for g in now:
        if g.part == "entry":
            continue
        owner = g.caller if g.part == "link" else g.service
        seen.add(_key(g))
        b = base.get(_key(g))
        _consider(best, owner, g, b.count if b else 0, g.count, entries_now, entries_before)
    for key, b in base.items():  # operations that stopped altogether
        if b.part != "entry" and key not in seen:
            owner = b.caller if b.part == "link" else b.service
            _consider(best, owner, b, b.count, 0, entries_now, entries_before)
    findings = []
    for service, (z, g, expected, observed) in sorted(best.items()):
        if z < policy.call_pattern_threshold:
            continue
        start = _count_onset(g, window, expected)
        findings.append(Finding(
            source="traces", service=service, kind="errors", signal="call pattern", score=round(z, 2), onset=start,
            summary=(f"{g.operation}{' -> ' + g.service if g.part == 'link' else ''}: {observed:.0f} spans vs "
                     f"{expected:.0f} expected from the baseline per request it serves (behaviour changed)"),
        ))
        if g.part == "link" and g.service != service:
            # the caller may be acting on what this callee answered (a wrong return): a weaker hypothesis
            findings.append(Finding(
                source="traces", service=g.service, kind="errors", signal=ANSWERS, score=round(z, 2), onset=start,
                summary=f"{service} changed how often it calls {g.operation} ({observed:.0f} vs {expected:.0f} "
                        f"expected): its answers may have changed",
            ))
    return findings


def _consider(best: dict[str, tuple[float, SpanGroup, float, float]], owner: str, g: SpanGroup,
              before: int, observed: int, entries_now: dict[str, SpanGroup],
              entries_before: dict[str, SpanGroup]) -> None:
    policy = blame_policy()
    served_now = entries_now.get(owner)
    served_before = entries_before.get(owner)
    if served_now is None or served_before is None or min(served_now.count, served_before.count) < policy.min_spans:
        return
    expected = before * served_now.count / served_before.count
    if max(expected, observed) < policy.min_spans:
        return
    ratio = (observed + 1) / (expected + 1)
    if 1 / policy.call_pattern_ratio < ratio < policy.call_pattern_ratio:
        return
    z = abs(poisson_z(observed, expected))
    if owner not in best or z > best[owner][0]:
        best[owner] = (z, g, expected, float(observed))


def _count_onset(g: SpanGroup, window: Window, expected: float) -> float:
    return _sustained_onset({ts: n for ts, n, _, _ in g.buckets}, window, expected)


def _sustained_onset(counts: dict[float, int], window: Window, expected: float) -> float:
    """When a count changed: the first of two window steps in a row whose count lies beyond what the
    baseline expects per step (|Poisson z| >= half the blame threshold; steps without spans count 0). A lone
    early bucket -- background failures or calls that happened to cluster -- does not date the change."""
    per_step = expected * window.step / window.seconds
    steps = [window.start + i * window.step for i in range(max(1, round(window.seconds / window.step)))]
    found = sustained_change(counts, steps, per_step, blame_policy().threshold / 2, both_ways=True)
    if found is not None:
        return found
    return min((ts for ts, n in counts.items() if n), default=window.start)


def answers_changed(now: list[SpanGroup], before: list[SpanGroup]) -> set[tuple[str, str, str]]:
    """(service, operation, caller) of the requests into a service whose answers look different from the
    baseline's: their median moved beyond the baseline's spread (blame's threshold) or their failed share
    rose significantly. Requests whose answers look as before yet end their callers' requests point at the
    callers (obskit/investigate/stops.py)."""
    policy = blame_policy()
    base = {(g.service, g.operation, g.caller): g for g in before if g.part == "entry"}
    out = set()
    for g in now:
        b = base.get((g.service, g.operation, g.caller))
        if g.part != "entry" or b is None or min(g.count, b.count) < policy.min_spans:
            continue
        moved = abs(g.p50 - b.p50) / _spread(b) >= policy.threshold
        failing = g.errors / g.count - b.errors / b.count >= policy.stop_min_rise / 4 and stratified_z(
            [(float(g.errors), float(g.count), float(b.errors), float(b.count))]) >= policy.stop_threshold
        if moved or failing:
            out.add((g.service, g.operation, g.caller))
    return out
