"""Shared fixtures: real Prometheus and Alertmanager servers (see tests/servers.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests import servers


@pytest.fixture(scope="session")
def prometheus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty real Prometheus shared by the session (remote-write receiver enabled)."""
    with servers.prometheus(tmp_path_factory.mktemp("prometheus")) as server:
        yield server.url


@pytest.fixture
def start_prometheus(tmp_path: Path) -> Iterator[Callable[..., servers.Server]]:
    """Factory: start a real Prometheus with backfilled OpenMetrics and/or rule files; stopped after."""
    with ExitStack() as stack:
        count = 0

        def start(**kwargs: object) -> servers.Server:
            nonlocal count
            count += 1
            return stack.enter_context(servers.prometheus(tmp_path / f"prometheus-{count}", **kwargs))

        yield start


@pytest.fixture(scope="session")
def alertmanager_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with servers.alertmanager(tmp_path_factory.mktemp("alertmanager")) as server:
        yield server.url


REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The project checkout (tests run with the working directory set to a temp dir)."""
    return REPO_ROOT


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's OBSKIT_* variables or ./obskit.yaml."""
    import os

    for var in list(os.environ):
        if var.startswith("OBSKIT_") and not var.startswith("OBSKIT_LIVE_"):
            monkeypatch.delenv(var)
    monkeypatch.chdir(tmp_path)
