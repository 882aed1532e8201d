"""The OTLP/HTTP receiver over real HTTP: the SDK's own OTLP exporter, spec answers, bad input, concurrency."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import httpx
import pytest
from google.rpc import status_pb2
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from obskit.local.otlp_receiver import Receiver, ReceiverLimits
from obskit.local.store import Store
from tests.otlp_payloads import logs_request, spans_request
from tests.servers import otlp_receiver

PROTO = {"Content-Type": "application/x-protobuf"}


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    with otlp_receiver(tmp_path / "r.duckdb", ReceiverLimits(max_body_bytes=200_000, max_decoded_bytes=400_000,
                                                              max_pending=4)) as server:
        yield server


def count(server: Receiver, table: str) -> int:
    with server.store.transaction() as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_sdk_otlp_exporter_delivers_spans(receiver: Receiver) -> None:
    provider = TracerProvider(resource=Resource.create({"service.name": "cart"}))
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=receiver.url + "/v1/traces")))
    with provider.get_tracer("t").start_as_current_span("parent"):
        with provider.get_tracer("t").start_as_current_span("child"):
            pass
    provider.shutdown()
    with receiver.store.transaction() as con:
        rows = con.execute("SELECT name, service, parent_span_id IS NULL FROM spans ORDER BY name").fetchall()
    assert rows == [("child", "cart", False), ("parent", "cart", True)]


def test_json_and_gzip_are_accepted(receiver: Receiver) -> None:
    from google.protobuf import json_format

    body = json_format.MessageToJson(logs_request(records=2)).encode()
    assert httpx.post(receiver.url + "/v1/logs", content=body,
                      headers={"Content-Type": "application/json"}).status_code == 200
    zipped = gzip.compress(spans_request(traces=3).SerializeToString())
    answer = httpx.post(receiver.url + "/v1/traces", content=zipped, headers={**PROTO, "Content-Encoding": "gzip"})
    assert answer.status_code == 200
    assert count(receiver, "logs") == 2 and count(receiver, "spans") == 6


def test_partial_success_names_rejected_spans(receiver: Receiver) -> None:
    request = spans_request(traces=2)
    request.resource_spans[0].scope_spans[0].spans[0].span_id = b"\x01\x02"
    answer = httpx.post(receiver.url + "/v1/traces", content=request.SerializeToString(), headers=PROTO)
    assert answer.status_code == 200
    response = ExportTraceServiceResponse.FromString(answer.content)
    assert response.partial_success.rejected_spans == 1
    assert "span_id" in response.partial_success.error_message
    assert count(receiver, "spans") == 3


@pytest.mark.parametrize(("body", "headers", "code", "message"), [
    (b"\x0a\xff\xff\xff\xff", PROTO, 400, "invalid protobuf"),
    (b"{\"resourceSpans\": 7}", {"Content-Type": "application/json"}, 400, "invalid OTLP/JSON"),
    (b"x" * 300_000, PROTO, 413, "over the limit"),
    (gzip.compress(b"\0" * 500_000), {**PROTO, "Content-Encoding": "gzip"}, 413, "exceeds"),
    (b"{}", {"Content-Type": "text/plain"}, 415, "unsupported Content-Type"),
])
def test_bad_requests_get_the_spec_answer_and_store_nothing(receiver: Receiver, body: bytes, headers: dict,
                                                            code: int, message: str) -> None:
    answer = httpx.post(receiver.url + "/v1/traces", content=body, headers=headers)
    assert answer.status_code == code
    if answer.headers["content-type"] == "application/json":
        assert message in json.loads(answer.content)["message"]
    else:
        assert message in status_pb2.Status.FromString(answer.content).message
    assert count(receiver, "spans") == 0
    # the server keeps serving
    ok = httpx.post(receiver.url + "/v1/traces", content=spans_request().SerializeToString(), headers=PROTO)
    assert ok.status_code == 200


def test_unknown_path_and_method(receiver: Receiver) -> None:
    assert httpx.post(receiver.url + "/v1/nope", content=b"", headers=PROTO).status_code == 404
    assert httpx.get(receiver.url + "/v1/traces").status_code == 405


def test_overload_answers_503_with_retry_after(receiver: Receiver) -> None:
    for _ in range(receiver.limits.max_pending):
        assert receiver.slots.acquire(blocking=False)
    try:
        answer = httpx.post(receiver.url + "/v1/traces", content=spans_request().SerializeToString(), headers=PROTO)
    finally:
        for _ in range(receiver.limits.max_pending):
            receiver.slots.release()
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1"


def test_concurrent_clients_lose_nothing(receiver: Receiver) -> None:
    def client(n: int) -> int:
        sent = 0
        with httpx.Client() as http:
            for i in range(10):
                body = spans_request(traces=5, start_ns=1_700_000_000_000_000_000 + n * 10**9 + i).SerializeToString()
                while True:
                    answer = http.post(receiver.url + "/v1/traces", content=body, headers=PROTO)
                    if answer.status_code == 503:  # overloaded: retry as the spec says
                        continue
                    assert answer.status_code == 200
                    sent += 10
                    break
        return sent

    with ThreadPoolExecutor(8) as pool:
        sent = sum(pool.map(client, range(8)))
    assert sent == 800
    assert count(receiver, "spans") == 800
    with receiver.store.transaction() as con:
        assert con.execute("SELECT count(DISTINCT span_id) FROM spans").fetchone()[0] == 800


def test_store_file_is_valid_duckdb_after_close(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.duckdb")
    store.ingest("traces", spans_request(traces=1))
    store.close()
    assert duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True).execute(
        "SELECT count(*) FROM spans").fetchone() == (2,)
