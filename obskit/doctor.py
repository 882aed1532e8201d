"""`obskit doctor`: is every configured backend reachable, and which version answers?

Backends are probed concurrently, each with its own timeout; local tools are looked up on PATH. Each
reported version is judged against obskit/sources/versions.yaml: older than the supported minimum fails
the backend (exit 3); newer than the version obskit is checked against passes with a note.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from obskit.config import Config
from obskit.deadlines import Deadline
from obskit.errors import BackendError
from obskit.sources.versions import require
from obskit.transport import describe_failure, get_json, http_client

DEFAULT_TIMEOUT = 5.0


@dataclass
class Probe:
    name: str
    kind: str  # "backend" or "tool"
    target: str  # URL, context or binary path
    ok: bool
    version: str = ""
    detail: str = ""
    elapsed_ms: int = 0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _timed(name: str, target: str, fn: Callable[[], tuple[str, str]], timeout: float) -> Probe:
    start = time.monotonic()
    try:
        version, detail = fn()
        ok = True
    except Exception as exc:  # every failure becomes a reason, never a traceback
        version, detail, ok = "", describe_failure(exc, timeout), False
    elapsed = int((time.monotonic() - start) * 1000)
    return Probe(name, "backend", target, ok, version, detail, elapsed)


def _versioned(connect: Callable[[], Any], path: str,
               read: Callable[[dict[str, Any]], tuple[str, str, str]]) -> Callable[[], tuple[str, str]]:
    """A probe that GETs `path` and judges the version in the answer (read: product, version, detail) against
    obskit/sources/versions.yaml: (version, detail with the support note); an unsupported version fails it."""

    def run() -> tuple[str, str]:
        with connect() as client:
            data = get_json(client, path)
        product, version, detail = read(data)
        verdict = require(product, version, BackendError)
        return version, f"{detail}; {verdict.note}" if verdict.note else detail

    return run


def _prometheus(config: Config, timeout: float) -> Callable[[], tuple[str, str]]:
    cfg = config.prometheus
    return _versioned(lambda: http_client(cfg.url or "", auth=cfg.auth, tls=cfg.tls, timeout=timeout),
                      "/api/v1/status/buildinfo",
                      lambda data: ("prometheus", str(data.get("data", {}).get("version", "?")), "buildinfo answered"))


def _elasticsearch(url: str, config: Config, timeout: float) -> Callable[[], tuple[str, str]]:
    cfg = config.elasticsearch

    def read(data: dict[str, Any]) -> tuple[str, str, str]:
        version = data.get("version", {})
        flavour = version.get("distribution") or "elasticsearch"
        return flavour, str(version.get("number", "?")), f"{flavour}, cluster {data.get('cluster_name', '?')}"

    return _versioned(lambda: http_client(url, auth=cfg.auth, tls=cfg.tls, timeout=timeout), "/", read)


def _jaeger(config: Config, timeout: float) -> Callable[[], tuple[str, str]]:
    cfg = config.jaeger

    def run() -> tuple[str, str]:
        with http_client(cfg.url or "", tls=cfg.tls, timeout=timeout) as client:
            if cfg.api in ("auto", "v3"):
                response = client.get("/api/v3/services")
                if response.status_code == 200 or cfg.api == "v3":
                    response.raise_for_status()
                    services = response.json().get("services") or []  # the query API reports no version
                    return "api_v3", f"{len(services)} services"
            data = get_json(client, "/api/services")
            return "legacy api", f"{len(data.get('data') or [])} services"

    return run


def _grafana(config: Config, timeout: float) -> Callable[[], tuple[str, str]]:
    cfg = config.grafana
    return _versioned(lambda: http_client(cfg.url or "", token=cfg.token, tls=cfg.tls, timeout=timeout), "/api/health",
                      lambda data: ("grafana", str(data.get("version", "?")), f"database {data.get('database', '?')}"))


def _kibana(config: Config, timeout: float) -> Callable[[], tuple[str, str]]:
    cfg = config.kibana

    def read(data: dict[str, Any]) -> tuple[str, str, str]:
        overall = ((data.get("status") or {}).get("overall") or {})
        level = overall.get("level") or overall.get("state") or "?"  # 8.x: level; 7.x: state
        if level not in ("available", "green"):
            raise RuntimeError(f"status {level}: {overall.get('summary', '')}".strip())
        return "kibana", str((data.get("version") or {}).get("number", "?")), f"status {level}"

    return _versioned(lambda: http_client(cfg.url or "", auth=cfg.auth, tls=cfg.tls, timeout=timeout), "/api/status",
                      read)


def _kubernetes(config: Config, timeout: float) -> Callable[[], tuple[str, str]]:
    cfg = config.kubernetes

    def run() -> tuple[str, str]:
        from kubernetes import client as kclient
        from kubernetes import config as kconfig

        api_client = kconfig.new_client_from_config(
            config_file=str(cfg.kubeconfig) if cfg and cfg.kubeconfig else None,
            context=cfg.context if cfg else None,
        )
        with api_client:
            info = kclient.VersionApi(api_client).get_code(_request_timeout=timeout)
        return str(info.git_version), f"platform {info.platform}"

    return run


def _kube_target(config: Config) -> str:
    cfg = config.kubernetes
    return f"context {cfg.context}" if cfg and cfg.context else "current context"


def _tool_version(binary: str, pattern: str = r"version (\S+)") -> Probe:
    path = shutil.which(binary)
    if path is None:
        return Probe(binary, "tool", "", False, detail="not found on PATH")
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
        text = out.stdout + out.stderr
    except (OSError, subprocess.SubprocessError) as exc:
        return Probe(binary, "tool", path, False, detail=str(exc))
    match = re.search(pattern, text)
    return Probe(binary, "tool", path, True, version=match.group(1) if match else "?")


def _helm_sdk() -> Probe:
    try:
        import helm_python

        return Probe("helm-sdk", "tool", "helm-python-sdk", True, version=helm_python.helm_sdk_version(),
                     detail=f"helm-python-sdk {helm_python.__version__}")
    except Exception as exc:  # the SDK loads a native library: report, do not crash
        return Probe("helm-sdk", "tool", "helm-python-sdk", False, detail=f"{type(exc).__name__}: {exc}")


def run_doctor(config: Config, timeout: float = DEFAULT_TIMEOUT, tools: bool = True) -> list[Probe]:
    """Probe every configured backend concurrently; return one Probe per backend and tool."""
    jobs: list[tuple[str, str, Callable[[], tuple[str, str]]]] = []
    if config.prometheus.url:
        jobs.append(("prometheus", config.prometheus.url, _prometheus(config, timeout)))
    for url in config.elasticsearch.urls:
        jobs.append(("elasticsearch", url, _elasticsearch(url, config, timeout)))
    if config.jaeger.url:
        jobs.append(("jaeger", config.jaeger.url, _jaeger(config, timeout)))
    if config.grafana.url:
        jobs.append(("grafana", config.grafana.url, _grafana(config, timeout)))
    if config.kibana.url:
        jobs.append(("kibana", config.kibana.url, _kibana(config, timeout)))
    if config.kubernetes is not None:
        jobs.append(("kubernetes", _kube_target(config), _kubernetes(config, timeout)))

    probes: list[Probe] = []
    # daemon threads (obskit.deadlines): a backend that drips one byte a second keeps its thread busy, but
    # neither the report nor the process exit waits for it beyond the deadline
    with Deadline(overall=timeout + 2, per_job=timeout) as deadline:
        started = [deadline.submit(name, _timed, name, target, fn, timeout) for name, target, fn in jobs]
        tool_jobs = [deadline.submit("promtool", _tool_version, "promtool"),
                     deadline.submit("amtool", _tool_version, "amtool"),
                     deadline.submit("helm-sdk", _helm_sdk)] if tools else []
        for (name, target, _), job in zip(jobs, started, strict=True):
            try:
                probes.append(deadline.wait(job))
            except TimeoutError:
                probes.append(Probe(name, "backend", target, False,
                                    detail=f"no complete answer within {timeout:g} s", elapsed_ms=int(timeout * 1000)))
        for job in tool_jobs:
            try:
                probes.append(job.result(timeout=max(deadline.left(job), 0.1)))
            except TimeoutError:
                probes.append(Probe(job.name, "tool", "", False, detail="did not answer in time"))
    return probes


def backends_ok(probes: list[Probe]) -> bool:
    return all(p.ok for p in probes if p.kind == "backend")


