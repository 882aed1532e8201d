"""RED from the local store through the metric naming profiles (obskit/conventions/metrics/, obskit.yaml):
request counters and histogram/summary counts, histogram buckets, summary quantiles, means from _sum/_count,
gauges of percentiles, rates, counts per period and error/success ratios, found by their Prometheus names
(obskit/sources/local_points.py). Periods follow the points' own start times (obskit/sources/intervals.py).

For each service the first profile (in order) that has requests for it gives its RED, as on Prometheus.
Series: request_rate (req/s), error_ratio (0..1, with `counts`: the requests behind each point),
latency_p50/p95/p99 and latency_mean (seconds), labelled {"profile": name}.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from obskit.conventions import MetricProfile
from obskit.sources.histogram import counts_quantiles
from obskit.sources.intervals import Buckets, Tracker
from obskit.sources.local_points import Catalog, Part, Row
from obskit.sources.metrics import QUANTILE_LEVELS, QUANTILES, Series
from obskit.sources.window import Window

LOOKBACK_NS = 900 * 10**9  # rows fetched before the window: earlier points to difference against
COUNTERS = ("value", "count")


@dataclass
class _Acc:
    """Per service: sums per bucket, and held values per (series name, bucket, stored series)."""

    requests: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    errors: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    errors_known: bool = False
    counted: dict[int, float] = field(default_factory=lambda: defaultdict(float))  # from a count-per-period gauge
    failed: dict[int, float] = field(default_factory=lambda: defaultdict(float))  # from a failed-requests counter
    latency_sum: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    latency_count: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    histograms: dict[int, dict[tuple[float, ...], list[float]]] = field(default_factory=lambda: defaultdict(dict))
    held: dict[str, dict[int, dict[tuple, list[float]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict)))  # name -> bucket -> series -> [sum, weight]
    weighted: dict[str, dict[int, list[float]]] = field(default_factory=lambda: defaultdict(dict))

    def hold(self, name: str, spread: list[tuple[int, float]], key: tuple, value: float) -> None:
        for index, share in spread:
            cell = self.held[name][index].setdefault(key, [0.0, 0.0])
            cell[0] += value * share
            cell[1] += share

    def weigh(self, name: str, spread: list[tuple[int, float]], value: float, weight: float) -> None:
        for index, share in spread:
            cell = self.weighted[name].setdefault(index, [0.0, 0.0])
            cell[0] += value * share * weight
            cell[1] += share * weight

    def weighted_values(self, name: str) -> dict[int, float]:
        return {i: s / w for i, (s, w) in self.weighted.get(name, {}).items() if w > 0}

    def values(self, name: str, how: str) -> dict[int, float]:
        """Per bucket: each stored series' time-weighted mean, combined across series by max, avg or sum."""
        out = {}
        for index, by_series in self.held.get(name, {}).items():
            means = [s / w for s, w in by_series.values() if w > 0]
            if means:
                out[index] = max(means) if how == "max" else sum(means) / len(means) if how == "avg" else sum(means)
        return out


class ProfileRed:
    """RED per service through naming profiles, over one catalog of the store."""

    def __init__(self, catalog: Catalog, profiles: list[MetricProfile]) -> None:
        self.catalog = catalog
        self.profiles = profiles

    def red_many(self, services: list[str], window: Window) -> dict[str, list[Series]]:
        out: dict[str, list[Series]] = {s: [] for s in services}
        todo = set(services)
        for profile in self.profiles:
            if not todo:
                break
            for service, series in self._profile(profile, todo, window).items():
                if series and any(s.name == "request_rate" for s in series):
                    out[service] = series
                    todo.discard(service)
        return out

    def _parts(self, profile: MetricProfile) -> dict[str, list[Part]]:
        find = self.catalog.find
        family = profile.latency_family
        return {
            "requests": find(profile.requests_metric, COUNTERS),
            "rate_gauge": find(profile.request_rate_gauge, ("value",)),
            "count_gauge": find(profile.request_count_gauge, ("value",)),
            "error_count": find(profile.error_count_metric, COUNTERS),
            "error_ratio": find(profile.error_ratio_gauge, ("value",)),
            "success_ratio": find(profile.success_ratio_gauge, ("value",)),
            "buckets": find(profile.latency_bucket_metric, ("buckets",)),
            "quantiles": find(profile.latency_summary_metric, ("quantiles",)),
            "mean_sum": find(f"{family}_sum" if family else None, ("sum",)),
            "mean_count": find(f"{family}_count" if family else None, ("count",)),
            **{f"gauge:{series}": find(name, ("value",)) for series, name in profile.latency_gauges.items()},
        }

    def _profile(self, profile: MetricProfile, services: set[str], window: Window) -> dict[str, list[Series]]:
        parts = self._parts(profile)
        if not (parts["requests"] or parts["rate_gauge"] or parts["count_gauge"]):
            return {}
        roles: dict[tuple[str, str], list[str]] = defaultdict(list)  # (stored name, part) -> roles
        for role, found in parts.items():
            for p in found:
                roles[(p.name, p.part)].append(role)
        by_name: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)  # stored name -> (part, roles)
        for (name, part), names in roles.items():
            by_name[name].append((part, names))
        buckets = Buckets.of(window)
        lo = buckets.start_ns - max(buckets.step_ns, LOOKBACK_NS)
        rows = self.catalog.fetch(set(by_name), lo, int(window.end * 1e9))
        tracker = Tracker(lo)
        accs: dict[str, _Acc] = {}
        error_re = re.compile(profile.error_regex) if profile.error_regex else None
        for row in rows:
            if not row.matches(profile.extra_matchers):
                continue
            owners = {row.label(label) for label in profile.service_labels} & services
            if not owners:
                continue
            for part, names in by_name.get(row.name, ()):
                self._add(row, part, names, owners, accs, tracker, buckets, profile, error_re)
        return {service: self._series(profile, service, acc, buckets, window) for service, acc in accs.items()}

    def _add(self, row: Row, part: str, roles: list[str], owners: set[str], accs: dict[str, _Acc],
             tracker: Tracker, buckets: Buckets, profile: MetricProfile, error_re: re.Pattern[str] | None) -> None:
        scale = profile.latency_unit_seconds
        key = (*row.key, part)
        if part == "quantiles":
            # a summary's quantiles weigh by the requests behind them (a few slow failures must not stand for
            # all requests); an empty summary (count 0, NaN quantiles) says nothing
            spread = buckets.shares(tracker.hold(key, row.ts, row.start), row.ts)
            weight = row.count if row.count is not None else 1.0
            for service in owners:
                for series, q in QUANTILES:
                    for level, value in zip(row.bounds, row.quantiles, strict=False):
                        if abs(level - q) < 1e-9 and math.isfinite(value) and weight > 0:
                            accs.setdefault(service, _Acc()).weigh("summary:" + series, spread, value * scale, weight)
            return
        if part == "buckets":
            found_list = tracker.increase_list(key, row.ts, row.start, row.buckets, row.temporality)
            if found_list is None:
                return
            spread = buckets.shares(found_list[0], row.ts)
            bounds = tuple(b * scale for b in row.bounds)
            for service in owners:
                acc = accs.setdefault(service, _Acc())
                for index, share in spread:
                    cell = acc.histograms[index].setdefault(bounds, [0.0] * len(found_list[1]))
                    for i, c in enumerate(found_list[1][: len(cell)]):
                        cell[i] += c * share
            return
        raw = {"value": row.value, "count": row.count, "sum": row.sum}.get(part)
        if raw is None:
            return
        if row.type == "gauge":
            since = tracker.hold(key, row.ts, row.start)
            if since is None and profile.count_period_seconds and "count_gauge" in roles:
                since = row.ts - int(profile.count_period_seconds * 1e9)
            amount = raw
        else:
            found = tracker.increase(key, row.ts, row.start, raw, row.temporality)
            if found is None:
                return
            since, amount = found
        spread = buckets.shares(since, row.ts)
        for service in owners:
            acc = accs.setdefault(service, _Acc())
            for role in roles:
                self._role(acc, role, row, spread, amount, profile, error_re, scale)

    @staticmethod
    def _role(acc: _Acc, role: str, row: Row, spread: list[tuple[int, float]], amount: float,
              profile: MetricProfile, error_re: re.Pattern[str] | None, scale: float) -> None:
        sums = {"requests": acc.requests, "count_gauge": acc.counted, "error_count": acc.failed,
                "mean_sum": acc.latency_sum, "mean_count": acc.latency_count}
        if role in sums:
            factor = scale if role == "mean_sum" else 1.0
            for index, share in spread:
                sums[role][index] += amount * share * factor
        else:  # rate_gauge, error_ratio, success_ratio, gauge:<latency series>: values held over their period
            acc.hold(role, spread, row.key, amount)
        if role == "requests" and error_re is not None and profile.error_label in row.labels:
            acc.errors_known = True
            if error_re.fullmatch(row.labels[profile.error_label]):
                for index, share in spread:
                    acc.errors[index] += amount * share

    def _series(self, profile: MetricProfile, service: str, acc: _Acc, buckets: Buckets,
                window: Window) -> list[Series]:
        step = window.step
        requests = dict(acc.requests)
        if not requests:
            requests = dict(acc.counted)
        if not requests and acc.held.get("rate_gauge"):
            requests = {i: v * step for i, v in acc.values("rate_gauge", "sum").items()}
        ratio: dict[int, float] = {}
        if acc.errors_known:
            ratio = {i: acc.errors.get(i, 0.0) / n for i, n in requests.items() if n > 0}
        elif acc.failed:
            ratio = {i: min(1.0, acc.failed.get(i, 0.0) / n) for i, n in requests.items() if n > 0}
        elif acc.held.get("error_ratio"):
            ratio = {i: v / profile.ratio_scale for i, v in acc.values("error_ratio", "avg").items()}
        elif acc.held.get("success_ratio"):
            ratio = {i: 1.0 - v / profile.ratio_scale for i, v in acc.values("success_ratio", "avg").items()}
        latency: dict[str, dict[int, float]] = {}
        from_histogram: dict[str, dict[int, float]] = {name: {} for name, _ in QUANTILES}
        for index, by_bounds in acc.histograms.items():
            bounds, counts = max(by_bounds.items(), key=lambda item: sum(item[1]))
            for (name, _), value in zip(QUANTILES, counts_quantiles(QUANTILE_LEVELS, bounds, counts), strict=True):
                if value is not None:
                    from_histogram[name][index] = value
        for name, _ in QUANTILES:
            latency[name] = from_histogram[name] or acc.weighted_values("summary:" + name) or {
                i: v * profile.latency_unit_seconds for i, v in acc.values("gauge:" + name, "max").items()}
        latency["latency_mean"] = {i: s / acc.latency_count[i] for i, s in acc.latency_sum.items()
                                   if acc.latency_count.get(i, 0) > 0} or {
            i: v * profile.latency_unit_seconds for i, v in acc.values("gauge:latency_mean", "avg").items()}
        labels = {"profile": profile.name}
        query = f"naming profile {profile.name} over metric_points (service {service})"
        out = []
        if requests:
            out.append(Series("request_rate", service, [(buckets.time(i), round(n / step, 9))
                                                        for i, n in sorted(requests.items())], dict(labels),
                              query, counts=[round(n) for _, n in sorted(requests.items())]))
        if ratio:
            points = sorted((i, max(0.0, min(1.0, v))) for i, v in ratio.items())
            counts = [round(requests.get(i, 0.0)) for i, _ in points]
            out.append(Series("error_ratio", service, [(buckets.time(i), round(v, 9)) for i, v in points],
                              dict(labels), query, counts=counts if requests else []))
        for name in (*(n for n, _ in QUANTILES), "latency_mean"):
            if latency.get(name):
                out.append(Series(name, service, [(buckets.time(i), round(v, 9))
                                                  for i, v in sorted(latency[name].items())], dict(labels), query))
        return out
