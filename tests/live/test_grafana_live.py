"""Opt-in: push a throwaway dashboard to a real Grafana (-m live; OBSKIT_LIVE_GRAFANA_URL/_TOKEN)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from obskit.config import Secret
from obskit.dashboards.grafana_api import GrafanaTarget, connect, push_dashboards
from obskit.dashboards.model import Dashboard

pytestmark = pytest.mark.live


def test_push_update_prune_live() -> None:
    url = os.environ.get("OBSKIT_LIVE_GRAFANA_URL")
    token = os.environ.get("OBSKIT_LIVE_GRAFANA_TOKEN")
    if not url or not token:
        pytest.skip("set OBSKIT_LIVE_GRAFANA_URL and OBSKIT_LIVE_GRAFANA_TOKEN")
    target = GrafanaTarget(url, Secret(token, "env"))
    uid = f"obskit-live-{uuid.uuid4().hex[:8]}"
    folder = f"obskit-live-{uid[-8:]}"
    dash = Dashboard(Path("live.json"), uid, {"uid": uid, "title": f"Live {uid}", "panels": []}, "dict", folder)
    assert [c.action for c in push_dashboards(target, [dash]).changes] == ["new"]
    assert [c.action for c in push_dashboards(target, [dash]).changes] == ["unchanged"]
    other = Dashboard(Path("o.json"), uid + "x", {"uid": uid + "x", "title": f"Other {uid}", "panels": []}, "dict",
                      folder)
    push_dashboards(target, [dash, other])
    plan = push_dashboards(target, [dash], prune=True)
    assert ("deleted", uid + "x") in [(c.action, c.uid) for c in plan.changes]
    api = connect(target)
    api.dashboard.delete_dashboard(uid)
