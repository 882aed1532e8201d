"""Reproductions 5 and 6 of issue 13 against the real receiver over real sockets.

5: clients that announce a body and never send it must not lock other clients out (408 after the body
   deadline, and no store slot held meanwhile).
6: payloads with integers the store cannot keep, or nested thousands of levels deep, get HTTP 400 with a
   google.rpc.Status naming the problem -- never a dropped connection.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from google.rpc import status_pb2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obskit.local.otlp_receiver import Receiver, ReceiverLimits
from tests.otlp_payloads import spans_request
from tests.servers import otlp_receiver

SPAN = {"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708", "name": "op", "kind": 2,
        "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000100000000"}


def traces_json(**span_fields: object) -> bytes:
    span = {**SPAN, **span_fields}
    return json.dumps({"resourceSpans": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "svc"}}]}, "scopeSpans": [{"spans": [span]}]}]}).encode()


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    with otlp_receiver(tmp_path / "r.duckdb", ReceiverLimits(max_pending=4, header_timeout_seconds=5,
                                                              body_timeout_seconds=1.0)) as server:
        yield server


def _stall(receiver: Receiver) -> socket.socket:
    host, port = receiver.server_address[:2]
    sock = socket.create_connection((host, port), timeout=10)
    sock.sendall(b"POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000000\r\n\r\n")
    return sock


def test_stalled_bodies_do_not_lock_out_other_clients(receiver: Receiver) -> None:
    stalled = [_stall(receiver) for _ in range(16)]
    try:
        time.sleep(0.2)
        answer = httpx.post(receiver.url + "/v1/traces", content=traces_json(),
                            headers={"Content-Type": "application/json"}, timeout=10)
        assert answer.status_code == 200, answer.text
        stalled[0].settimeout(10)
        head = b""
        while chunk := stalled[0].recv(4096):  # head and body may come in separate packets; then it closes
            head += chunk
        assert head.startswith(b"HTTP/1.1 408"), head[:80]
        assert b"request body not received within 1 s" in head
    finally:
        for sock in stalled:
            sock.close()


def test_drip_feeder_gets_408_within_the_body_deadline(receiver: Receiver) -> None:
    sock = _stall(receiver)
    start = time.monotonic()
    try:
        sock.settimeout(10)
        data = b""
        for _ in range(8):  # one byte every 0.3 s: each read succeeds, the whole body never arrives
            sock.sendall(b"{")
            time.sleep(0.3)
            sock.setblocking(False)
            try:
                data += sock.recv(4096)
            except BlockingIOError:
                pass
            sock.setblocking(True)
            if data:
                break
        data += b"" if data else sock.recv(4096)
    finally:
        sock.close()
    assert data.startswith(b"HTTP/1.1 408") and time.monotonic() - start < 5


@pytest.mark.parametrize(("body", "needle"), [
    (traces_json(startTimeUnixNano=str(2**63)), "startTimeUnixNano"),
    (traces_json(endTimeUnixNano=str(2**64 - 1)), "endTimeUnixNano"),
    (b'{"resourceSpans":' + b"[" * 3000 + b"]" * 3000 + b"}", "nested more than"),
    (b'{"resourceSpans": [], "x": ' + b"9" * 5000 + b"}", "digits"),
])
def test_limits_answer_400_with_a_status(receiver: Receiver, body: bytes, needle: str) -> None:
    for content_type in ("application/json",):
        answer = httpx.post(receiver.url + "/v1/traces", content=body, headers={"Content-Type": content_type},
                            timeout=10)
        assert answer.status_code == 400
        status = answer.json()
        assert status["code"] == 3 and needle in status["message"]


def test_protobuf_timestamp_over_int64_is_400_not_a_dropped_connection(receiver: Receiver) -> None:
    request = spans_request()
    request.resource_spans[0].scope_spans[0].spans[0].start_time_unix_nano = 2**63 + 5
    answer = httpx.post(receiver.url + "/v1/traces", content=request.SerializeToString(),
                        headers={"Content-Type": "application/x-protobuf"}, timeout=10)
    assert answer.status_code == 400
    status = status_pb2.Status.FromString(answer.content)
    assert status.code == 3 and "startTimeUnixNano" in status.message


def test_stalled_headers_get_408(receiver: Receiver) -> None:
    receiver.limits = ReceiverLimits(header_timeout_seconds=1.0, body_timeout_seconds=1.0)
    host, port = receiver.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(b"POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Ty")  # and then nothing
        answer = b""
        while chunk := sock.recv(4096):  # the head and the body may come in separate packets; then it closes
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert status_pb2.Status.FromString(answer.split(b"\r\n\r\n", 1)[1]).code == 4


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=400) | st.text(max_size=200).map(str.encode),
       content_type=st.sampled_from(["application/json", "application/x-protobuf"]),
       path=st.sampled_from(["/v1/traces", "/v1/logs", "/v1/metrics"]))
def test_any_body_gets_an_http_answer(receiver: Receiver, body: bytes, content_type: str, path: str) -> None:
    """Whatever the bytes, the receiver answers with a status (never drops the connection)."""
    answer = httpx.post(receiver.url + path, content=body, headers={"Content-Type": content_type}, timeout=10)
    assert answer.status_code in (200, 400)
    if answer.status_code == 400:
        message = answer.json()["message"] if content_type == "application/json" else \
            status_pb2.Status.FromString(answer.content).message
        assert message
