"""Acknowledged = durable: kill -9 the real `obskit local serve` process right after a 200."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx

from tests.otlp_payloads import spans_request
from tests.servers import free_port


def test_kill_9_after_200_loses_nothing(tmp_path: Path, repo_root: Path) -> None:
    db = tmp_path / "durable.duckdb"
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    proc = subprocess.Popen([sys.executable, "-m", "obskit", "local", "serve", "--db", str(db), "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/v1/traces"
    acknowledged = 0
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(url, timeout=0.5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        for i in range(20):
            body = spans_request(traces=25, start_ns=1_700_000_000_000_000_000 + i * 10**9).SerializeToString()
            answer = httpx.post(url, content=body, headers={"Content-Type": "application/x-protobuf"})
            assert answer.status_code == 200
            acknowledged += 50
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # right after the last 200: no shutdown, no checkpoint
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM spans").fetchone()[0] == acknowledged == 1000
