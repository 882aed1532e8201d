"""Symptom first: does the investigated service's own behaviour deviate from its baseline?

Nothing elsewhere is "the root cause" of a service that has no symptom. The checks, each per operation of the
service (an operation's requests are alike; the mix of operations is workload, not a fault):

- latency: the share of requests slower than the baseline's median, than its p90 and (on routes whose
  baseline can place it) than its p99, and faster than its median (requests that end sooner do less work:
  failures, empty or wrong answers), each route against its own baseline (Cochran-Mantel-Haenszel); the
  per-route quantile must also have moved by a relative and an absolute floor, and the counts' dispersion is the
  baseline's own (slow requests that come in bursts there vary more than independent ones);
- errors: the share of failed requests, the same way (dispersion from the baseline's own runs of requests);
- paths: the share of requests that lead to each downstream operation (spans of other services in the
  request's trace during it), per route, both ways: a wrong answer deep inside changes the paths requests
  take while latency and status stay flat;
- what its requests meet downstream, per downstream service over the requests that lead into it: slower or
  ending sooner (stratified rank-sum test per route), or failing inside that service (a failing span, or an
  error line it logged in the request's trace) while the service itself may still answer (per route); a slow
  or failing service deep inside touches too few requests to move the operation's figures. A failure inside a
  service is a symptom *within* it (`Symptom.within`): only it and what it calls can explain it; the tests
  that pass the floor but not the bar shared by every downstream service are leads (`Downstream`), which
  that service's own evidence may confirm (obskit/investigate/confirm.py);
- RED from metrics (when there are metrics): the metric findings of the service itself (robust z, sustained);
- its own error logs: error-like templates of its own that rose per span of the operation that logs them;
- warnings its requests began to log on a fair share of them (log_templates.warns_requests);
- calls into it that its callers see slower (link delay blamed on it: its callers' view of its latency).

A request's route is the first call it makes into another service: a gateway names every request `/*`, so
its routes say what kind of request it is. The tests share a family-wise false-alarm rate (Bonferroni over
every test made). Thresholds: obskit/investigate/symptom.yaml.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import NormalDist

from obskit.investigate.model import Finding, Symptom
from obskit.investigate.policy import symptom_policy
from obskit.investigate.significance import dispersion, rank_z, stratified_z
from obskit.sources.span_groups import quantile
from obskit.sources.traces import EntryRequest
from obskit.sources.window import Window

__all__ = ["Downstream", "assess", "baseline_note", "from_findings", "from_spans", "service_of", "symptom_policy"]

_NORMAL = NormalDist()
# findings of the service itself that are symptoms: RED from metrics, and its own error logs
METRIC_SIGNALS = {"latency_p50", "latency_p95", "latency_p99", "error_ratio"}
LOG_SIGNALS = {"new error template", "error logs", "first error in trace", "new warning of requests"}


Stratum = tuple[list[EntryRequest], list[EntryRequest]]  # one route's requests: (window, baseline)


def _by_operation(requests: list[EntryRequest]) -> dict[tuple[str, str], dict[str, list[EntryRequest]]]:
    """Requests per (operation, caller), then per route."""
    out: dict[tuple[str, str], dict[str, list[EntryRequest]]] = defaultdict(lambda: defaultdict(list))
    for r in requests:
        out[(r.operation, r.caller)][r.route].append(r)
    return out


@dataclass
class Downstream:
    """The tests of the requests into downstream services, for `confirmed` (obskit/investigate/confirm.py):
    every test made, under the services it is about, and the leads -- tests that passed the floor
    (`threshold`) but not the family's bar."""

    tests: list[tuple[tuple[str, ...], int]] = field(default_factory=list)  # (services, tests made on them)
    leads: list[tuple[tuple[str, ...], Symptom]] = field(default_factory=list)


def from_spans(now: list[EntryRequest], before: list[EntryRequest]) -> list[Symptom]:
    return assess(now, before)[0]


def assess(now: list[EntryRequest], before: list[EntryRequest]) -> tuple[list[Symptom], int, Downstream]:
    """Latency and error symptoms per entry operation of the service (its requests in the window `now`, in
    the baseline `before`), how many operations had enough requests to be tested, and the tests of the
    requests into downstream services with their leads. Within an operation each route is compared with its
    own baseline (stratified tests): a shift of the workload towards a slower route is no symptom."""
    policy = symptom_policy()
    base = _by_operation(before)
    tested: list[tuple[tuple[str, str], list[Stratum]]] = []
    vias: dict[tuple[str, str], dict[str, list[Stratum]]] = {}
    for key, routes in sorted(_by_operation(now).items()):
        least = policy.min_route_requests
        strata = [(reqs, base[key][route]) for route, reqs in sorted(routes.items())
                  if len(reqs) >= least and len(base[key].get(route, [])) >= least]
        if min(sum(len(w) for w, _ in strata), sum(len(b) for _, b in strata)) >= policy.min_requests:
            tested.append((key, strata))
            # the rank tests of the requests into each downstream service know their numbers: every route counts
            vias[key] = _via_groups([(reqs, base[key][route]) for route, reqs in sorted(routes.items())
                                     if base[key].get(route)])
    # family-wise: half the false-alarm rate for the tests per operation (slower, faster, slow tail, failed share,
    # and the far tail where a route's baseline has the requests for it), a quarter for the paths (one test per
    # downstream operation a request may lead to), a quarter for the requests into each downstream service
    # (slower, faster, failing there)
    half = policy.family_alpha / 2
    made = sum(4 + any(len(b) >= policy.p99_min_requests for _, b in strata) for _, strata in tested)
    threshold = max(policy.threshold, -_NORMAL.inv_cdf(half / max(1, made)))
    events = {key: sorted(set().union(*(r.reached for w, b in strata for r in (*w, *b)))) for key, strata in tested}
    path_threshold = max(policy.threshold, -_NORMAL.inv_cdf(half / 2 / max(1, sum(map(len, events.values())))))
    # services reached by exactly the same requests are one latency test (the same ranks), named together
    alike = {key: _alike(vias[key]) for key, _ in tested}
    downstream = Downstream()
    for key, _ in tested:
        downstream.tests += [(names, 2) for names in alike[key]] + [((name,), 1) for name in vias[key]]
    via_threshold = max(policy.threshold, -_NORMAL.inv_cdf(half / 2 / max(1, sum(n for _, n in downstream.tests))))
    out: list[Symptom] = []
    for (operation, caller), strata in tested:
        op = operation + (f" (from {caller})" if caller else "")
        n_now, n_before = sum(len(w) for w, _ in strata), sum(len(b) for _, b in strata)
        for found in (_latency(op, strata, threshold),
                      _errors(op, strata, n_now, n_before, threshold),
                      _paths(op, strata, events[(operation, caller)], path_threshold)):
            if found is not None:
                out.append(found)
        # into each downstream service: the strongest above the family's bar is a symptom; those between the
        # floor and the bar are leads, for that service's own evidence to confirm
        for candidates in (_via(op, alike[(operation, caller)], policy.threshold),
                           _via_errors(op, vias[(operation, caller)], policy.threshold)):
            passed = [c for c in candidates if c[1].z >= via_threshold]
            if passed:
                out.append(max(passed, key=lambda c: c[1].z)[1])
            downstream.leads += [c for c in candidates if c[1].z < via_threshold]
    return sorted(out, key=lambda s: -s.z), len(tested), downstream


def _cut(strata: list[Stratum], q: float) -> list[float]:
    return [quantile(sorted(r.seconds for r in b), q) for _, b in strata]


def _counts(strata: list[Stratum], beyond: Callable[[EntryRequest], bool]) -> list[tuple[float, float, float, float]]:
    return [(float(sum(map(beyond, w))), float(len(w)), float(sum(map(beyond, b))), float(len(b))) for w, b in strata]


def _moved(strata: list[Stratum], q: float, cuts: list[float]) -> tuple[float, float]:
    """How the quantile moved, per route, weighted by the window's requests: the window's over the
    baseline's (`cuts`, per route), and the window's minus the baseline's (seconds)."""
    total = sum(len(w) for w, _ in strata)
    ratio = shift = 0.0
    for (w, _), before in zip(strata, cuts, strict=True):
        now = quantile(sorted(r.seconds for r in w), q)
        ratio += len(w) * now / max(before, 1e-9)
        shift += len(w) * (now - before)
    return ratio / total, shift / total


def _moved_enough(strata: list[Stratum], q: float, slower: bool, cuts: list[float]) -> tuple[bool, float]:
    """Whether the quantile moved from the baseline's (`cuts`, per route) by both latency floors (relative and
    absolute) the given way, and the ratio."""
    policy = symptom_policy()
    ratio, shift = _moved(strata, q, cuts)
    rise, least = 1.0 + policy.latency_min_rise, policy.latency_min_ms / 1000.0
    if slower:
        return ratio >= rise and shift >= least, ratio
    return ratio <= 1 / rise and -shift >= least, ratio


def _latency(op: str, strata: list[Stratum], threshold: float) -> Symptom | None:
    policy = symptom_policy()
    phi = policy.latency_dispersion
    # the far tail (p99) only over routes whose baseline holds enough requests to place it between requests
    far = [(w, b) for w, b in strata if len(b) >= policy.p99_min_requests]
    tests = []
    for name, group, q, slower in (("median", strata, 0.5, True), ("p90", strata, 0.9, True),
                                   ("p99", far, 0.99, True), ("median", strata, 0.5, False)):
        if not group:
            continue
        cuts = _cut(group, q)
        enough, ratio = _moved_enough(group, q, slower, cuts)
        if not enough:
            continue
        # slow requests come in bursts (a pause, a busy neighbour): the baseline's own runs of requests say by
        # how much more its counts vary than independent requests would
        beyond = _beyond(group, cuts, slower)
        z = stratified_z(_counts(group, beyond), dispersion(_buckets([r for _, b in group for r in b], beyond), phi))
        if z >= threshold:
            tests.append((z, name, ratio, slower, beyond, group, q))
    if not tests:
        return None
    z, name, ratio, slower, beyond, strata, q = max(tests, key=lambda t: t[0])
    w_all = sorted(r.seconds for w, _ in strata for r in w)
    b_all = sorted(r.seconds for _, b in strata for r in b)
    n_now, n_before = len(w_all), len(b_all)
    routes = f" over {len(strata)} routes" if len(strata) > 1 else ""
    onset = _onset([r for w, _ in strata for r in w], beyond)
    if not slower:  # requests end sooner than usual: less work done (failures, empty or wrong answers)
        return Symptom("traces", "errors", round(z, 2), onset,
                       f"{op}: requests end sooner than usual, median {quantile(w_all, 0.5) * 1000:.0f} ms vs "
                       f"{quantile(b_all, 0.5) * 1000:.0f} ms ({ratio:.2f}x per route{routes}; {n_now} requests vs "
                       f"{n_before}): they do less work than in the baseline (failures or empty answers?)")
    return Symptom("traces", "latency", round(z, 2), onset,
                   f"{op}: {name} {quantile(w_all, q) * 1000:.0f} ms vs {quantile(b_all, q) * 1000:.0f} ms in the "
                   f"baseline ({ratio:.1f}x per route{routes}; {n_now} requests vs {n_before})")


def _errors(op: str, strata: list[Stratum], n_now: int, n_before: int, threshold: float) -> Symptom | None:
    found = _share_rise(strata, _failed)
    if found is None or found[0] < threshold:
        return None
    z, failed_now, _, failed_before, _ = found
    ratio_now, ratio_before = failed_now / n_now, failed_before / n_before
    return Symptom("traces", "errors", round(z, 2), _onset([r for w, _ in strata for r in w], _failed),
                   f"{op}: {failed_now} of {n_now} requests failed ({ratio_now * 100:.1f}%) vs "
                   f"{ratio_before * 100:.1f}% of {n_before} in the baseline")


def _share_rise(strata: list[Stratum], bad: Callable[[EntryRequest], bool]) -> tuple[float, int, int, int, int] | None:
    """z that the share of `bad` requests rose, each route against its own baseline (Cochran-Mantel-Haenszel,
    dispersion from the baseline's own runs of requests), with (bad, requests) of the window and of the
    baseline; None when the share does not rise by the errors' floors."""
    policy = symptom_policy()
    n_now, n_before = sum(len(w) for w, _ in strata), sum(len(b) for _, b in strata)
    k_now = sum(bad(r) for w, _ in strata for r in w)
    k_before = sum(bad(r) for _, b in strata for r in b)
    share_now, share_before = k_now / n_now, k_before / n_before
    if not k_now or share_now - share_before < policy.error_min_rise or (
            share_now < policy.error_min_ratio * share_before):
        return None
    phi = dispersion(_buckets([r for _, b in strata for r in b], bad), policy.error_dispersion)
    z = stratified_z([(float(sum(map(bad, w))), float(len(w)), float(sum(map(bad, b))), float(len(b)))
                      for w, b in strata], phi)
    return z, k_now, n_now, k_before, n_before


def _paths(op: str, strata: list[Stratum], events: list[str], threshold: float) -> Symptom | None:
    """What the operation's requests lead to downstream: a downstream operation that the requests of a route
    reach much less (or much more) often than in the baseline. A wrong answer deep inside changes the path
    a request takes while its latency and status stay flat."""
    policy = symptom_policy()
    best: tuple[float, str, float, float] | None = None
    n_now = sum(len(w) for w, _ in strata)
    n_before = sum(len(b) for _, b in strata)
    # how many requests of each route reach each event, window and baseline: one pass over the requests
    reach: dict[str, list[list[float]]] = defaultdict(lambda: [[0.0, 0.0] for _ in strata])
    for i, side, r in _each(strata):
        for event in r.reached:
            reach[event][i][side] += 1
    for event in events:
        counts = [(reach[event][i][0], float(len(w)), reach[event][i][1], float(len(b)))
                  for i, (w, b) in enumerate(strata)]
        share_now = sum(c[0] for c in counts) / n_now
        share_before = sum(c[2] for c in counts) / n_before
        if abs(share_now - share_before) < policy.path_min_change:
            continue
        z = abs(stratified_z(counts, policy.path_dispersion))
        if z >= threshold and (best is None or z > best[0]):
            best = (z, event, share_now, share_before)
    if best is None:
        return None
    z, event, share_now, share_before = best
    more = share_now > share_before
    reqs = [r for w, _ in strata for r in w]
    return Symptom("traces", "errors", round(z, 2), _onset(reqs, lambda r: (event in r.reached) == more),
                   f"{op}: its requests reach {event} {'more' if more else 'less'} often: "
                   f"{share_now * 100:.0f}% of {n_now} vs {share_before * 100:.0f}% of {n_before} in the baseline "
                   f"(per route): they take other paths than before")


def _via_groups(strata: list[Stratum]) -> dict[str, list[Stratum]]:
    """The requests that led into each downstream service, per route: (window, baseline) per route, for every
    service reached by `via_min_requests` or more requests in each period (one pass over the requests)."""
    least = symptom_policy().via_min_requests
    per_service: dict[str, list[tuple[list[EntryRequest], list[EntryRequest]]]] = defaultdict(
        lambda: [([], []) for _ in strata])
    for i, side, r in _each(strata):
        for service in {service_of(event) for event in r.reached}:
            per_service[service][i][side].append(r)
    out = {}
    for service, pairs in sorted(per_service.items()):
        groups = [(w, b) for w, b in pairs if w and b]
        if min(sum(len(w) for w, _ in groups), sum(len(b) for _, b in groups)) >= least:
            out[service] = groups
    return out


def _each(strata: list[Stratum]) -> Iterator[tuple[int, int, EntryRequest]]:
    """(stratum index, 0 for the window or 1 for the baseline, request) for every request of the strata."""
    for i, (w, b) in enumerate(strata):
        for side, reqs in ((0, w), (1, b)):
            for r in reqs:
                yield i, side, r


@lru_cache(maxsize=4096)
def service_of(event: str) -> str:
    """The service of a "service operation" a request reached."""
    return event.split(" ", 1)[0]


def _alike(groups: dict[str, list[Stratum]]) -> dict[tuple[str, ...], list[Stratum]]:
    """The groups of requests into downstream services, each distinct set of requests once, under the names
    of every service those same requests lead into."""
    names: dict[tuple[tuple[int, ...], ...], list[str]] = defaultdict(list)
    strata_of: dict[tuple[tuple[int, ...], ...], list[Stratum]] = {}
    for service, strata in groups.items():
        key = tuple(tuple(id(r) for r in (*w, *b)) for w, b in strata)
        names[key].append(service)
        strata_of[key] = strata
    return {tuple(names[key]): strata for key, strata in strata_of.items()}


def _via(op: str, groups: dict[tuple[str, ...], list[Stratum]],
         floor: float) -> list[tuple[tuple[str, ...], Symptom]]:
    """Latency of the requests that lead into one downstream service: a slow (or suddenly fast) callee deep
    inside touches only the requests that reach it, too few to move the operation's overall figures. Each
    route's requests into the service are ranked against the same route's baseline requests into it
    (stratified rank-sum test: no assumption on the shape of latencies, a shift of the mix between routes is
    no change); the median must move by the latency floor too. Every group whose |z| reaches `floor`."""
    out = []
    for services, strata in groups.items():
        z = rank_z([([r.seconds for r in w], [r.seconds for r in b]) for w, b in strata])
        if abs(z) < floor:
            continue
        slower = z > 0
        cuts = _cut(strata, 0.5)
        enough, ratio = _moved_enough(strata, 0.5, slower, cuts)
        if not enough:
            continue
        w_all = sorted(r.seconds for w, _ in strata for r in w)
        b_all = sorted(r.seconds for _, b in strata for r in b)
        onset = _onset([r for w, _ in strata for r in w], _beyond(strata, cuts, slower))
        head = (f"{op}: its requests that lead into {' / '.join(services)} "
                f"{'take longer' if slower else 'end sooner'}: median {quantile(w_all, 0.5) * 1000:.0f} ms vs "
                f"{quantile(b_all, 0.5) * 1000:.0f} ms in the baseline ({ratio:.2f}x per route; {len(w_all)} "
                f"requests vs {len(b_all)})")
        out.append((services, Symptom("traces", "latency", round(abs(z), 2), onset, head) if slower else Symptom(
            "traces", "errors", round(abs(z), 2), onset,
            head + ": they do less work than in the baseline (failures or empty answers?)")))
    return out


def _via_errors(op: str, groups: dict[str, list[Stratum]], floor: float) -> list[tuple[tuple[str, ...], Symptom]]:
    """Failures inside a downstream service on the requests that lead into it: the service may answer its own
    callers well (it retries, falls back or returns a default) while its requests now meet failures deep
    inside. The failed share's test and floors (`_share_rise`), per downstream service whose z reaches
    `floor`."""
    out = []
    for service, strata in groups.items():
        found = _share_rise(strata, lambda r, service=service: service in r.failed_in)
        if found is None or found[0] < floor:
            continue
        z, k_now, n_now, k_before, n_before = found
        out.append(((service,), Symptom(
            "traces", "errors", round(z, 2), _onset([r for w, _ in strata for r in w],
                                                    lambda r, service=service: service in r.failed_in),
            f"{op}: its requests that lead into {service} meet failures there: {k_now / n_now * 100:.0f}% of "
            f"{n_now} vs {k_before / n_before * 100:.0f}% of {n_before} in the baseline (per route)",
            within=(service,))))
    return out


def _failed(r: EntryRequest) -> bool:
    return r.failed


def _beyond(strata: list[Stratum], cuts: list[float], slower: bool) -> Callable[[EntryRequest], bool]:
    by_route = {w[0].route: cut for (w, _), cut in zip(strata, cuts, strict=True) if w}
    return lambda r: (r.seconds > by_route.get(r.route, float("inf"))) if slower else (
        r.seconds < by_route.get(r.route, 0.0))


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
