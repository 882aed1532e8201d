"""alertmanager.yml generation: validated by the real amtool, loaded by a real Alertmanager, no secret inlined."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
import yaml

from obskit.alerts.alertmanager import check_config, render, write
from obskit.config import Config, load_config
from obskit.errors import InputError
from tests import servers

CANARY = "hooks.slack.example/T0CANARY/SECRET"

OBSKIT_YAML = """\
alerts:
  alertmanager:
    receiver: ops
    receivers:
      - name: ops
        slack: {api_url_env: SLACK_URL, channel: '#ops'}
      - name: payments-pager
        pagerduty: {routing_key_file: /etc/alertmanager/secrets/pd-key}
      - name: mail
        email: {to: sre@example.com, from: am@example.com, smarthost: 'smtp.example.com:587',
                auth_username: am, auth_password_file: /etc/alertmanager/secrets/smtp}
      - name: hook
        webhook: {url: 'http://127.0.0.1:9/alerts', credentials_file: /etc/alertmanager/secrets/hook-token}
    routes:
      - {team: payments, severity: [critical, page], receiver: payments-pager}
      - {severity: [warning], receiver: mail, continue: true}
      - {matchers: {sloth_severity: ticket}, receiver: hook}
"""


def routing(tmp_path: Path):
    (tmp_path / "obskit.yaml").write_text(OBSKIT_YAML)
    return load_config(tmp_path / "obskit.yaml", env={}).config.alerts.alertmanager


def test_generated_config_passes_amtool_and_keeps_secrets_out(tmp_path: Path) -> None:
    files = render(routing(tmp_path), env={"SLACK_URL": f"https://{CANARY}"})
    assert CANARY not in files.config
    assert "check-config" not in files.config
    check_config(files.config)  # raises InputError when amtool refuses it
    data = yaml.safe_load(files.config)
    receivers = {r["name"]: r for r in data["receivers"]}
    assert receivers["ops"]["slack_configs"][0]["api_url_file"] == "/etc/alertmanager/secrets/ops-slack-api_url"
    assert receivers["payments-pager"]["pagerduty_configs"][0]["routing_key_file"] == \
        "/etc/alertmanager/secrets/pd-key"
    assert receivers["hook"]["webhook_configs"][0]["http_config"]["authorization"]["credentials_file"]
    routes = data["route"]["routes"]
    assert routes[0]["matchers"] == ['team="payments"', 'severity=~"critical|page"']
    assert routes[1] == {"receiver": "mail", "matchers": ['severity="warning"'], "continue": True}
    written = write(files, tmp_path / "out" / "alertmanager.yml", tmp_path / "secrets")
    secret = tmp_path / "secrets" / "ops-slack-api_url"
    assert secret in written and secret.read_text() == f"https://{CANARY}"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert CANARY not in (tmp_path / "out" / "alertmanager.yml").read_text()


def test_generated_config_is_deterministic(tmp_path: Path) -> None:
    env = {"SLACK_URL": "https://x"}
    assert render(routing(tmp_path), env=env).config == render(routing(tmp_path), env=env).config


def test_real_alertmanager_loads_the_generated_config(tmp_path: Path) -> None:
    for name in ("pd-key", "smtp", "hook-token", "ops-slack-api_url"):
        (tmp_path / name).write_text("x")
    text = render(routing(tmp_path), env={"SLACK_URL": "https://hooks.example/x"}).config
    text = text.replace("/etc/alertmanager/secrets", str(tmp_path))
    with servers.alertmanager(tmp_path / "am", config=yaml.safe_load(text)) as am:
        status = httpx.get(f"{am.url}/api/v2/status").json()
    assert "payments-pager" in status["config"]["original"]


def test_literal_secret_in_obskit_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "obskit.yaml"
    path.write_text(OBSKIT_YAML.replace("api_url_env: SLACK_URL", f"api_url: https://{CANARY}"))
    with pytest.raises(InputError) as info:
        load_config(path, env={})
    assert "api_url may not be written in the config file" in info.value.message
    assert CANARY not in info.value.message


def test_unknown_receiver_and_missing_env_are_input_errors(tmp_path: Path) -> None:
    r = routing(tmp_path)
    with pytest.raises(InputError, match="environment variable SLACK_URL is not set"):
        render(r, env={})
    bad = Config.model_validate({"alerts": {"alertmanager": {"receiver": "nobody", "receivers": [{"name": "ops"}]}}})
    with pytest.raises(InputError, match="unknown receiver 'nobody'"):
        render(bad.alerts.alertmanager, env={})


def test_amtool_rejection_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="amtool check-config rejected"):
        check_config("route:\n  receiver: missing\nreceivers: []\n")
