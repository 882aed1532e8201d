"""Correlate: one timeline and ranked suspects.

Suspects are ranked by blame attribution: what a service itself contributes (its own self/link time, own
errors, call pattern, saturation, crashes, log templates) counts in full; its RED anomalies, which include
everything it calls, count only when no anomalous service downstream explains them.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from obskit.investigate.graph import ServiceGraph
from obskit.investigate.model import Finding, Suspect, Symptom, TimelineEntry

PRIORITY = {"crash": 0, "saturation": 1, "errors": 2, "latency": 3}
# a rollout at most this long before a service's first anomaly is its hypothesis ("changed in a rollout");
# one earlier, with the service normal in between, is listed with its evidence but does not name the kind
# (busy clusters roll something out every few minutes; a regression shows once the new pods take traffic)
ROLLOUT_LEAD = 900.0


@dataclass
class Node:
    service: str
    kind: str
    onset: float
    strength: float  # 0..1
    findings: list[Finding] = field(default_factory=list)


def profile(service: str, findings: list[Finding], slack: float, fits: frozenset[str] = frozenset()) -> Node | None:
    """What is wrong with one service: its kind, onset and strength; None when nothing is anomalous. With
    `fits` (the suspect kinds that can explain the symptom), the service's findings of those kinds name it
    when it has any of its own evidence among them."""
    anomalies = [f for f in findings if f.kind != "deploy" and f.onset is not None]
    fitting = [f for f in anomalies if f.kind in fits and primary(f)]
    if not anomalies:
        return None
    onset = min(f.onset for f in anomalies)  # type: ignore[type-var]
    # a rollout explains what the service's own evidence shows from no later than it (a hypothesis inferred
    # from others -- its callers calling it differently -- may begin earlier for reasons of their own)
    own_onset = min((f.onset for f in anomalies if primary(f)), default=onset)  # type: ignore[type-var]
    early = [f for f in anomalies if f.onset <= onset + slack]  # type: ignore[operator]
    kinds = {f.kind for f in anomalies}
    rollouts = [f for f in findings if f.kind == "deploy" and f.onset is not None
                and f.onset <= max(onset, own_onset) + slack and f.onset >= onset - ROLLOUT_LEAD]
    if rollouts:
        kind = "deploy"
    elif "crash" in kinds:
        kind = "crash"
    elif fitting:
        kind = "saturation" if any(f.kind == "saturation" for f in fitting) else \
            max(fitting, key=lambda f: (f.score, -PRIORITY[f.kind])).kind
    elif any(f.kind == "saturation" for f in early):
        kind = "saturation"
    else:
        kind = min(early, key=lambda f: (f.onset, PRIORITY[f.kind], -f.score)).kind
    top = max(f.score for f in anomalies)
    strength = min(1.0, top / 20.0) * 0.8 + min(0.2, 0.05 * len({(f.source, f.signal) for f in anomalies}))
    ordered = sorted(findings, key=lambda f: (-f.score, f.source, f.signal))
    return Node(service, kind, onset, round(strength, 4), ordered)


# Evidence about a service's OWN work: self/link time over all spans, own errors, pod saturation, crashes,
# rollouts. Everything else is a consequence as often as a cause: RED series include everything a service
# calls, callers log errors and change what they call when a callee fails. That secondary evidence counts in
# full only when no service downstream has own evidence from no later than 2 steps after it.
RED = ("latency_p50", "latency_p95", "latency_p99", "error_ratio")
SECONDARY = {(source, name) for source in ("metrics", "spans") for name in RED} | {
    ("logs", "error logs"), ("logs", "new error template"), ("logs", "new untraced error template"),
    ("logs", "new log template"), ("logs", "new warning of requests"), ("logs", "missing log template"),
    ("traces", "call pattern"),
    ("traces", "answers changed caller"), ("traces", "its requests stop after a call")}
# secondary evidence that still explains callers' error symptoms
STOPPED_AFTER = ("traces", "requests stop after its answers")
ERROR_ORIGINS = {("logs", "error logs"), ("logs", "new error template"), ("logs", "first error in trace"),
                 STOPPED_AFTER}
# a callee's new error templates explain even a caller's own failing spans (it fails because the callee did),
# and so do requests that now stop right after its answers (the caller's changed calls follow from them)
CODE_ORIGINS = {("logs", "new error template"), ("logs", "first error in trace"), STOPPED_AFTER}
# a caller whose requests stop after answers that look as before: the callee's stop evidence does not explain it
NORMAL_ANSWER = ("traces", "its requests stop after a normal-looking answer")
COMPARABLE = 0.5  # a direct callee's self-time rise at least this share of its caller's explains the caller's
EXPLAINED = 0.25  # weight of secondary evidence that a downstream service's own evidence explains
# evidence that is only a hypothesis about the service (it is inferred from another service's change), and
# RED from spans (per-step quantiles of few spans are noisy; blame attribution reads the same spans exactly)
WEAK = {("traces", "answers changed caller"): 0.5, ("traces", "its requests stop after a call"): 0.5,
        ("logs", "new log template"): 0.5, ("logs", "new warning of requests"): 0.5,
        ("logs", "missing log template"): 0.5} | {
    ("spans", name): 0.5 for name in RED}


def primary(f: Finding) -> bool:
    return (f.source, f.signal) not in SECONDARY


def rank(target: str, graph: ServiceGraph, findings: list[Finding], step: float,
         fits: frozenset[str] = frozenset()) -> tuple[list[Suspect], list[str]]:
    """Suspects ordered best first (their score: the strength of their evidence, 0..1; `explain` weighs how
    well each can explain the symptoms and lifts the lead), and the chain from the target to suspect #1.

    Blame attribution: a service with evidence of its own is scored on that; one with only secondary
    evidence is discounted when a service downstream of it has own evidence (or, for error symptoms, logs
    errors itself) that began no later than `2 * step` after it; so is own error evidence (failing spans)
    when a service downstream logs new error templates: the deepest service with its own new errors wins.
    The strongest wins; ties go to the earlier
    onset, then to the service nearer the target.
    """
    slack = 2 * step
    by_service: dict[str, list[Finding]] = {}
    for f in findings:
        by_service.setdefault(f.service, []).append(f)
    nodes = {s: n for s, n in ((s, profile(s, fs, slack, fits)) for s, fs in by_service.items()) if n is not None}
    if not nodes:
        return [], []
    own = {s: n for s, n in nodes.items() if any(primary(f) for f in n.findings)}
    # errors propagate upstream: a callee logging errors explains its callers' error symptoms too
    logging = {s: n for s, n in nodes.items() if any((f.source, f.signal) in ERROR_ORIGINS for f in n.findings)}
    distance = {svc: i for i, svc in enumerate(graph.downstream(target, 50))}
    coding = {s: n for s, n in nodes.items() if any((f.source, f.signal) in CODE_ORIGINS for f in n.findings)}
    slower = {s: _strength(_own_latency(n)) for s, n in own.items() if _own_latency(n)}
    scored = []
    for name, node in nodes.items():
        below = [c for c in graph.downstream(name, 50) if c != name]
        if name in own:
            score = _strength([f for f in node.findings if primary(f)])
            normal = NORMAL_ANSWER in {(f.source, f.signal) for f in node.findings}
            if node.kind == "errors" and not normal and any(
                    c in coding and coding[c].onset <= node.onset + slack for c in below):
                score *= EXPLAINED
            elif node.kind == "latency" and name in slower and any(
                    slower.get(c, 0.0) >= COMPARABLE * slower[name] and own[c].onset <= node.onset + slack
                    for c in graph.callees.get(name, ())):
                # without client spans a slow network at a callee adds to its caller's self time; the callee
                # whose own time rose as much at the same time (its own calls delayed too) owns both
                score *= EXPLAINED
        else:
            explained = any(c in own and own[c].onset <= node.onset + slack for c in below) or (
                node.kind == "errors" and any(c in logging and logging[c].onset <= node.onset + slack for c in below))
            # with secondary evidence only (RED series: metrics without traces), a callee anomalous the same way
            # from no later, and at least half as strongly, explains its caller: the deepest such one remains
            explained = explained or (_red(node) and any(
                c in nodes and c not in own and _red(nodes[c]) and nodes[c].kind == node.kind
                and nodes[c].onset <= node.onset + slack
                and _strength(_red(nodes[c])) >= COMPARABLE * _strength(_red(node)) for c in below))
            weight = max(WEAK.get((f.source, f.signal), 1.0) for f in node.findings)  # 1 unless all weak
            score = _strength(node.findings) * (EXPLAINED if explained else 1.0) * weight
        scored.append((score, node))
    scored.sort(key=lambda p: (-p[0], p[1].onset, distance.get(p[1].service, len(distance)), p[1].service))
    suspects = [_suspect(node, score) for score, node in scored]
    return suspects, _chain(target, suspects[0].service, graph)


def _leading(suspects: list[Suspect], weights: list[float]) -> None:
    """The strongest suspect (by score times weight: how well it can explain the symptoms), and any as strong
    as it within CLOSE, lead; the rest follow at half weight; then each is weighted (in place)."""
    lead = max((s.score * w for s, w in zip(suspects, weights, strict=True)), default=0.0)
    for s, w in zip(suspects, weights, strict=True):
        leading = s.score * w >= (1 - CLOSE) * lead
        s.score = round(round(0.5 + 0.5 * s.score if leading else 0.5 * s.score, 3) * w, 4)


def _red(node: Node) -> list[Finding]:
    """The node's RED-series findings (from metrics or entry spans)."""
    return [f for f in node.findings if f.signal in RED and f.source in ("metrics", "spans")]


def _own_latency(node: Node) -> list[Finding]:
    """Time the service itself adds: its self time, or the link delay blamed on it (a slow network or queue
    at a callee inflates its caller's waiting, which shows as the caller's self time where no client span
    measures the call)."""
    return [f for f in node.findings if f.source == "traces" and f.signal in ("self time", "link delay")]


def _strength(findings: list[Finding]) -> float:
    scored = [f for f in findings if f.kind != "deploy"]
    if not scored:
        return 0.0
    top = max(f.score for f in scored)
    return min(1.0, top / 20.0) * 0.8 + min(0.2, 0.05 * len({(f.source, f.signal) for f in scored}))


def _chain(target: str, root: str, graph: ServiceGraph) -> list[str]:
    """The call path from the target down to the root cause (just the two when the graph has no path)."""
    previous: dict[str, str] = {}
    queue = deque([target])
    while queue:
        svc = queue.popleft()
        if svc == root:
            path = [root]
            while path[-1] != target:
                path.append(previous[path[-1]])
            return list(reversed(path))
        for nxt in sorted(graph.callees.get(svc, ())):
            if nxt not in previous and nxt != target:
                previous[nxt] = svc
                queue.append(nxt)
    return [target, root] if root != target else [target]


def _suspect(node: Node, score: float) -> Suspect:
    # the finding that names the kind comes first (a rollout has no score of its own), then by strength
    ordered = sorted(node.findings, key=lambda f: f.kind != node.kind)
    evidence = [f"{f.source} {f.signal}: {f.summary}" for f in ordered[:6]]
    own = {(f.source, f.signal) for f in node.findings if primary(f)}
    caveat = ("its callers' requests stop right after its answers, which the callers failing on a normal "
              "answer would look like too: the traces cannot tell them apart") if own == {STOPPED_AFTER} else ""
    return Suspect(node.service, node.kind, score, node.onset, evidence, caveat=caveat)


# which suspect kinds can explain which symptom kinds (a saturated, crashing or rolled-out service explains both)
EXPLAINS = {"latency": {"latency", "saturation", "crash", "deploy"}, "errors": {"errors", "crash", "deploy"}}
MISMATCH = 0.5  # weight of a suspect whose kind explains none of the symptoms
SHORT_BASELINE = 0.8  # separation factor when the baseline is short
CLOSE = 0.15  # runner-up within this share of the best: inconclusive
WEAK_BEST = 0.35  # best separation below this: inconclusive
# The separation of suspect #1 (its strength times its margin over the runner-up) orders suspects the right way
# but under-states how often a named suspect #1 is the root cause. Its log-odds shifted by this much give a
# calibrated probability (logistic recalibration, slope 1, one parameter against overfitting): fitted by maximum
# likelihood on the design half of the recorded faults (11 with a suspect), checked on the other half and on
# generated incidents (docs/benchmarks.md, benchmarks/confidence_reliability.py --fit).
CALIBRATION_SHIFT = 2.2


def fitting_kinds(symptoms: list[Symptom]) -> frozenset[str]:
    """The suspect kinds that can explain any of the symptoms."""
    return frozenset().union(*(EXPLAINS.get(s.kind, {s.kind}) for s in symptoms))


def explain(target: str, graph: ServiceGraph, suspects: list[Suspect], symptoms: list[Symptom],
            short_baseline: bool) -> list[Suspect]:
    """Suspects that can explain the target's symptoms, best first, each with its path and a confidence.

    Only the target and services it reaches in the graph are candidates (when the graph knows the target's
    callees); a suspect whose kind explains none of the symptom kinds is discounted. When no candidate
    remains, the target itself is the suspect, from its symptoms."""
    reachable = set(graph.downstream(target, 50))
    known = bool(graph.callees.get(target))
    fits = fitting_kinds(symptoms)
    inside = _inside(graph, symptoms)
    kept, weights = [], []
    for s in suspects:
        if known and s.service not in reachable and s.service != target:
            continue
        weights.append((1.0 if s.kind in fits else MISMATCH) * (1.0 if inside is None or s.service in inside
                                                                 else MISMATCH))
        kept.append(Suspect(s.service, s.kind, s.score, s.onset, list(s.evidence), caveat=s.caveat))
    _leading(kept, weights)
    # equal evidence: the earlier onset, then the deeper service (the deepest own evidence wins, as in rank)
    depth = {svc: i for i, svc in enumerate(graph.downstream(target, 50))}
    kept.sort(key=lambda s: (-s.score, s.onset if s.onset is not None else 0.0, -depth.get(s.service, -1), s.service))
    if not kept:
        first = symptoms[0]
        kept = [Suspect(target, first.kind, round(min(1.0, first.z / 20.0), 4), first.onset,
                        [f"{x.source} {x.kind}: {x.summary}" for x in symptoms[:6]])]
    best = kept[0].score or 1.0
    runner = kept[1].score if len(kept) > 1 else 0.0
    margin = max(0.0, (best - runner) / best)
    for i, s in enumerate(kept):
        share = s.score / best if best else 0.0
        base = min(1.0, s.score) * (0.5 + 0.5 * margin) if i == 0 else min(1.0, s.score) * 0.5 * share
        s.separation = round(base * (SHORT_BASELINE if short_baseline else 1.0), 3)
        s.path = list(reversed(_chain(target, s.service, graph)))
    _calibrate(kept)
    return kept


def _inside(graph: ServiceGraph, symptoms: list[Symptom]) -> set[str] | None:
    """Where the symptoms happen, when every one of them happens inside named downstream services: those services
    and everything they call (None when a symptom is the service's own, which anything it reaches can explain)."""
    if not symptoms or any(not s.within for s in symptoms):
        return None
    return {svc for s in symptoms for name in s.within for svc in (name, *graph.downstream(name, 50))}


def log_odds(separation: float) -> float:
    """The separation's log-odds, kept finite at 0 and 1 (what CALIBRATION_SHIFT is added to)."""
    p = min(max(separation, 1e-3), 1 - 1e-3)
    return math.log(p / (1 - p))


def calibrated(separation: float) -> float:
    """The probability that suspect #1 is the root cause, from its separation (CALIBRATION_SHIFT)."""
    return 1.0 / (1.0 + math.exp(-(log_odds(separation) + CALIBRATION_SHIFT)))


def _calibrate(suspects: list[Suspect]) -> None:
    """Confidences that add up to at most 1: suspect #1's calibrated probability, and what it leaves shared among
    the others in proportion to their separation."""
    first = calibrated(suspects[0].separation)
    suspects[0].confidence = round(first, 3)
    rest = sum(s.separation for s in suspects[1:])
    for s in suspects[1:]:
        s.confidence = round((1 - first) * s.separation / rest, 3) if rest > 0 else 0.0


def inconclusive(suspects: list[Suspect]) -> bool:
    """The best suspect is weak, or the runner-up is within CLOSE of it."""
    if not suspects:
        return False
    best = suspects[0]
    if best.separation < WEAK_BEST:
        return True
    return len(suspects) > 1 and suspects[1].score >= (1 - CLOSE) * best.score


def timeline(findings: list[Finding], events: list[TimelineEntry]) -> list[TimelineEntry]:
    entries = list(events)
    for f in findings:
        if f.onset is not None and f.kind != "deploy":
            entries.append(TimelineEntry(f.onset, f.service, f.source, f"{f.signal} anomaly starts: {f.summary}"))
    return sorted(entries, key=lambda e: (e.ts, e.service, e.source, e.text))
