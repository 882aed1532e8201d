"""A backend that echoes the request's Authorization header into its error body (some proxies do)
must not make obskit print the credentials, in any encoding."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

from tests.replay import Request, Response, replay

DASHBOARD = """{"uid": "echo", "title": "Echo", "panels": [{"id": 1, "type": "timeseries", "title": "Up",
 "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
 "datasource": {"type": "prometheus", "uid": "prometheus"},
 "targets": [{"refId": "A", "expr": "up{job=\\"api\\"}", "datasource": {"type": "prometheus", "uid": "prometheus"}}]}]}
"""


def test_echoed_basic_auth_never_printed(tmp_path: Path, repo_root: Path) -> None:
    def echo(request: Request) -> Response:
        return Response(500, f"upstream failed; auth={request.headers.get('authorization')}".encode(),
                        {"content-type": "text/plain"})

    (tmp_path / "dashboards").mkdir()
    (tmp_path / "dashboards" / "echo.json").write_text(DASHBOARD)
    password = "CANARY-p-9012"
    encoded = base64.b64encode(f"u:{password}".encode()).decode()
    with replay(echo) as (url, seen):
        env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")}
        env.update(PYTHONPATH=str(repo_root), OBSKIT_PROMETHEUS_URL=url, OBSKIT_PROMETHEUS_USERNAME="u",
                   OBSKIT_PROMETHEUS_PASSWORD=password)
        results = [subprocess.run([sys.executable, "-m", "obskit", *args], cwd=tmp_path, env=env,
                                  capture_output=True, text=True, timeout=60)
                   for args in (["dashboards", "check", "dashboards", "--datasource", "prometheus"],
                                ["dashboards", "check", "dashboards", "--datasource", "prometheus", "--format", "json"],
                                ["check", "--format", "github"])]
    assert seen and seen[0].headers["authorization"] == f"Basic {encoded}"  # the server did get (and echo) it
    for result in results:
        output = result.stdout + result.stderr
        assert result.returncode == 3, output
        assert "500 server error" in output
        assert encoded not in output and password not in output
