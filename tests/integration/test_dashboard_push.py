"""push/prune through grafana-client against recorded Grafana 11.x API responses on a loopback server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from obskit.config import Secret
from obskit.dashboards.grafana_api import GrafanaTarget, push_dashboards
from obskit.dashboards.model import Dashboard
from tests.grafana_server import grafana

TOKEN = "glsa_CANARY-push-token-4242"


def dash(uid: str, title: str, folder: str = "stack", extra: str = "") -> Dashboard:
    return Dashboard(Path(f"{uid}.json"), uid, {"uid": uid, "title": title, "description": extra, "panels": []},
                     "dict", folder)


def test_push_creates_folders_upserts_and_reports_unchanged() -> None:
    with grafana(TOKEN) as (url, state):
        target = GrafanaTarget(url, Secret(TOKEN, "test"))
        calls: list[tuple[int, int]] = []
        plan = push_dashboards(target, [dash("a", "A"), dash("b", "B", "General")], message="ci run 7",
                               progress=lambda done, total: calls.append((done, total)))
        assert calls == [(1, 2), (2, 2)]
        assert [(c.uid, c.folder, c.action) for c in plan.changes] == [("b", "General", "new"), ("a", "stack", "new")]
        assert state.folders == {"obskit-stack": "stack"}
        saved = [r for r in state.requests if r[:2] == ("POST", "/api/dashboards/db")]
        assert [(b["dashboard"]["uid"], b.get("folderUid"), b["overwrite"], b["message"]) for _, _, b, _ in saved] == [
            ("b", None, True, "ci run 7"), ("a", "obskit-stack", True, "ci run 7")]
        again = push_dashboards(target, [dash("a", "A"), dash("b", "B", "General")])
        assert {c.action for c in again.changes} == {"unchanged"}
        changed = push_dashboards(target, [dash("a", "A", extra="new text")], dry_run=True)
        assert [c.action for c in changed.changes] == ["changed"]
        assert state.dashboards["a"][0]["description"] == ""  # dry run wrote nothing


def test_prune_only_in_managed_folders() -> None:
    with grafana(TOKEN) as (url, state):
        target = GrafanaTarget(url, Secret(TOKEN, "test"))
        push_dashboards(target, [dash("a", "A"), dash("old", "Old"), dash("manual", "Manual", "General")])
        preview = push_dashboards(target, [dash("a", "A")], prune=True, dry_run=True)
        assert [(c.uid, c.action, c.detail) for c in preview.changes] == [
            ("a", "unchanged", ""), ("old", "deleted", "(would delete)")]
        assert "old" in state.dashboards
        plan = push_dashboards(target, [dash("a", "A")], prune=True)
        assert [(c.uid, c.action) for c in plan.changes] == [("a", "unchanged"), ("old", "deleted")]
        assert set(state.dashboards) == {"a", "manual"}  # General is never pruned


def test_bad_token_is_a_backend_error_without_the_token() -> None:
    with grafana(TOKEN) as (url, _state):
        plan = push_dashboards(GrafanaTarget(url, Secret("wrong-token-value", "test")), [dash("a", "A")])
        assert [c.action for c in plan.changes] == ["failed"]
        assert "401 Unauthorized" in plan.errors[0] and "wrong-token-value" not in plan.errors[0]


def test_cli_push_dry_run_never_prints_the_token(tmp_path: Path, repo_root: Path) -> None:
    with grafana(TOKEN) as (url, state):
        env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")}
        env |= {"PYTHONPATH": str(repo_root), "OBSKIT_GRAFANA_URL": url, "OBSKIT_GRAFANA_TOKEN": TOKEN}
        args = [sys.executable, "-m", "obskit", "dashboards", "push", str(repo_root / "dashboards")]
        result = subprocess.run([*args, "--dry-run", "--format", "json"], capture_output=True, text=True, env=env,
                                cwd=tmp_path, timeout=60)
        assert result.returncode == 0, result.stderr
        plan = json.loads(result.stdout)
        assert plan["dry_run"] and {c["action"] for c in plan["changes"]} == {"new"}
        assert not state.dashboards and not state.folders
        real = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
        assert real.returncode == 0, real.stderr
        assert set(state.folders.values()) == {"stack", "services"} and len(state.dashboards) == 8
        assert all(auth == f"Bearer {TOKEN}" for *_, auth in state.requests)
        assert TOKEN not in result.stdout + result.stderr + real.stdout + real.stderr
        refused = subprocess.run([*args[:-1], "--prune"], capture_output=True, text=True, env=env, cwd=tmp_path)
        assert refused.returncode == 2 and "--yes" in refused.stderr


@pytest.mark.parametrize("fixture", sorted((Path(__file__).parents[1] / "fixtures/grafana").glob("*.json")))
def test_fixtures_are_json(fixture: Path) -> None:
    json.loads(fixture.read_text())


def test_push_asks_the_grafana_version_first_and_refuses_an_old_one() -> None:
    with grafana(TOKEN) as (url, state):
        plan = push_dashboards(GrafanaTarget(url, Secret(TOKEN, "test")), [dash("a", "A")], dry_run=True)
        assert state.requests[0][:2] == ("GET", "/api/health") and plan.grafana_version == "11.3.0"
        state.health = {"commit": "abc", "database": "ok", "version": "9.5.2"}
        before = len(state.requests)
        old = push_dashboards(GrafanaTarget(url, Secret(TOKEN, "test")), [dash("a", "A"), dash("b", "B")])
        assert [r[1] for r in state.requests[before:]] == ["/api/health"]  # nothing else asked or written
    assert [c.action for c in old.changes] == ["failed", "failed"]
    assert old.errors == [f"Grafana at {url}: grafana 9.5.2 is older than 10.0, the oldest obskit supports "
                          "(push relies on folderUid in POST /api/dashboards/db and folderUIDs in GET /api/search, "
                          "as documented from Grafana 10)"]
