"""OTLP/HTTP receiver: POST /v1/traces, /v1/logs, /v1/metrics (protobuf or JSON, optionally gzip).

Answers as the OTLP/HTTP specification asks:
- 200 with the Export*ServiceResponse (partial_success names rejected records and why),
  sent only after the request's transaction committed (acknowledged = durable);
- 400 with a google.rpc.Status message for a payload that cannot be decoded (nothing stored);
- 413 when the body (or its decompressed form) is over the size limit;
- 503 with Retry-After when too many requests are already waiting for the store (overload) or the
  store failed; 404/405/415 for wrong paths, methods and content types.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
from google.protobuf import json_format
from google.rpc import status_pb2
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceResponse
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

from obskit.limits import limit
from obskit.local.otlp_codec import PayloadError, PayloadTooLarge, decode, gunzip
from obskit.local.rows import ROWS
from obskit.local.store import IngestResult, Store

PATHS = {"/v1/traces": "traces", "/v1/logs": "logs", "/v1/metrics": "metrics"}
RESPONSES = {"traces": (ExportTraceServiceResponse, "rejected_spans"),
             "logs": (ExportLogsServiceResponse, "rejected_log_records"),
             "metrics": (ExportMetricsServiceResponse, "rejected_data_points")}
JSON_TYPES = ("application/json",)
# HTTP status -> google.rpc.Code: INVALID_ARGUMENT, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL
RPC_CODES = {400: 3, 408: 4, 411: 3, 413: 8, 415: 3, 429: 8, 500: 13, 503: 8}
PROTO_TYPES = ("application/x-protobuf", "application/protobuf")


@dataclass(frozen=True)
class ReceiverLimits:
    max_body_bytes: int = 8 * 1024 * 1024  # compressed body as sent
    max_decoded_bytes: int = 64 * 1024 * 1024  # after gunzip
    max_pending: int = 16  # requests decoding or waiting for the store; more get 503
    max_reading: int = 64  # bodies being received at once; more get 503
    retry_after_seconds: int = 1
    header_timeout_seconds: float = field(default_factory=lambda: float(limit("receiver", "header_timeout_seconds")))
    body_timeout_seconds: float = field(default_factory=lambda: float(limit("receiver", "body_timeout_seconds")))


class Receiver(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, store: Store, host: str = "127.0.0.1", port: int = 4318,
                 limits: ReceiverLimits = ReceiverLimits()) -> None:
        self.store = store
        self.limits = limits
        self.slots = threading.BoundedSemaphore(limits.max_pending)
        self.readers = threading.BoundedSemaphore(limits.max_reading)
        super().__init__((host, port), Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class Handler(BaseHTTPRequestHandler):
    server: Receiver
    protocol_version = "HTTP/1.1"
    server_version = "obskit-otlp"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        return  # quiet: the serve command prints its own summary

    def setup(self) -> None:
        self.timeout = self.server.limits.header_timeout_seconds  # idle connections and slow headers
        super().setup()

    def parse_request(self) -> bool:
        """Headers that stop arriving get 408 (an idle keep-alive connection is just closed)."""
        try:
            return super().parse_request()
        except TimeoutError:
            self.close_connection = True
            self._status(408, f"request headers not received within {self.server.limits.header_timeout_seconds:g} s",
                         as_json=False)
            return False

    def _read_body(self, length: int) -> bytes | None:
        """The body, or None after answering 408 when it does not arrive within the body deadline.

        The deadline covers the whole body, so a client dripping a byte a second cannot hold a
        connection (and the memory for its body) for longer than the limit.
        """
        deadline = time.monotonic() + self.server.limits.body_timeout_seconds
        chunks: list[bytes] = []
        remaining = length
        try:
            while remaining > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                self.connection.settimeout(left)
                chunk = self.rfile.read1(min(remaining, 65536))
                if not chunk:
                    self.close_connection = True
                    return None  # the client went away: nobody to answer
                chunks.append(chunk)
                remaining -= len(chunk)
        except (TimeoutError, OSError):
            self.close_connection = True
            self._status(408, f"request body not received within {self.server.limits.body_timeout_seconds:g} s "
                              f"({length - remaining} of {length} bytes)", self._as_json())
            return None
        finally:
            self.connection.settimeout(self.server.limits.header_timeout_seconds)
        return b"".join(chunks)

    def _discard(self, length: int) -> bool:
        """Read and drop ``length`` bytes within the body deadline; False when they did not come."""
        deadline = time.monotonic() + self.server.limits.body_timeout_seconds
        try:
            while length > 0 and (left := deadline - time.monotonic()) > 0:
                self.connection.settimeout(left)
                chunk = self.rfile.read1(min(length, 65536))
                if not chunk:
                    return False
                length -= len(chunk)
        except OSError:
            return False
        finally:
            self.connection.settimeout(self.server.limits.header_timeout_seconds)
        return length <= 0

    def _as_json(self) -> bool:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() in JSON_TYPES

    # --- answers -------------------------------------------------------------------------------------
    def _send(self, code: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _status(self, code: int, message: str, as_json: bool, headers: dict[str, str] | None = None) -> None:
        status = status_pb2.Status(code=RPC_CODES.get(code, 2), message=message)
        if as_json:
            body = json.dumps(json_format.MessageToDict(status), sort_keys=True).encode()
            self._send(code, body, "application/json", headers)
        else:
            self._send(code, status.SerializeToString(), "application/x-protobuf", headers)

    def _ok(self, signal: str, result: IngestResult, as_json: bool) -> None:
        response_type, field = RESPONSES[signal]
        response = response_type()
        if result.rejected:
            setattr(response.partial_success, field, result.rejected)
            response.partial_success.error_message = result.error_message
        if as_json:
            self._send(200, json_format.MessageToJson(response, indent=None).encode(), "application/json")
        else:
            self._send(200, response.SerializeToString(), "application/x-protobuf")

    def _drain(self, length: int) -> None:
        """Read and drop a body we refuse, so the connection stays usable (bounded by the limit)."""
        if length > self.server.limits.max_body_bytes * 4 or not self._discard(length):
            self.close_connection = True

    # --- methods -------------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        if self.path.split("?")[0] in PATHS:
            self._send(405, b"use POST\n", "text/plain", {"Allow": "POST"})
        else:
            self._send(404, b"not found: OTLP/HTTP paths are /v1/traces, /v1/logs and /v1/metrics\n", "text/plain")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        limits = self.server.limits
        signal = PATHS.get(self.path.split("?")[0])
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        as_json = content_type in JSON_TYPES
        try:
            length = int(self.headers.get("Content-Length") or "-1")
        except ValueError:
            length = -1
        if signal is None:
            self._drain(max(length, 0))
            return self._send(404, b"not found: OTLP/HTTP paths are /v1/traces, /v1/logs and /v1/metrics\n",
                              "text/plain")
        if length < 0:
            self.close_connection = True
            return self._status(411, "Content-Length is required", as_json)
        if content_type not in JSON_TYPES + PROTO_TYPES:
            self._drain(length)
            return self._status(415, f"unsupported Content-Type {content_type!r}; use application/x-protobuf "
                                     "or application/json", as_json)
        if length > limits.max_body_bytes:
            self._drain(length)
            return self._status(413, f"body of {length} bytes is over the limit of {limits.max_body_bytes}",
                                as_json)
        if not self.server.readers.acquire(blocking=False):
            self.close_connection = True
            return self._status(503, "receiver overloaded, retry later", as_json,
                                {"Retry-After": str(limits.retry_after_seconds)})
        try:
            body = self._read_body(length)  # before taking a store slot: slow senders hold no slot
        finally:
            self.server.readers.release()
        if body is None:
            return None
        if not self.server.slots.acquire(blocking=False):
            return self._status(503, "receiver overloaded, retry later", as_json,
                                {"Retry-After": str(limits.retry_after_seconds)})
        try:
            self._handle(signal, body, content_type, as_json)
        except Exception as exc:  # never drop the connection without a status: exporters retry for ever
            self.close_connection = True
            self._status(500, f"internal error: {type(exc).__name__}", as_json)
        finally:
            self.server.slots.release()

    def _handle(self, signal: str, body: bytes, content_type: str, as_json: bool) -> None:
        limits = self.server.limits
        try:
            encoding = (self.headers.get("Content-Encoding") or "").strip().lower()
            if encoding == "gzip":
                body = gunzip(body, limits.max_decoded_bytes)
            elif encoding not in ("", "identity"):
                return self._status(415, f"unsupported Content-Encoding {encoding!r}; use gzip", as_json)
            request = decode(signal, body, content_type)  # type: ignore[arg-type]
            batch = ROWS[signal](request)
            batch.check_ranges()
        except PayloadTooLarge as exc:
            return self._status(413, str(exc), as_json)
        except PayloadError as exc:
            return self._status(400, str(exc), as_json)
        try:
            result = self.server.store.ingest_batches([batch])
        except duckdb.Error as exc:
            return self._status(503, f"store unavailable: {exc}", as_json,
                                {"Retry-After": str(limits.retry_after_seconds)})
        self._ok(signal, result, as_json)


def serve(db: Path, host: str, port: int, limits: ReceiverLimits = ReceiverLimits(),
          ready: threading.Event | None = None) -> None:
    """Run until interrupted; the store is checkpointed and closed on the way out."""
    store = Store(db)
    server = Receiver(store, host, port, limits)
    if ready is not None:
        ready.set()
    try:
        server.serve_forever()
    finally:
        server.server_close()
        store.checkpoint()
        store.close()
