"""Metric points of the local store found by their Prometheus names (what naming and graph profiles use).

`Catalog` lists the store's metrics once and answers which stored metric (and which part of it: value,
count, sum, buckets, quantiles) a Prometheus series name means; `fetch()` reads the rows of those metrics in
a time range as `Row`s whose attribute keys are Prometheus label names (`http.response.status_code` ->
`http_response_status_code`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from obskit.sources.prom_names import label_name, series_names

RESOURCE_LABELS = frozenset({"job", "service_name", "service"})  # labels the resource's service.name becomes

ROWS_SQL = """
SELECT name, type, ts_ns, start_ns, temporality, attributes, pod, service, value, count, sum, bounds, buckets,
       {quantiles}
FROM metric_points WHERE name IN (SELECT unnest($names)) AND ts_ns > $lo AND ts_ns <= $hi ORDER BY ts_ns
"""


@dataclass(frozen=True)
class Part:
    name: str  # stored (OTLP) metric name
    type: str  # gauge | sum | histogram | summary
    part: str  # value | count | sum | buckets | quantiles


@dataclass
class Row:
    name: str
    type: str
    ts: int
    start: int
    temporality: str
    labels: dict[str, str]  # attributes under their Prometheus label names
    pod: str
    service: str
    value: float | None
    count: float | None
    sum: float | None
    bounds: list[float]
    buckets: list[float]
    quantiles: list[float]
    raw_attributes: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.name, self.raw_attributes, self.pod, self.service)

    def label(self, name: str) -> str:
        """A label's value; the resource's service.name stands for job/service_name/service."""
        value = self.labels.get(name, "")
        if not value and name in RESOURCE_LABELS:
            return self.service
        return value

    def matches(self, matchers: dict[str, str]) -> bool:
        return all(self.labels.get(k, "") == v for k, v in matchers.items())


class Catalog:
    """Prometheus series name -> the stored metrics it stands for."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        columns = {r[0] for r in con.cursor().execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'metric_points'").fetchall()}
        # a store written before summaries were stored has no quantiles column (and no summary points)
        self.sql = ROWS_SQL.format(quantiles="quantiles" if "quantiles" in columns else "NULL::DOUBLE[]")
        self.parts: dict[str, list[Part]] = {}
        for name, unit, kind in con.cursor().execute(
                "SELECT DISTINCT name, coalesce(unit, ''), type FROM metric_points ORDER BY 1, 2, 3").fetchall():
            for series, part in series_names(name, unit, kind).items():
                self.parts.setdefault(series, []).append(Part(name, kind, part))

    def find(self, series: str | None, parts: tuple[str, ...]) -> list[Part]:
        return [p for p in self.parts.get(series or "", []) if p.part in parts]

    def fetch(self, names: set[str], lo_ns: int, hi_ns: int) -> list[Row]:
        if not names:
            return []
        rows = self.con.cursor().execute(self.sql, {"names": sorted(names), "lo": lo_ns, "hi": hi_ns}).fetchall()
        out = []
        for name, kind, ts, start, temporality, attrs, pod, service, value, count, total, bounds, buckets, qs in rows:
            parsed = json.loads(attrs or "{}")
            out.append(Row(name, kind, ts, start or 0, temporality or "",
                           {label_name(k): str(v) for k, v in parsed.items()}, pod or "", service or "", value,
                           None if count is None else float(count), total, list(bounds or []),
                           [float(b) for b in buckets or []], list(qs or []), attrs or "{}"))
        return out
