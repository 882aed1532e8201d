"""TracesSource over the local DuckDB store (OTLP spans as ingested)."""

from __future__ import annotations

import json

import duckdb

from obskit.local.store import recorded_until
from obskit.sources import local_span_groups
from obskit.sources.traces import CallPoint, Edge, EntryRequest, Span, SpanGroup, Trace
from obskit.sources.window import Window

SPAN_COLUMNS = "trace_id, span_id, parent_span_id, service, name, kind, start_ns, end_ns, error, status_message, " \
               "attributes, resource"
RESOURCE_KEYS = ("service.version", "k8s.pod.name", "k8s.namespace.name", "deployment.environment.name")
PEER = "coalesce(json_extract_string({t}.attributes, '$.\"peer.service\"'), " \
       "json_extract_string({t}.attributes, '$.\"server.address\"'))"

FIND_SQL = """
SELECT trace_id, min(start_ns) AS first FROM spans
WHERE (service = ? OR (kind = 'client' AND {peer} = ?)) AND start_ns >= ? AND start_ns < ? {filters}
GROUP BY trace_id ORDER BY hash(trace_id), trace_id LIMIT ?
"""

# a parent is looked for up to $tail before the window, a child up to $tail after it: bounded scans however
# much the store holds
EDGES_SQL = f"""
WITH pairs AS (
  SELECT p.service AS caller, c.service AS callee, c.error OR p.error AS failed
  FROM spans c JOIN (SELECT * FROM spans WHERE start_ns >= $start - $tail AND start_ns < $end + $tail) p
    ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
  WHERE c.start_ns >= $start AND c.start_ns < $end AND c.service <> p.service
  UNION ALL
  SELECT c.service, {PEER.format(t='c')}, c.error
  FROM spans c
  WHERE c.kind IN ('client', 'producer') AND c.start_ns >= $start AND c.start_ns < $end
    AND NOT EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = c.trace_id AND s.parent_span_id = c.span_id
                    AND s.service <> c.service AND s.start_ns >= $start AND s.start_ns < $end + $tail))
SELECT caller, callee, count(*) AS calls, sum(failed::INTEGER) AS errors FROM pairs
WHERE callee IS NOT NULL AND callee <> caller GROUP BY caller, callee ORDER BY caller, callee
"""
SERVICES_SQL = "SELECT DISTINCT service FROM spans WHERE start_ns >= ? AND start_ns < ? ORDER BY service"


def _span(row: tuple) -> Span:
    trace_id, span_id, parent, service, name, kind, start, end, error, message, attrs, resource = row
    attributes = {k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(attrs).items()}
    res = json.loads(resource or "{}")
    for key in RESOURCE_KEYS:
        if key in res and key not in attributes:
            attributes[key] = str(res[key])
    return Span(trace_id, span_id, parent, service, name, kind, start / 1e9, (end - start) / 1e9, bool(error),
                message or "", attributes)


class LocalTraces:
    name = "local"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def recorded_until(self) -> float | None:
        """The store's latest record of any signal (nothing was recorded after it): asked here for the whole
        store, which the local sources share."""
        return recorded_until(self.con)

    def _traces(self, trace_ids: list[str], around: Window | None = None) -> list[Trace]:
        """The traces' spans; with `around`, only those starting within CALL_TAIL of it (a bounded scan)."""
        if not trace_ids:
            return []
        marks = ", ".join("?" for _ in trace_ids)
        bounds, params = "", list(trace_ids)
        if around is not None:
            tail = local_span_groups.CALL_TAIL
            bounds = " AND start_ns >= ? AND start_ns < ?"
            params += [int((around.start - tail) * 1e9), int((around.end + tail) * 1e9)]
        rows = self.con.cursor().execute(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE trace_id IN ({marks}){bounds} ORDER BY start_ns, span_id",
            params).fetchall()
        by_id: dict[str, list[Span]] = {t: [] for t in trace_ids}
        for row in rows:
            by_id[row[0]].append(_span(row))
        return [Trace(t, spans) for t, spans in by_id.items() if spans]

    def find_traces(self, service: str, window: Window, *, errors_only: bool = False,
                    min_duration: float | None = None, limit: int = 200) -> list[Trace]:
        filters, params = "", []
        if errors_only:
            filters += " AND error"
        if min_duration is not None:
            filters += " AND end_ns - start_ns >= ?"
            params.append(int(min_duration * 1e9))
        sql = FIND_SQL.format(peer=PEER.format(t="spans"), filters=filters)
        rows = self.con.cursor().execute(
            sql, [service, service, int(window.start * 1e9), int(window.end * 1e9), *params, limit]).fetchall()
        return self._traces([r[0] for r in rows], window)

    def get_trace(self, trace_id: str) -> Trace | None:
        traces = self._traces([trace_id.lower()])
        return traces[0] if traces else None

    def dependencies(self, window: Window) -> list[Edge]:
        rows = self.con.cursor().execute(EDGES_SQL, {"start": int(window.start * 1e9), "end": int(window.end * 1e9),
                                                     "tail": int(local_span_groups.CALL_TAIL * 1e9)}).fetchall()
        return [Edge(caller, callee, int(calls), int(errors or 0)) for caller, callee, calls, errors in rows]

    def service_names(self, window: Window) -> list[str]:
        """Every service with a span in the window."""
        rows = self.con.cursor().execute(SERVICES_SQL, [int(window.start * 1e9), int(window.end * 1e9)])
        return [r[0] for r in rows.fetchall()]

    def span_groups(self, window: Window, around: str | None = None) -> list[SpanGroup]:
        return local_span_groups.span_groups(self.con, window)  # all spans: `around` is not needed

    def entry_requests(self, service: str, window: Window, limit: int = 2500) -> list[EntryRequest]:
        return local_span_groups.entry_requests(self.con, service, window, limit)

    def call_points(self, window: Window, around: str | None = None) -> list[CallPoint]:
        return local_span_groups.call_points(self.con, window)  # all spans: `around` is not needed

    def span_operations(self, span_ids: list[str], window: Window) -> dict[str, str]:
        if not span_ids:
            return {}
        rows = self.con.cursor().execute(
            "SELECT span_id, name FROM spans WHERE start_ns >= ? AND start_ns < ? "
            "AND span_id IN (SELECT unnest(?::VARCHAR[]))",
            [int(window.start * 1e9), int(window.end * 1e9), sorted(set(span_ids))]).fetchall()
        return dict(rows)

    def operation_counts(self, window: Window) -> dict[tuple[str, str], int]:
        rows = self.con.cursor().execute(
            "SELECT service, name, count(*) FROM spans WHERE start_ns >= ? AND start_ns < ? GROUP BY 1, 2",
            [int(window.start * 1e9), int(window.end * 1e9)]).fetchall()
        return {(svc, name): int(n) for svc, name, n in rows}

    def trace_url(self, trace_id: str) -> str | None:
        return None  # the local store has no UI
