"""Secrets canary (issue 13, item 3): every command that loads the config, with every secret set to a canary
in three shapes -- plain, with a trailing newline (a Kubernetes Secret made from a file), and short -- with
and without --debug, against a backend that echoes the request's credentials and URL back in its errors.
No output stream and no file the command writes may contain the canary in any representation.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.hardening.cli_runner import run_cli
from tests.replay import Request, Response, replay

SHAPES = {"plain": "CANARYzz8Qp41x", "newline": "CANARYnl77Kd\n", "short": "q7Z"}
DASHBOARD = json.dumps({"uid": "c", "title": "C", "panels": [{"id": 1, "type": "timeseries", "title": "Up",
                        "datasource": {"type": "prometheus", "uid": "prometheus"},
                        "targets": [{"refId": "A", "expr": 'up{job="api"}'}]}]})
RULES = "groups:\n  - name: g\n    rules:\n      - alert: Down\n        expr: up == 0\n        for: 5m\n" \
        "        labels: {severity: critical}\n        annotations: {summary: down, runbook_url: http://r}\n"
FAST = ["--source-timeout", "1", "--timeout", "3"]
COMMANDS = {
    "config-show": ["config", "show"],
    "config-show-json": ["config", "show", "--format", "json"],
    "doctor": ["doctor", "--timeout", "2"],
    "doctor-json": ["doctor", "--timeout", "2", "--format", "json"],
    "push-dry-run": ["dashboards", "push", "dashboards", "--dry-run"],
    "dashboards-check-online": ["dashboards", "check", "dashboards", "--datasource", "prometheus"],
    "alerts-check": ["alerts", "check", "alerts"],
    "check": ["check", "--format", "github"],
    "investigate-text": ["investigate", "checkout", *FAST],
    "investigate-json": ["investigate", "checkout", "--format", "json", *FAST],
    "investigate-markdown": ["investigate", "checkout", "--format", "markdown", "-o", "report.md", *FAST],
    "investigate-html": ["investigate", "checkout", "--format", "html", "-o", "report.html", *FAST],
    "deploy-dry-run": ["deploy", "--dry-run", "--format", "json"],
    "logs-patterns": ["logs", "patterns", "missing.log"],
    "alerts-build": ["alerts", "build", "alerts", "--output-dir", "out"],
    "alerts-test": ["alerts", "test", "alerts"],
    "dashboards-build": ["dashboards", "build", "dashboards", "--output-dir", "generated"],
    "dashboards-import": ["dashboards", "import", "dashboards/c.json", "--output", "c.dashboard.py"],
    "check-json": ["check", "--format", "json"],
    "local-import": ["local", "import", "missing.jsonl", "--db", "s.duckdb"],
    "local-stats": ["local", "stats", "--db", "none.duckdb"],
    "deploy-status": ["deploy", "status"],
}


def forms(secret: str) -> list[str]:
    """What would count as the canary in output: plain, JSON- and URL-encoded, and in a basic-auth header."""
    value = secret.strip()
    return sorted({value, json.dumps(value)[1:-1], quote(value, safe=""), repr(secret)[1:-1],
                   base64.b64encode(f"user:{value}".encode()).decode()})


def leaked(text: str, secret: str) -> list[str]:
    found = []
    for form in forms(secret):
        pattern = re.escape(form) if len(form) >= 6 else rf"(?<![A-Za-z0-9]){re.escape(form)}(?![A-Za-z0-9])"
        if re.search(pattern, text):
            found.append(form)
    return found


def echo(request: Request) -> Response:
    """A backend (or proxy) that repeats the credentials and the query it got in its error body."""
    body = {"status": "error", "errorType": "bad_data", "error": f"denied: auth={request.headers.get('authorization')} "
            f"key={request.headers.get('x-api-key')} query={request.query}", "message": "denied "
            f"{request.headers.get('authorization')}"}
    return Response(401, body)


@pytest.fixture(scope="module")
def backend() -> str:
    with replay(echo) as (url, _seen):
        yield url


@pytest.mark.parametrize("debug", [False, True], ids=["nodebug", "debug"])
@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_secret_leaves_the_process(command: str, shape: str, debug: bool, tmp_path: Path, backend: str) -> None:
    secret = SHAPES[shape]
    (tmp_path / "dashboards").mkdir()
    (tmp_path / "dashboards" / "c.json").write_text(DASHBOARD)
    (tmp_path / "alerts").mkdir()
    (tmp_path / "alerts" / "rules.yaml").write_text(RULES)
    (tmp_path / "es-password").write_text(secret)
    (tmp_path / "obskit.yaml").write_text(
        "elasticsearch:\n  auth:\n    username: user\n    password_file: es-password\n")
    env = {"OBSKIT_PROMETHEUS_URL": backend, "OBSKIT_PROMETHEUS_TOKEN": secret, "OBSKIT_GRAFANA_URL": backend,
           "OBSKIT_GRAFANA_TOKEN": secret, "OBSKIT_ELASTICSEARCH_URL": backend, "OBSKIT_JAEGER_URL": backend}
    args = (["--debug"] if debug else []) + COMMANDS[command]
    result = run_cli(args, tmp_path, env)
    written = "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file()
                      and p.name != "es-password")
    problems = leaked(result.output, secret) + leaked(written, secret)
    assert not problems, f"{command} leaked {problems}:\n{result.output[-3000:]}"
    assert result.code != 4 or debug, result.output[-2000:]
