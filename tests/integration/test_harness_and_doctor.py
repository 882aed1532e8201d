"""The test harness itself (real Prometheus/Alertmanager, backfill) and `obskit doctor` against them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from obskit.config import load_config
from obskit.doctor import backends_ok, run_doctor


def run_cli(args: list[str], env: dict[str, str], repo_root: Path) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")}
    full_env.update(env, PYTHONPATH=str(repo_root))
    return subprocess.run([sys.executable, "-m", "obskit", *args], env=full_env, capture_output=True,
                          text=True, timeout=60)


def test_backfilled_series_are_queryable(start_prometheus) -> None:
    now = int(time.time())
    lines = ["# TYPE demo_requests counter", "# HELP demo_requests Requests."]
    lines += [f'demo_requests_total{{job="checkout"}} {i * 10} {now - 3600 + i * 60}' for i in range(50)]
    server = start_prometheus(openmetrics="\n".join(lines))
    result = httpx.get(f"{server.url}/api/v1/query",
                       params={"query": 'demo_requests_total{job="checkout"}', "time": now - 3600 + 49 * 60}).json()
    assert result["status"] == "success"
    assert result["data"]["result"][0]["value"][1] == "490"


def test_remote_write_receiver_enabled(prometheus_url: str) -> None:
    flags = httpx.get(f"{prometheus_url}/api/v1/status/flags").json()["data"]
    assert flags["web.enable-remote-write-receiver"] == "true"


def test_alertmanager_ready(alertmanager_url: str) -> None:
    status = httpx.get(f"{alertmanager_url}/api/v2/status").json()
    assert status["cluster"]["status"] in ("disabled", "ready")


def test_doctor_library_real_prometheus(prometheus_url: str) -> None:
    config = load_config(None, env={"OBSKIT_PROMETHEUS_URL": prometheus_url}).config
    probes = run_doctor(config, timeout=5)
    prom = next(p for p in probes if p.name == "prometheus")
    assert prom.ok and prom.version.startswith("2.")
    assert backends_ok(probes)


def test_doctor_cli_real_prometheus_json(prometheus_url: str, repo_root: Path) -> None:
    canary = "CANARY-doctor-ok-31337"
    result = run_cli(["doctor", "--format", "json"],
                     {"OBSKIT_PROMETHEUS_URL": prometheus_url, "OBSKIT_GRAFANA_TOKEN": canary}, repo_root)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert any(c["name"] == "prometheus" and c["ok"] for c in report["checks"])
    assert canary not in result.stdout + result.stderr


def test_doctor_mixed_ok_and_failing(prometheus_url: str, repo_root: Path) -> None:
    start = time.monotonic()
    result = run_cli(["doctor"], {"OBSKIT_PROMETHEUS_URL": prometheus_url,
                                  "OBSKIT_GRAFANA_URL": "http://127.0.0.1:9",
                                  "OBSKIT_GRAFANA_TOKEN": "CANARY-mixed-777"}, repo_root)
    assert time.monotonic() - start < 10
    assert result.returncode == 3
    assert "grafana at http://127.0.0.1:9: connection refused" in result.stderr
    assert "CANARY-mixed-777" not in result.stdout + result.stderr


# user, password and its bcrypt hash (cost 4), for Prometheus' --web.config.file
BASIC_AUTH = ("obskit", "s3cret-CANARY", "$2b$04$q6CDUHldLFFYxAQOAA8AdOpJt39yd9T1HrQ4Y7lpXqqrnLDTb/n4q")


def test_doctor_basic_auth_401_then_ok(start_prometheus) -> None:
    url = start_prometheus(basic_auth=BASIC_AUTH).url
    config = load_config(None, env={"OBSKIT_PROMETHEUS_URL": url}).config
    prom = next(p for p in run_doctor(config, timeout=5, tools=False) if p.name == "prometheus")
    assert not prom.ok and prom.detail.startswith("401 Unauthorized")
    env = {"OBSKIT_PROMETHEUS_URL": url, "OBSKIT_PROMETHEUS_USERNAME": BASIC_AUTH[0],
           "OBSKIT_PROMETHEUS_PASSWORD": BASIC_AUTH[1]}
    config = load_config(None, env=env).config
    prom = next(p for p in run_doctor(config, timeout=5, tools=False) if p.name == "prometheus")
    assert prom.ok, prom.detail


def test_doctor_tls_error_named(tmp_path: Path) -> None:
    # plain HTTP server spoken to over https: the TLS handshake fails and doctor says so
    from tests import servers

    with servers.prometheus(tmp_path / "p") as server:
        https_url = server.url.replace("http://", "https://")
        config = load_config(None, env={"OBSKIT_PROMETHEUS_URL": https_url}).config
        prom = next(p for p in run_doctor(config, timeout=5, tools=False) if p.name == "prometheus")
    assert not prom.ok and prom.detail.startswith("TLS error"), prom.detail
