"""The embedded store: one DuckDB file holding spans, log records, metric points and cluster facts.

Writes go through :class:`Store` one transaction per OTLP request (all or nothing); a request is
acknowledged only after its transaction committed, which writes DuckDB's write-ahead log to disk.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from google.protobuf.message import Message

from obskit.errors import InputError
from obskit.local.rows import ROWS, Batch

SCHEMA_VERSION = 2  # 2: metric_points.quantiles (summary points)
MEMORY_LIMIT = "256MB"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS spans (
  trace_id VARCHAR, span_id VARCHAR, parent_span_id VARCHAR, service VARCHAR, name VARCHAR, kind VARCHAR,
  start_ns BIGINT, end_ns BIGINT, error BOOLEAN, status_message VARCHAR, attributes VARCHAR, resource VARCHAR);
CREATE TABLE IF NOT EXISTS logs (
  ts_ns BIGINT, service VARCHAR, severity_number INTEGER, level VARCHAR, body VARCHAR, trace_id VARCHAR,
  span_id VARCHAR, attributes VARCHAR, resource VARCHAR);
CREATE TABLE IF NOT EXISTS metric_points (
  ts_ns BIGINT, start_ns BIGINT, service VARCHAR, pod VARCHAR, name VARCHAR, unit VARCHAR, type VARCHAR,
  temporality VARCHAR, attributes VARCHAR, value DOUBLE, count BIGINT, sum DOUBLE, bounds DOUBLE[],
  buckets BIGINT[], quantiles DOUBLE[]);
ALTER TABLE metric_points ADD COLUMN IF NOT EXISTS quantiles DOUBLE[];
CREATE TABLE IF NOT EXISTS pods (
  name VARCHAR, namespace VARCHAR, service VARCHAR, ready BOOLEAN, restarts INTEGER,
  last_termination_reason VARCHAR, last_termination_ts DOUBLE);
CREATE TABLE IF NOT EXISTS cluster_events (
  ts DOUBLE, namespace VARCHAR, kind VARCHAR, object_name VARCHAR, type VARCHAR, reason VARCHAR,
  message VARCHAR, count INTEGER, service VARCHAR);
CREATE TABLE IF NOT EXISTS rollouts (
  ts DOUBLE, service VARCHAR, namespace VARCHAR, kind VARCHAR, name VARCHAR, revision VARCHAR, change VARCHAR);
CREATE TABLE IF NOT EXISTS ground_truth (
  scenario VARCHAR, symptom_service VARCHAR, root_service VARCHAR, root_kind VARCHAR,
  window_from DOUBLE, window_to DOUBLE, seed INTEGER);
"""

CLUSTER_TABLES = {
    "pods": ("name", "namespace", "service", "ready", "restarts", "last_termination_reason", "last_termination_ts"),
    "cluster_events": ("ts", "namespace", "kind", "object_name", "type", "reason", "message", "count", "service"),
    "rollouts": ("ts", "service", "namespace", "kind", "name", "revision", "change"),
}


@dataclass
class IngestResult:
    """What one request stored and what it rejected (OTLP partial success)."""

    stored: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)  # rejection reason -> records

    def add_rejections(self, reasons: dict[str, int]) -> None:
        for reason, count in reasons.items():
            self.reasons[reason] = self.reasons.get(reason, 0) + count

    @property
    def error_message(self) -> str:
        return "; ".join(self.errors)


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and for writers create) the store, with a clear error when the file is not usable."""
    if read_only and not path.exists():
        raise InputError(f"{path}: no local store here; run `obskit demo` or `obskit local serve` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise InputError(f"{path}: cannot open the local store: {exc}") from None


RECORDED_UNTIL_SQL = """SELECT greatest((SELECT max(start_ns) FROM spans), (SELECT max(ts_ns) FROM logs),
                                (SELECT max(ts_ns) FROM metric_points))"""


def recorded_until(con: duckdb.DuckDBPyConnection) -> float | None:
    """The time of the store's latest record of any signal (epoch seconds), None when it holds none."""
    latest = con.cursor().execute(RECORDED_UNTIL_SQL).fetchone()[0]
    return None if latest is None else latest / 1e9


class Store:
    """A writable store. Thread-safe: writes are serialised, each one a single transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.con = connect(path)
        self._lock = threading.Lock()
        # bounded memory: big imports spill to the store's temp directory instead of growing the process
        self.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self.con.execute(SCHEMA)
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])

    def close(self) -> None:
        with self._lock:
            self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self.con
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            self.con.execute("COMMIT")

    def ingest(self, signal: str, request: Message) -> IngestResult:
        """Store one decoded OTLP request atomically; returns counts for the partial-success answer."""
        return self.ingest_batches([ROWS[signal](request)])

    def ingest_batches(self, batches: list[Batch]) -> IngestResult:
        """Store batches (any tables) in one transaction."""
        with self.transaction() as con:
            return self._insert(con, batches)

    def ingest_stream(self, chunks: Iterable[list[Batch]]) -> IngestResult:
        """Store a stream of batch lists in ONE transaction: an error anywhere stores nothing."""
        total = IngestResult()
        with self.transaction() as con:
            for batches in chunks:
                part = self._insert(con, batches)
                total.stored += part.stored
                total.rejected += part.rejected
                total.add_rejections(part.reasons)
                total.errors.extend(part.errors[: max(0, 5 - len(total.errors))])
        return total

    def _insert(self, con: duckdb.DuckDBPyConnection, batches: list[Batch]) -> IngestResult:
        result = IngestResult()
        by_table: dict[str, list[Batch]] = {}
        for batch in batches:
            result.rejected += batch.rejected
            result.add_rejections(batch.reasons)
            result.errors.extend(batch.errors)
            if batch.size:
                by_table.setdefault(batch.table, []).append(batch)
        for table, parts in by_table.items():
            batch = parts[0] if len(parts) == 1 else Batch(
                table, {name: [v for part in parts for v in part.columns[name]] for name in parts[0].columns})
            # a relation, not register()/unregister(): a registered view stays alive (with its Arrow table)
            # until the transaction ends, so a long import would hold every chunk in memory
            con.from_arrow(batch.arrow()).insert_into(table)
            result.stored += batch.size
        return result

    def add_cluster_facts(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        columns = CLUSTER_TABLES[table]
        marks = ", ".join("?" for _ in columns)
        with self.transaction() as con:
            for row in rows:
                con.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(row))

    def replace_ground_truth(self, row: tuple[Any, ...]) -> None:
        with self.transaction() as con:
            con.execute("DELETE FROM ground_truth")
            con.execute("INSERT INTO ground_truth VALUES (?, ?, ?, ?, ?, ?, ?)", list(row))

    def clear(self) -> None:
        """Empty every table (the demo starts from a clean store)."""
        with self.transaction() as con:
            for table in ("spans", "logs", "metric_points", "pods", "cluster_events", "rollouts", "ground_truth"):
                con.execute(f"DELETE FROM {table}")

    def checkpoint(self) -> None:
        with self._lock:
            self.con.execute("CHECKPOINT")
