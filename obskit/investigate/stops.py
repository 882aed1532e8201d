"""Requests that stop: a request that used to go on after an answer and now ends right there.

For every service's requests (entry spans) the calls each made into other services, in the order they began,
form a path; at each point of it (before any call, or right after the k-th distinct call) a request either
goes on or stops. Per (service, operation, calls so far) the share of requests that stop at that point is
compared with the baseline's (two-proportion test, Bonferroni over every point with enough requests in both
periods). Comparing requests that got equally far keeps the workload mix out: a shift towards requests that
call less is no stop. A significant rise names

- the callee whose answer came last before the stop: its answer ended the request (a wrong or empty answer,
  an error the caller swallows) -- signal "requests stop after its answers";
- the service itself when its requests now end before calling anything -- signal "requests stop early".

A stop right after an answer may also be the caller's own doing (it fails handling a normal answer); the
caller is named too, as a weaker hypothesis -- signal "its requests stop after a call" -- or as an equal one
when the callee's answers look as before (same timing and status, and its own requests of that operation do
not stop anywhere themselves) -- signal "its requests stop after a normal-looking answer".

Points of the investigated service's own requests are also its symptoms: what its requests do downstream
changed. Thresholds: obskit/investigate/blame.yaml (stop_*).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import NormalDist

from obskit.investigate.model import Finding, Symptom
from obskit.investigate.policy import blame_policy
from obskit.investigate.significance import stratified_z
from obskit.sources.traces import CallPoint

AFTER = "requests stop after its answers"
EARLY = "requests stop early"
CALLER = "its requests stop after a call"
NORMAL = "its requests stop after a normal-looking answer"
_NORMAL = NormalDist()

Point = tuple[str, str, tuple[str, ...]]  # service, operation, the calls made so far


@dataclass
class _Tally:
    reached: int = 0
    stopped: int = 0
    buckets: list[tuple[float, int, int]] = field(default_factory=list)  # (start, reached, stopped), in order


@dataclass
class _Stop:
    point: Point
    z: float
    now: _Tally
    before: _Tally


def _tally(points: list[CallPoint]) -> dict[Point, _Tally]:
    out: dict[Point, _Tally] = defaultdict(_Tally)
    for p in sorted(points, key=lambda p: p.start):
        t = out[(p.service, p.operation, p.calls)]
        t.reached += p.reached
        t.stopped += p.stopped
        t.buckets.append((p.start, p.reached, p.stopped))
    return out


def _stops(now: list[CallPoint], before: list[CallPoint]) -> list[_Stop]:
    policy = blame_policy()
    window, base = _tally(now), _tally(before)
    least = policy.stop_min_requests
    tested = [(p, t, base[p]) for p, t in window.items() if t.reached >= least and base.get(p) is not None
              and base[p].reached >= least]
    if not tested:
        return []
    threshold = max(policy.stop_threshold, -_NORMAL.inv_cdf(policy.stop_alpha / len(tested)))
    out = []
    for point, t, b in tested:
        if t.stopped / t.reached - b.stopped / b.reached < policy.stop_min_rise:
            continue
        z = stratified_z([(float(t.stopped), float(t.reached), float(b.stopped), float(b.reached))],
                         policy.stop_dispersion)
        if z >= threshold:
            out.append(_Stop(point, z, t, b))
    return out


def _onset(s: _Stop) -> float | None:
    """The first bucket of the window in which the share that stopped is nearer the window's than the
    baseline's: when the stopping began."""
    middle = (s.now.stopped / s.now.reached + s.before.stopped / s.before.reached) / 2
    return next((start for start, n, stopped in s.now.buckets if n and stopped / n > middle),
                s.now.buckets[0][0] if s.now.buckets else None)


def _callee(call: str) -> tuple[str, str]:
    service, _, operation = call.partition(" ")
    return service, operation


def _share(s: _Stop) -> str:
    return (f"{s.now.stopped} of {s.now.reached} requests vs {s.before.stopped} of {s.before.reached} in the "
            f"baseline")


def analyze(now: list[CallPoint], before: list[CallPoint], target: str,
            changed: set[tuple[str, str, str]] | None = None) -> tuple[list[Finding], list[Symptom]]:
    """Findings (per named service and signal, its strongest point) and the target's own symptoms.
    `changed`: (service, operation, caller) of requests whose answers look different from the baseline's
    (blame.answers_changed); None when unknown."""
    best: dict[tuple[str, str], tuple[_Stop, str]] = {}

    def name(service: str, signal: str, stop: _Stop, text: str) -> None:
        if (service, signal) not in best or stop.z > best[(service, signal)][0].z:
            best[(service, signal)] = (stop, text)

    symptoms = []
    found = _stops(now, before)
    stopping = {(p.point[0], p.point[1]) for p in found}  # requests that do less themselves: their answers too
    for s in found:
        service, operation, calls = s.point
        if calls:
            named, answer = _callee(calls[-1])
            name(named, AFTER, s, f"{service} {operation}: {_share(s)} stop right after {named} {answer} answers "
                                  f"(they went on before): its answers end its callers' requests")
            if changed is not None and (named, answer, service) not in changed and (named, answer) not in stopping:
                # the answers look as before (timing, status, what the callee did for them): as likely the
                # caller failing on a normal answer as a wrong answer: two hypotheses of equal weight
                name(service, NORMAL, s, f"{operation}: {_share(s)} stop right after calling {named} {answer}, "
                                         f"whose answers look as before (timing, status, its own calls): it may "
                                         f"fail handling them")
            else:
                name(service, CALLER, s, f"{operation}: {_share(s)} stop right after calling {named} {answer} "
                                         f"(they went on before): it may fail handling the answer")
        else:
            name(service, EARLY, s, f"{operation}: {_share(s)} end before calling any other service (they went on "
                                    f"before)")
        if service == target:
            where = f"after {calls[-1]} answers" if calls else "before calling any other service"
            symptoms.append(Symptom("traces", "errors", round(s.z, 2), _onset(s),
                                    f"{operation}: its requests stop {where}: {_share(s)} "
                                    f"(they do less than before: failures or empty answers?)"))
    findings = [Finding(source="traces", service=named, kind="errors", signal=signal, score=round(s.z, 2),
                        onset=_onset(s), summary=text) for (named, signal), (s, text) in sorted(best.items())]
    return findings, sorted(symptoms, key=lambda x: -x.z)
