"""The local DuckDB store as a Sources bundle: metrics, logs, traces and cluster facts.

`local_sources(db)` opens the store read-only; every protocol in obskit/sources/ is implemented, so
`investigate` runs on a demo or imported data exactly as on production backends.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from obskit.conventions import GraphProfile, MetricProfile
from obskit.local.store import connect
from obskit.sources import Sources
from obskit.sources.cluster import ClusterEvent, PodStatus, Rollout
from obskit.sources.local_metrics import LocalMetrics
from obskit.sources.local_traces import LocalTraces
from obskit.sources.logs import LogCount, LogRecord, SampleAsk
from obskit.sources.window import Window

COUNTS_MANY_SQL = """
SELECT service, floor((ts_ns - ?) / ?)::BIGINT AS bucket, level, count(*) FROM logs
WHERE service IN ({services}) AND ts_ns >= ? AND ts_ns < ? AND level IN ({levels})
GROUP BY service, bucket, level ORDER BY service, bucket, level
"""
SAMPLE_SQL = """
SELECT ts_ns, service, level, body, trace_id, span_id, attributes FROM logs
WHERE service = ? AND ts_ns >= ? AND ts_ns < ? AND level IN ({levels})
ORDER BY ts_ns DESC LIMIT ?
"""

SERVICE_COUNTS_SQL = """
SELECT service, count(*) FROM logs
WHERE service IN ({services}) AND ts_ns >= ? AND ts_ns < ? AND level IN ({levels}) GROUP BY service
"""
# several samples in one scan: each ask is a (service, period, level) with the share of its lines to keep (from
# counts the caller already has), so one pass over the logs serves both periods and every level group; a line's
# hash is worked out once, and lines above every ask's share leave before the join (equal service and level)
SPREAD_MANY_SQL = """
WITH ask(part, service, level, lo, hi, keep) AS (VALUES {asks}),
l AS (
  SELECT rowid AS rid, ts_ns, service, level, hash(ts_ns, service, span_id) % {modulus} AS h FROM logs
  WHERE ts_ns >= ? AND ts_ns < ? AND level IN ({levels}) AND hash(ts_ns, service, span_id) % {modulus} < ?),
picked AS (
  SELECT a.part, l.rid FROM l JOIN ask a ON l.service = a.service AND l.level = a.level AND l.ts_ns >= a.lo
    AND l.ts_ns < a.hi AND l.h < a.keep),
-- the text of the kept lines only: reading every line's text before choosing costs most of the scan
g AS (SELECT rowid AS rid, ts_ns, service, level, body, trace_id, span_id FROM logs
      WHERE rowid IN (SELECT rid FROM picked))
SELECT p.part, g.ts_ns, g.service, g.level, g.body, g.trace_id, g.span_id
FROM g JOIN picked p ON p.rid = g.rid ORDER BY p.part, g.ts_ns, g.rid
"""
MODULUS = 1_000_003
# error lines logged in given traces (the requests a symptom test compares), with when and by which service
ERROR_LINES_SQL = """
SELECT trace_id, service, ts_ns FROM logs
WHERE ts_ns >= ? AND ts_ns < ? AND level = 'error' AND trace_id IN (SELECT unnest(?::VARCHAR[]))
"""


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join("?" for _ in values) or "NULL"


class LocalLogs:
    name = "local"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def counts(self, service: str, window: Window, levels: tuple[str, ...] = ("error", "warn")) -> list[LogCount]:
        return self.counts_many([service], window, levels)[service]

    def counts_many(self, services: list[str], window: Window,
                    levels: tuple[str, ...] = ("error", "warn")) -> dict[str, list[LogCount]]:
        """`counts` for several services in one scan."""
        out: dict[str, list[LogCount]] = {svc: [] for svc in services}
        if not services:
            return out
        start_ns, step_ns = int(window.start * 1e9), int(window.step * 1e9)
        rows = self.con.cursor().execute(
            COUNTS_MANY_SQL.format(services=_marks(tuple(services)), levels=_marks(levels)),
            [start_ns, step_ns, *services, start_ns, int(window.end * 1e9), *levels]).fetchall()
        for svc, b, level, n in rows:
            out[svc].append(LogCount(window.start + b * window.step, level, int(n)))
        return out

    def sample(self, service: str, window: Window, levels: tuple[str, ...] = ("error", "warn"),
               limit: int = 2000) -> list[LogRecord]:
        rows = self.con.cursor().execute(
            SAMPLE_SQL.format(levels=_marks(levels)),
            [service, int(window.start * 1e9), int(window.end * 1e9), *levels, limit]).fetchall()
        return [LogRecord(ts / 1e9, svc, level, body, trace, span,
                          {k: str(v) for k, v in json.loads(attrs or "{}").items()})
                for ts, svc, level, body, trace, span, attrs in rows]

    def spread_sample(self, services: list[str], window: Window, levels: tuple[str, ...],
                      limit: int) -> dict[str, list[LogRecord]]:
        if not services or not levels:
            return {}
        bounds = [int(window.start * 1e9), int(window.end * 1e9)]
        totals = self.con.cursor().execute(
            SERVICE_COUNTS_SQL.format(services=_marks(tuple(services)), levels=_marks(levels)),
            [*services, *bounds, *levels]).fetchall()
        out: dict[str, list[LogRecord]] = {svc: [] for svc in services}
        out.update(self.spread_samples([SampleAsk(window, levels, dict(totals), limit)])[0])
        return out

    def spread_samples(self, asks: list[SampleAsk]) -> list[dict[str, list[LogRecord]]]:
        """Several `spread_sample`s in one scan of the logs (every record whose hash falls under its service's
        share of the ask); each ask brings the line counts per service it already has (from `counts_many`), so
        nothing is counted again. One result per ask, in order."""
        out: list[dict[str, list[LogRecord]]] = [{svc: [] for svc in ask.totals} for ask in asks]
        rows = [(i, svc, level, int(ask.window.start * 1e9), int(ask.window.end * 1e9),
                 min(MODULUS, int(MODULUS * ask.limit / n) + 1))  # the share of its lines to keep
                for i, ask in enumerate(asks) for svc, n in ask.totals.items() if n > 0 for level in ask.levels]
        if not rows:
            return out
        levels = tuple(sorted({lv for ask in asks for lv in ask.levels}))
        bounds = [int(min(a.window.start for a in asks) * 1e9), int(max(a.window.end for a in asks) * 1e9)]
        sql = SPREAD_MANY_SQL.format(asks=", ".join("(?, ?, ?, ?, ?, ?)" for _ in rows), levels=_marks(levels),
                                     modulus=MODULUS)
        params = [v for row in rows for v in row] + bounds + list(levels) + [max(row[-1] for row in rows)]
        for part, ts, svc, level, body, trace, span in self.con.cursor().execute(sql, params).fetchall():
            out[part][svc].append(LogRecord(ts / 1e9, svc, level, body, trace, span))
        return out

    def error_lines(self, trace_ids: list[str], window: Window) -> dict[str, list[tuple[str, float]]]:
        """Per trace id: (service, time) of each error line logged in it within the window."""
        out: dict[str, list[tuple[str, float]]] = {}
        if not trace_ids:
            return out
        rows = self.con.cursor().execute(ERROR_LINES_SQL, [int(window.start * 1e9), int(window.end * 1e9),
                                                           sorted(set(trace_ids))]).fetchall()
        for trace, svc, ts in rows:
            out.setdefault(trace, []).append((svc, ts / 1e9))
        return out

    def query_text(self, service: str, levels: tuple[str, ...] = ("error", "warn")) -> str | None:
        quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in levels)
        name = service.replace("'", "''")
        return f"SELECT * FROM logs WHERE service = '{name}' AND level IN ({quoted}) ORDER BY ts_ns DESC"


class LocalCluster:
    name = "local"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def pods(self, service: str, namespace: str | None) -> list[PodStatus]:
        return self.pods_many([service], namespace)[service]

    def events(self, service: str, namespace: str | None, window: Window) -> list[ClusterEvent]:
        return self.events_many([service], namespace, window)[service]

    def rollouts(self, service: str, namespace: str | None, window: Window) -> list[Rollout]:
        return self.rollouts_many([service], namespace, window)[service]

    # the stage asks for every service at once: one query per table, not one per service and table
    def pods_many(self, services: list[str], namespace: str | None) -> dict[str, list[PodStatus]]:
        rows = self.con.cursor().execute(
            "SELECT name, namespace, service, ready, restarts, last_termination_reason, last_termination_ts "
            "FROM pods WHERE list_contains(?, service) AND (? IS NULL OR namespace = ?) ORDER BY service, name",
            [services, namespace, namespace]).fetchall()
        return _per_service(services, [PodStatus(*row) for row in rows])

    def events_many(self, services: list[str], namespace: str | None,
                    window: Window) -> dict[str, list[ClusterEvent]]:
        rows = self.con.cursor().execute(
            "SELECT ts, namespace, kind, object_name, type, reason, message, count, service FROM cluster_events "
            "WHERE list_contains(?, service) AND (? IS NULL OR namespace = ?) AND ts >= ? AND ts < ? "
            "ORDER BY service, ts, object_name", [services, namespace, namespace, window.start, window.end]).fetchall()
        return _per_service(services, [ClusterEvent(*row) for row in rows])

    def rollouts_many(self, services: list[str], namespace: str | None, window: Window) -> dict[str, list[Rollout]]:
        rows = self.con.cursor().execute(
            "SELECT ts, service, namespace, kind, name, revision, change FROM rollouts "
            "WHERE list_contains(?, service) AND (? IS NULL OR namespace = ?) AND ts >= ? AND ts < ? "
            "ORDER BY service, ts", [services, namespace, namespace, window.start, window.end]).fetchall()
        return _per_service(services, [Rollout(*row) for row in rows])


def _per_service(services: list[str], items: list[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {svc: [] for svc in services}
    for item in items:
        out[item.service].append(item)
    return out


READ_MEMORY = "768MB"


def local_sources(db_path: Path, profiles: dict[str, MetricProfile] | None = None,
                  graph_profiles: dict[str, GraphProfile] | None = None) -> Sources:
    """Every signal from the DuckDB store at db_path (opened read-only); `profiles`/`graph_profiles` are the
    naming and graph profiles to use (default: the built-in ones; see obskit.conventions.merged)."""
    con = connect(Path(db_path), read_only=True)
    # an investigation's memory is bounded whatever the store's size: DuckDB spills to a temp directory
    # beyond READ_MEMORY (its default is most of the machine's RAM)
    con.execute(f"SET memory_limit = '{READ_MEMORY}'")
    con.execute("SET temp_directory = ?", [str(Path(tempfile.gettempdir()) / "obskit-duckdb-spill")])
    return Sources(metrics=LocalMetrics(con, profiles, graph_profiles), logs=LocalLogs(con), traces=LocalTraces(con),
                   cluster=LocalCluster(con))


__all__ = ["local_sources", "LocalMetrics", "LocalLogs", "LocalTraces", "LocalCluster"]
