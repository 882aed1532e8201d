"""The bad-input corpus (issue 13): every case in tests/hardening/corpus/*.yaml is one malformed input.

Each case gives the input files, the command (or an OTLP payload for the receiver, or a misbehaving
backend answer) and asserts: the documented exit code (or HTTP status), no traceback, and an error that
names the file/line/field (``expect``: substrings that must all appear in the output).

Case keys: ``name``; ``files`` (path -> text), ``files_b64`` (path -> base64 bytes), ``fifos`` (paths),
``links`` (path -> target), ``big_files`` (path -> size); ``env``; ``args``; ``exit``; ``expect``;
``absent``. ``$TMP`` and ``$BACKEND`` are replaced in env and args. ``backend``: {status, body,
content_type} served for every request. ``payload``: {path, content_type, body | body_b64 | body_python,
encoding, compress} posted to a real receiver instead of running a command; then ``status`` is the
expected HTTP status and ``expect`` applies to the google.rpc.Status message.
"""

from __future__ import annotations

import base64
import gzip
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from obskit.local.otlp_receiver import Receiver, ReceiverLimits
from tests.hardening.cli_runner import run_cli
from tests.replay import Response, replay
from tests.servers import otlp_receiver

CORPUS = Path(__file__).parent / "corpus"


def _cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(CORPUS.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append((f"{path.stem}/{case['name']}", case))
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def receiver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    limits = ReceiverLimits(max_body_bytes=2_000_000, max_decoded_bytes=4_000_000)
    with otlp_receiver(tmp_path_factory.mktemp("corpus") / "r.duckdb", limits) as server:
        yield server


def _write_files(case: dict[str, Any], root: Path) -> None:
    for name, content in (case.get("files") or {}).items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    for name, content in (case.get("files_b64") or {}).items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(content))
    for name, size in (case.get("big_files") or {}).items():
        (root / name).write_bytes(b"A" * int(size))
    for name in case.get("fifos") or []:
        os.mkfifo(root / name)
    for name, target in (case.get("links") or {}).items():
        (root / name).symlink_to(target)


def _body(payload: dict[str, Any]) -> bytes:
    if "body_b64" in payload:
        body = base64.b64decode(payload["body_b64"])
    elif "body_python" in payload:  # a generated body (huge or deep), as a Python expression over bytes
        body = bytes(eval(payload["body_python"], {"__builtins__": {}, "bytes": bytes, "range": range}, {}))  # noqa: S307
    else:
        body = str(payload["body"]).encode("utf-8")
    return gzip.compress(body) if payload.get("compress") else body


def _post(receiver: Receiver, payload: dict[str, Any]) -> tuple[int, str]:
    headers = {"Content-Type": payload.get("content_type", "application/json")}
    if payload.get("encoding"):
        headers["Content-Encoding"] = payload["encoding"]
    answer = httpx.post(receiver.url + payload.get("path", "/v1/traces"), content=_body(payload), headers=headers,
                        timeout=30)
    if answer.headers.get("content-type", "").startswith("application/json"):
        return answer.status_code, str(answer.json().get("message", ""))
    from google.rpc import status_pb2

    try:
        return answer.status_code, status_pb2.Status.FromString(answer.content).message
    except Exception:  # a plain-text answer (404)
        return answer.status_code, answer.text


@pytest.mark.parametrize(("case_id", "case"), CASES, ids=[c[0] for c in CASES])
def test_bad_input(case_id: str, case: dict[str, Any], tmp_path: Path, receiver: Receiver) -> None:
    if "payload" in case:
        status, message = _post(receiver, case["payload"])
        assert status == case["status"], f"{case_id}: HTTP {status}: {message}"
        for needle in case.get("expect") or []:
            assert needle in message, f"{case_id}: {needle!r} not in {message!r}"
        return
    _write_files(case, tmp_path)
    backend = case.get("backend")

    def run(url: str) -> Any:
        def sub(value: Any) -> str:
            return str(value).replace("$TMP", str(tmp_path)).replace("$BACKEND", url)

        env = {k: sub(v) for k, v in (case.get("env") or {}).items()}
        return run_cli([sub(a) for a in case["args"]], tmp_path, env)

    if backend is not None:
        body = backend.get("body", "")
        answer = Response(int(backend.get("status", 200)), body.encode("utf-8"),
                          {"content-type": backend.get("content_type", "application/json")})
        with replay(lambda _request: answer) as (url, _seen):
            result = run(url)
    else:
        result = run("http://127.0.0.1:9")
    context = f"\n--- stdout\n{result.stdout[-2000:]}\n--- stderr\n{result.stderr[-2000:]}"
    assert result.code == case["exit"], f"{case_id}: exit {result.code} != {case['exit']}{context}"
    assert "Traceback" not in result.output, context
    assert "internal error" not in result.output, context
    for needle in case.get("expect") or []:
        assert str(needle).replace("$TMP", str(tmp_path)) in result.output, f"{case_id}: {needle!r} missing{context}"
    for needle in case.get("absent") or []:
        assert needle not in result.output, f"{case_id}: {needle!r} present{context}"
