"""Small dashboards for lint tests: a valid base that each test breaks in one way."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from obskit.dashboards.lint import Check, LintContext, LintOptions
from obskit.dashboards.model import Dashboard
from obskit.lint import Problem

PROM = {"type": "prometheus", "uid": "${datasource}"}


def panel(pid: int = 1, title: str = "Requests", expr: str = "sum(rate(http_requests_total[$__rate_interval]))",
          x: int = 0, y: int = 0, w: int = 12, h: int = 8, **extra: Any) -> dict[str, Any]:
    return {"id": pid, "title": title, "type": "timeseries", "datasource": PROM,
            "gridPos": {"x": x, "y": y, "w": w, "h": h},
            "targets": [{"refId": "A", "expr": expr}], **extra}


def dashboard_data(uid: str = "good-uid", title: str = "Good", panels: list | None = None,
                   variables: list | None = None) -> dict[str, Any]:
    return {
        "uid": uid, "title": title,
        "panels": panels if panels is not None else [panel()],
        "templating": {"list": variables if variables is not None else [
            {"name": "datasource", "type": "datasource", "query": "prometheus"}]},
    }


def as_json_dashboard(data: dict[str, Any], name: str = "d.json", folder: str = "General") -> Dashboard:
    """A Dashboard as if loaded from a JSON file (so line numbers can be found)."""
    text = json.dumps(data, indent=2)
    return Dashboard(Path(name), Path(name).stem, copy.deepcopy(data), "json", folder, text)


def run(check: type[Check], dashboards: list[Dashboard], **options: Any) -> list[Problem]:
    ctx = LintContext(dashboards, LintOptions(**options))
    return list(check().check(ctx))
