"""Opt-in live check of the Kibana data view as code (pytest -m live). Needs a real Kibana 8.11+ whose
security is on, reachable from here (e.g. `kubectl port-forward svc/obskit-kb-kb-http 5601` after a prod
deploy), and its elastic password:

    OBSKIT_LIVE_KIBANA_URL=https://localhost:5601  OBSKIT_LIVE_KIBANA_PASSWORD=...  \\
    OBSKIT_LIVE_KIBANA_CA=ca.crt  pytest -m live tests/live/test_kibana_live.py

It runs the Job's own script twice (the second run must change nothing) and reads the data view back.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest

from obskit.deploy.stack import render_stack
from tests.deploy.conftest import sample_options

pytestmark = pytest.mark.live

URL = os.environ.get("OBSKIT_LIVE_KIBANA_URL")
PASSWORD = os.environ.get("OBSKIT_LIVE_KIBANA_PASSWORD", "")
CA = os.environ.get("OBSKIT_LIVE_KIBANA_CA", "")


def test_the_data_view_job_script_is_idempotent_on_a_real_kibana(tmp_path: Path) -> None:
    if not URL or not PASSWORD:
        pytest.skip("set OBSKIT_LIVE_KIBANA_URL and OBSKIT_LIVE_KIBANA_PASSWORD to a disposable Kibana")
    stack = render_stack(sample_options("prod"), Path(tempfile.mkdtemp()), validate=False)
    cm = next(m for m in stack.rendering.manifests if m.name == "obskit-kibana-data-views")
    for key, text in cm.body["data"].items():
        (tmp_path / key).write_text(text)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "KIBANA_URL": URL, "ELASTIC_PASSWORD": PASSWORD,
           "DATA_VIEWS_DIR": str(tmp_path), "KIBANA_CA": CA or "/etc/ssl/certs/ca-certificates.crt"}
    for _ in range(2):
        run = subprocess.run(["sh", str(tmp_path / "apply-data-views.sh")], env=env, capture_output=True,
                             text=True, timeout=900)
        assert run.returncode == 0, run.stderr
    wanted = json.loads(cm.body["data"]["obskit-logs.json"])["data_view"]
    with httpx.Client(base_url=URL, auth=("elastic", PASSWORD), verify=CA or True, timeout=30) as client:
        got = client.get(f"/api/data_views/data_view/{wanted['id']}").raise_for_status().json()["data_view"]
    assert (got["title"], got["timeFieldName"], got["name"]) == (wanted["title"], wanted["timeFieldName"],
                                                                 wanted["name"])
