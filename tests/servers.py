"""Start real Prometheus and Alertmanager servers for tests, on free loopback ports.

Used through the fixtures in tests/conftest.py. Data can be backfilled from OpenMetrics text with
``promtool tsdb create-blocks-from openmetrics`` before the server starts; Prometheus also runs with
the remote-write receiver enabled so tests can push.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from obskit.local.otlp_receiver import Receiver, ReceiverLimits
from obskit.local.store import Store

READY_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def binary(*names: str) -> str:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    pytest.fail(f"{names[0]} is not installed; run `make test`, which installs it", pytrace=False)


def wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = READY_TIMEOUT,
               auth: tuple[str, str] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/-/ready", timeout=1.0, auth=auth).status_code == 200:
                return
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server at {url} not ready after {timeout:g} s:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def backfill_openmetrics(text: str, data_dir: Path) -> None:
    """Write OpenMetrics text (``# EOF`` appended when missing) into TSDB blocks under data_dir."""
    if not text.rstrip().endswith("# EOF"):
        text = text.rstrip("\n") + "\n# EOF\n"
    data_dir.mkdir(parents=True, exist_ok=True)
    source = data_dir.parent / "backfill.om"
    source.write_text(text)
    result = subprocess.run(
        [binary("promtool"), "tsdb", "create-blocks-from", "openmetrics", str(source), str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"promtool backfill failed:\n{result.stdout}\n{result.stderr}")


@dataclass
class Server:
    url: str
    workdir: Path
    proc: subprocess.Popen[bytes]


@contextlib.contextmanager
def prometheus(
    workdir: Path,
    openmetrics: str | None = None,
    rule_files: list[Path] | None = None,
    scrape_interval: str = "15s",
    extra_args: list[str] | None = None,
    scrape_configs: list[dict] | None = None,
    basic_auth: tuple[str, str, str] | None = None,
) -> Iterator[Server]:
    """A real Prometheus on a free port; backfilled first when openmetrics text is given.

    ``scrape_configs`` (Prometheus config entries) make it scrape real targets, e.g. a loopback exporter:
    only scraped metrics get metadata (/api/v1/metadata); backfilled blocks carry none.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / "data"
    if openmetrics:
        backfill_openmetrics(openmetrics, data)
    config = {
        "global": {"scrape_interval": scrape_interval, "evaluation_interval": scrape_interval},
        "rule_files": [str(p) for p in rule_files or []],
        "scrape_configs": scrape_configs or [],
    }
    config_file = workdir / "prometheus.yml"
    config_file.write_text(yaml.safe_dump(config))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = workdir / "prometheus.log"
    if basic_auth:  # (user, password, bcrypt hash of the password) -> --web.config.file
        web = workdir / "web.yml"
        web.write_text(f"basic_auth_users:\n  {basic_auth[0]}: {basic_auth[2]}\n")
        extra_args = [*(extra_args or []), f"--web.config.file={web}"]
    args = [
        binary("prometheus"),
        f"--config.file={config_file}",
        f"--storage.tsdb.path={data}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--web.enable-remote-write-receiver",
        "--web.enable-lifecycle",
        "--storage.tsdb.retention.time=3650d",
        *(extra_args or []),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_ready(url, proc, log, auth=basic_auth[:2] if basic_auth else None)
        yield Server(url, workdir, proc)
    finally:
        stop(proc)


@contextlib.contextmanager
def alertmanager(workdir: Path, config: dict | None = None) -> Iterator[Server]:
    """A real Alertmanager on a free port, clustering off."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = config or {"route": {"receiver": "null"}, "receivers": [{"name": "null"}]}
    config_file = workdir / "alertmanager.yml"
    config_file.write_text(yaml.safe_dump(config))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = workdir / "alertmanager.log"
    args = [
        binary("prometheus-alertmanager", "alertmanager"),
        f"--config.file={config_file}",
        f"--storage.path={workdir / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_ready(url, proc, log)
        yield Server(url, workdir, proc)
    finally:
        stop(proc)


@contextlib.contextmanager
def otlp_receiver(db: Path, limits: ReceiverLimits) -> Iterator[Receiver]:
    """obskit's own OTLP/HTTP receiver on a free loopback port, writing into a fresh store at ``db``."""
    store = Store(db)
    server = Receiver(store, "127.0.0.1", 0, limits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        store.close()
