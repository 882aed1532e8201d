"""What the local store holds: spans, log records and metric points per service, and the time covered."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from obskit.local.store import connect

STATS_SQL = """
WITH s AS (SELECT service, count(*) n, min(start_ns) lo, max(end_ns) hi FROM spans GROUP BY service),
     l AS (SELECT service, count(*) n, min(ts_ns) lo, max(ts_ns) hi FROM logs GROUP BY service),
     m AS (SELECT service, count(*) n, min(ts_ns) lo, max(ts_ns) hi FROM metric_points GROUP BY service),
     names AS (SELECT service FROM s UNION SELECT service FROM l UNION SELECT service FROM m)
SELECT names.service, coalesce(s.n, 0), coalesce(l.n, 0), coalesce(m.n, 0),
       least(s.lo, l.lo, m.lo), greatest(s.hi, l.hi, m.hi)
FROM names LEFT JOIN s USING (service) LEFT JOIN l USING (service) LEFT JOIN m USING (service)
ORDER BY names.service
"""


@dataclass
class ServiceStats:
    service: str
    spans: int
    log_records: int
    metric_points: int
    first: float | None  # epoch seconds
    last: float | None


@dataclass
class StoreStats:
    db: str
    services: list[ServiceStats] = field(default_factory=list)
    scenario: str | None = None

    @property
    def totals(self) -> dict[str, int]:
        return {"spans": sum(s.spans for s in self.services),
                "log_records": sum(s.log_records for s in self.services),
                "metric_points": sum(s.metric_points for s in self.services)}

    @property
    def time_range(self) -> tuple[float | None, float | None]:
        firsts = [s.first for s in self.services if s.first is not None]
        lasts = [s.last for s in self.services if s.last is not None]
        return (min(firsts) if firsts else None, max(lasts) if lasts else None)

    def to_json(self) -> dict[str, object]:
        """Times as RFC 3339 (null for an empty store), as every obskit JSON output has them."""
        first, last = self.time_range
        return {"db": self.db, "scenario": self.scenario, "totals": self.totals,
                "time_range": {"from": _time(first), "to": _time(last)},
                "services": [{**asdict(s), "first": _time(s.first), "last": _time(s.last)} for s in self.services]}


def _time(ts: float | None) -> str | None:
    from obskit.sources.window import rfc3339

    return rfc3339(ts) if ts is not None else None


def store_stats(db: Path) -> StoreStats:
    con = connect(db, read_only=True)
    try:
        rows = con.execute(STATS_SQL).fetchall()
        truth = con.execute("SELECT scenario FROM ground_truth LIMIT 1").fetchone()
    finally:
        con.close()
    services = [ServiceStats(svc, int(ns), int(nl), int(nm), lo / 1e9 if lo is not None else None,
                             hi / 1e9 if hi is not None else None) for svc, ns, nl, nm, lo, hi in rows]
    return StoreStats(str(db), services, truth[0] if truth else None)
