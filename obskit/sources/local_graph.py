"""Service-to-service edges from metrics in the local store, through the graph profiles
(obskit/conventions/graphs/: the Collector's servicegraph connector, Istio, Linkerd; more in obskit.yaml)."""

from __future__ import annotations

import re
from collections import defaultdict

from obskit.conventions import GraphProfile
from obskit.sources.intervals import Buckets, Tracker
from obskit.sources.local_points import Catalog
from obskit.sources.service_graph import endpoint, profile_edges
from obskit.sources.traces import Edge
from obskit.sources.window import Window

LOOKBACK_NS = 900 * 10**9


def metric_edges(catalog: Catalog, profiles: list[GraphProfile], window: Window) -> list[Edge]:
    """Edges with calls (and failed calls, mean latency when known) over the window, per profile, sorted."""
    edges: list[Edge] = []
    whole = Buckets(int(window.start * 1e9), int(window.seconds * 1e9), 1)  # one bucket: the window
    for profile in profiles:
        roles = {"requests": catalog.find(profile.requests_metric, ("value", "count")),
                 "failed": catalog.find(profile.failed_metric, ("value", "count")),
                 "latency_sum": catalog.find(f"{profile.latency_family}_sum" if profile.latency_family else None,
                                             ("sum",)),
                 "latency_count": catalog.find(f"{profile.latency_family}_count" if profile.latency_family else None,
                                               ("count",))}
        if not roles["requests"]:
            continue
        by_name = defaultdict(list)
        for role, parts in roles.items():
            for part in parts:
                by_name[part.name].append((role, part.part))
        lo = whole.start_ns - LOOKBACK_NS
        tracker = Tracker(lo)
        totals: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        error_re = re.compile(profile.error_regex) if profile.error_regex else None
        for row in catalog.fetch(set(by_name), lo, int(window.end * 1e9)):
            if not row.matches(profile.extra_matchers):
                continue
            caller = endpoint(row.labels, profile.caller_labels, profile.ignore_values)
            callee = endpoint(row.labels, profile.callee_labels, profile.ignore_values)
            if not caller or not callee:
                continue
            for role, part in by_name[row.name]:
                raw = {"value": row.value, "count": row.count, "sum": row.sum}[part]
                found = None if raw is None else tracker.increase((*row.key, part), row.ts, row.start, raw,
                                                                   row.temporality)
                if found is None:
                    continue
                amount = found[1] * sum(share for _, share in whole.shares(found[0], row.ts))
                edge = totals[(caller, callee)]
                edge[role] += amount
                if role == "requests" and error_re is not None and not profile.failed_metric \
                        and profile.error_label in row.labels and error_re.fullmatch(row.labels[profile.error_label]):
                    edge["failed"] += amount  # failed calls by the error label when no counter counts them
        edges += profile_edges(profile, totals)
    return edges
