"""SpanGroups over ALL spans of the local store, in one DuckDB query (see obskit/sources/span_groups.py for
the same aggregation in Python and the meaning of self, link and entry parts)."""

from __future__ import annotations

import duckdb

from obskit.sources.traces import CallPoint, EntryRequest, SpanGroup
from obskit.sources.window import Window

# a client/producer span without a child span names its (uninstrumented) callee here, e.g. a database
PEER = """coalesce(json_extract_string(attributes, '$."peer.service"'),
                json_extract_string(attributes, '$."server.address"'))"""
# status ERROR, HTTP 5xx or a gRPC server-side error code (the attributes JSON is parsed only when present)
FAILED = """(error OR (attributes <> '{}' AND (
  coalesce(TRY_CAST(json_extract_string(attributes, '$."http.response.status_code"') AS INTEGER),
           TRY_CAST(json_extract_string(attributes, '$."http.status_code"') AS INTEGER), 0) >= 500
  OR coalesce(TRY_CAST(json_extract_string(attributes, '$."rpc.grpc.status_code"') AS INTEGER), -1)
     IN (2, 4, 13, 14, 15))))"""

# spans are joined to their parents on 64-bit keys (the trace id hashed, and with the span id): integer joins
# and partitions cost less than the ids' strings; a collision within one period is out of reach at its size
KEYS = """hash(trace_id) AS trace_id, hash(trace_id, span_id) AS span_id,
         CASE WHEN parent_span_id IS NOT NULL THEN hash(trace_id, parent_span_id) END AS parent_span_id"""

GROUPS_SQL = f"""
WITH s AS (
  SELECT {KEYS}, service, name, kind, start_ns, end_ns - start_ns AS dur,
         {FAILED} AS failed,
         CASE WHEN kind IN ('client', 'producer') AND attributes <> '{{}}' THEN {PEER} END AS peer
  FROM spans WHERE start_ns >= $start AND start_ns < $end AND hash(trace_id) % 1000003 < $keep),
j AS (
  SELECT c.*, p.service AS parent_service, p.start_ns + p.dur AS parent_end
  FROM s c LEFT JOIN s p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id),
k AS (
  SELECT trace_id, parent_span_id AS sid, sum(dur) AS child_ns, bool_or(failed) AS child_failed,
         min(CASE WHEN service <> parent_service THEN service END) AS callee
  FROM j WHERE parent_service IS NOT NULL GROUP BY trace_id, parent_span_id),
c AS (
  SELECT j.*, k.child_ns, k.child_failed,
         CASE WHEN j.kind IN ('client', 'producer') OR (j.kind NOT IN ('server', 'consumer')
                                                        AND j.parent_service = j.service)
              THEN coalesce(k.callee, CASE WHEN k.sid IS NULL AND j.peer <> j.service THEN j.peer END) END AS callee
  FROM j LEFT JOIN k ON k.trace_id = j.trace_id AND k.sid = j.span_id),
-- the gap after each child in another service: to the next child's start (or the parent's end) from the
-- latest end of the children so far
g AS (
  SELECT trace_id, sid, service, gap FROM (
    SELECT trace_id, parent_span_id AS sid, service, parent_service,
           greatest(0, coalesce(lead(start_ns) OVER w, parent_end) - max(start_ns + dur) OVER w) AS gap
    FROM j WHERE parent_service IS NOT NULL
    WINDOW w AS (PARTITION BY trace_id, parent_span_id ORDER BY start_ns, span_id))
  WHERE service <> parent_service),
-- a self span beside sibling calls of its service (same parent) was waiting while they ran: not its own time
calls_in AS (
  SELECT trace_id, parent_span_id, span_id, service, start_ns, start_ns + dur AS end_ns FROM c
  WHERE callee IS NOT NULL AND parent_service = service),
beside AS (
  SELECT a.trace_id, a.span_id,
         sum(greatest(0, least(a.start_ns + a.dur, b.end_ns) - greatest(a.start_ns, b.start_ns))) AS busy
  FROM (SELECT trace_id, parent_span_id, span_id, service, start_ns, dur FROM c
        WHERE callee IS NULL AND parent_service = service) a
  JOIN calls_in b ON b.trace_id = a.trace_id AND b.parent_span_id = a.parent_span_id AND b.service = a.service
  GROUP BY a.trace_id, a.span_id),
own AS (
  SELECT c.*, greatest(0, c.dur - coalesce(c.child_ns, 0) - coalesce(x.busy, 0)) AS v
  FROM c LEFT JOIN beside x ON x.trace_id = c.trace_id AND x.span_id = c.span_id),
parts AS (
  SELECT CASE WHEN callee IS NULL THEN 'self' ELSE 'link' END AS part, coalesce(callee, service) AS blamed,
         name, CASE WHEN callee IS NULL THEN '' ELSE service END AS caller, start_ns,
         v, failed AND NOT coalesce(child_failed, false) AS e
  FROM own
  UNION ALL
  SELECT 'gap', g.service, o.name, o.service, o.start_ns, g.gap, false
  FROM g JOIN own o ON o.trace_id = g.trace_id AND o.span_id = g.sid WHERE o.callee IS NULL
  UNION ALL
  SELECT 'rest', o.service, o.name, '', o.start_ns, greatest(0, o.v - t.gaps), false
  FROM (SELECT trace_id, sid, sum(gap) AS gaps FROM g GROUP BY trace_id, sid) t
  JOIN own o ON o.trace_id = t.trace_id AND o.span_id = t.sid WHERE o.callee IS NULL
  UNION ALL
  SELECT 'entry', service, name, coalesce(parent_service, ''), start_ns, dur, failed
  FROM j WHERE parent_service IS NULL OR parent_service <> service)
SELECT part, blamed, name, caller, floor((start_ns - $start) / $step)::BIGINT AS bucket, count(*) AS n,
       sum(e::INTEGER) AS errors, sum(v) AS total, quantile_cont(v, [0.5, 0.9, 0.99, 0.25, 0.75]) AS q
FROM parts
GROUP BY GROUPING SETS ((part, blamed, name, caller, bucket), (part, blamed, name, caller))
ORDER BY part, blamed, name, caller, bucket NULLS FIRST
"""


MAX_SPANS = 30_000  # spans per period above which whole traces are sampled (by trace id hash): bounded cost
MODULUS = 1_000_003
# seconds after the window in which calls of its last requests are still looked for (and before it, the caller
# of a request that started in it)
CALL_TAIL = 300.0


def _kept_share(cur: duckdb.DuckDBPyConnection, bounds: list[int]) -> int:
    """Out of MODULUS, the share of trace ids whose spans a period's queries keep: all up to MAX_SPANS spans,
    an even sample of whole traces above."""
    total = cur.execute("SELECT count(*) FROM spans WHERE start_ns >= ? AND start_ns < ?", bounds).fetchone()[0]
    return MODULUS if total <= MAX_SPANS else int(MODULUS * MAX_SPANS / total)


def span_groups(con: duckdb.DuckDBPyConnection, window: Window) -> list[SpanGroup]:
    """Groups over all spans of the window, or over an even sample of whole traces when there are more than
    MAX_SPANS: medians, tails and per-request shares hold on a sample; counts are then the sample's."""
    bounds = [int(window.start * 1e9), int(window.end * 1e9)]
    cur = con.cursor()
    keep = _kept_share(cur, bounds)
    rows = cur.execute(GROUPS_SQL, {"start": bounds[0], "end": bounds[1], "step": int(window.step * 1e9),
                                    "keep": keep}).fetchall()
    groups: list[SpanGroup] = []
    for part, service, name, caller, bucket, n, errors, total, (p50, p90, p99, p25, p75) in rows:
        if bucket is None:
            groups.append(SpanGroup(part, service, name, caller, int(n), int(errors), total / 1e9, p50 / 1e9,
                                    p90 / 1e9, p99 / 1e9, p25=p25 / 1e9, p75=p75 / 1e9))
        else:
            groups[-1].buckets.append((window.start + int(bucket) * window.step, int(n), int(errors), p50 / 1e9))
    return groups


ENTRY_SQL = f"""
WITH s AS (
  SELECT trace_id, span_id, parent_span_id, name, start_ns, end_ns - start_ns AS dur, {FAILED} AS failed
  FROM spans WHERE service = $service AND start_ns >= $start AND start_ns < $end),
-- (every other span is looked for from $tail before the window to $tail after it: a request's caller started
-- before it (give or take clock skew), what it called during it; scans stay bounded however much the store holds)
e AS (
  SELECT s.*, coalesce(p.service, '') AS caller, count(*) OVER () AS total
  FROM s LEFT JOIN (SELECT * FROM spans WHERE start_ns >= $start - $tail AND start_ns < $end + $tail) p
    ON p.trace_id = s.trace_id AND p.span_id = s.parent_span_id
  WHERE p.service IS NULL OR p.service <> $service),
kept AS (
  SELECT * FROM e WHERE total <= $limit OR hash(span_id) % 1000003 < 1000003::BIGINT * $limit / total),
-- calls out of the service in the kept requests' traces: the first one after a request's start is its route
calls AS (
  SELECT c.trace_id, c.service || ' ' || c.name AS route, c.start_ns
  FROM spans c JOIN spans p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
  WHERE p.service = $service AND c.service <> $service AND c.trace_id IN (SELECT trace_id FROM kept)
    AND c.start_ns >= $start AND c.start_ns < $end + $tail AND p.start_ns >= $start AND p.start_ns < $end + $tail),
-- what each kept request led to: the spans of other services in its trace during it
reached AS (
  SELECT k.span_id, list(DISTINCT o.service || ' ' || o.name) AS reached,
         list(DISTINCT o.service) FILTER (WHERE {FAILED}) AS failed_in
  FROM kept k JOIN (SELECT * FROM spans WHERE start_ns >= $start AND start_ns < $end + $tail) o
    ON o.trace_id = k.trace_id AND o.service <> $service AND o.start_ns >= k.start_ns
    AND o.start_ns <= k.start_ns + k.dur
  GROUP BY k.span_id),
routed AS (
  SELECT k.trace_id, k.span_id, k.name, k.caller, k.start_ns, k.dur, k.failed,
         coalesce(arg_min(c.route, c.start_ns), '') AS route
  FROM kept k LEFT JOIN calls c ON c.trace_id = k.trace_id AND c.start_ns >= k.start_ns
    AND c.start_ns <= k.start_ns + k.dur
  GROUP BY k.trace_id, k.span_id, k.name, k.caller, k.start_ns, k.dur, k.failed)
SELECT r.name, r.caller, r.start_ns, r.dur, r.failed, r.route, coalesce(x.reached, []) AS reached,
       coalesce(x.failed_in, []) AS failed_in, r.trace_id
FROM routed r LEFT JOIN reached x ON x.span_id = r.span_id
ORDER BY r.start_ns, r.span_id
"""


def entry_requests(con: duckdb.DuckDBPyConnection, service: str, window: Window, limit: int) -> list[EntryRequest]:
    """Entry spans of one service (see TracesSource.entry_requests), an even hash sample above `limit`."""
    rows = con.cursor().execute(ENTRY_SQL, {"service": service, "start": int(window.start * 1e9),
                                            "end": int(window.end * 1e9), "limit": limit,
                                            "tail": int(CALL_TAIL * 1e9)}).fetchall()
    return [EntryRequest(name, caller, start / 1e9, dur / 1e9, bool(failed), route, frozenset(reached),
                         frozenset(failed_in), trace_id)
            for name, caller, start, dur, failed, route, reached, failed_in, trace_id in rows]



CALLS_SQL = f"""
WITH s AS (
  SELECT {KEYS}, service, name, start_ns, end_ns
  FROM spans WHERE start_ns >= $start AND start_ns < $end + $tail AND hash(trace_id) % 1000003 < $keep),
j AS (
  SELECT c.*, p.service AS parent_service
  FROM s c LEFT JOIN s p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id),
-- entries: spans whose parent is missing (from the sampled traces of the period) or in another service,
-- starting in the window; calls: the spans those callers started, also after the window's end (a request
-- near the end is not cut short)
e AS (
  SELECT trace_id, span_id, service, name, start_ns, end_ns FROM j
  WHERE (parent_service IS NULL OR parent_service <> service) AND start_ns < $end),
calls AS (
  SELECT trace_id, parent_service AS caller, service || ' ' || name AS call, start_ns
  FROM j WHERE parent_service IS NOT NULL AND parent_service <> service),
firsts AS (
  SELECT e.trace_id, e.span_id, c.call, min(c.start_ns) AS first_ns
  FROM e JOIN calls c ON c.trace_id = e.trace_id AND c.caller = e.service
    AND c.start_ns >= e.start_ns AND c.start_ns <= e.end_ns
  GROUP BY e.trace_id, e.span_id, c.call),
seq AS (
  SELECT e.service, e.name, e.start_ns,
         coalesce(list(f.call ORDER BY f.first_ns, f.call) FILTER (WHERE f.call IS NOT NULL), []) AS calls
  FROM e LEFT JOIN firsts f ON f.trace_id = e.trace_id AND f.span_id = e.span_id
  GROUP BY e.trace_id, e.span_id, e.service, e.name, e.start_ns),
points AS (
  SELECT service, name, calls, start_ns, unnest(range(0, len(calls) + 1)) AS i FROM seq)
SELECT service, name, list_slice(calls, 1, i) AS prefix, floor((start_ns - $start) / $step)::BIGINT AS bucket,
       count(*) AS reached, sum((i = len(calls))::INTEGER) AS stopped
FROM points GROUP BY ALL ORDER BY service, name, prefix, bucket
"""


def call_points(con: duckdb.DuckDBPyConnection, window: Window) -> list[CallPoint]:
    """The points of every service's requests' paths (see TracesSource.call_points), aggregated in the store;
    over an even sample of whole traces above MAX_SPANS, as the span groups are."""
    bounds = [int(window.start * 1e9), int(window.end * 1e9)]
    cur = con.cursor()
    keep = _kept_share(cur, bounds)
    rows = cur.execute(CALLS_SQL, {"start": bounds[0], "end": bounds[1], "keep": keep, "step": int(window.step * 1e9),
                                   "tail": int(CALL_TAIL * 1e9)}).fetchall()
    return [CallPoint(service, name, tuple(prefix), window.start + int(bucket) * window.step, int(n), int(stopped))
            for service, name, prefix, bucket, n, stopped in rows]
