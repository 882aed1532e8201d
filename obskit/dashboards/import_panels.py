"""Imported panels on the typed grafana-foundation-sdk panel builders (``timeseries.Panel()``, ``stat.Panel()``).

A panel type with a typed builder gets it, so the imported code offers the typed methods (``.unit()``,
``.legend()``, ``.thresholds()``) for the next edit; field defaults the builders model as scalars
(unit, decimals, min, max, noValue, displayName) become typed calls. Panel options stay literal JSON
(``with_json``): the typed builders fill in option defaults the exported panel may not have. A typed
panel that does not build (a value the builder refuses) falls back to the generic ``db.Panel()``; what a
typed builder adds is set back by the importer (``import_fixes.py``).
Old panel types without a typed builder (``graph``, ``singlestat``) keep the generic one.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

# Grafana panel "type" -> grafana_foundation_sdk.builders module with a typed Panel builder
TYPED_PANELS = {
    "timeseries": "timeseries", "stat": "stat", "gauge": "gauge", "bargauge": "bargauge", "table": "table",
    "text": "text", "heatmap": "heatmap", "piechart": "piechart", "logs": "logs", "barchart": "barchart",
    "histogram": "histogram", "state-timeline": "statetimeline", "status-history": "statushistory",
    "nodeGraph": "nodegraph", "news": "news", "dashlist": "dashboardlist", "candlestick": "candlestick",
    "canvas": "canvas", "geomap": "geomap", "trend": "trend", "xychart": "xychart", "annolist": "annotationslist",
    "datagrid": "datagrid",
}
# fieldConfig.defaults key -> typed builder method (scalars only)
TYPED_DEFAULTS = {"unit": "unit", "decimals": "decimals", "min": "min", "max": "max", "noValue": "no_value",
                  "displayName": "display_name"}


def typed_module(panel: dict[str, Any]) -> str | None:
    module = TYPED_PANELS.get(str(panel.get("type")))
    if module is None:
        return None
    try:
        builders = importlib.import_module(f"grafana_foundation_sdk.builders.{module}")
    except ImportError:
        return None
    return module if hasattr(builders, "Panel") else None


def methods_of(module: str, candidates: dict[str, str]) -> dict[str, str]:
    """The JSON keys whose builder method the typed panel has (``type`` is set by the builder itself)."""
    panel_cls = importlib.import_module(f"grafana_foundation_sdk.builders.{module}").Panel
    return {key: method for key, method in candidates.items() if key != "type" and hasattr(panel_cls, method)}


def typed_field_defaults(field_config: Any) -> list[tuple[str, Any]] | None:
    """(method, value) calls for a fieldConfig made only of typed scalar defaults; None if it has more."""
    if not isinstance(field_config, dict) or not set(field_config) <= {"defaults", "overrides"}:
        return None
    if field_config.get("overrides") not in (None, []):
        return None
    defaults = field_config.get("defaults") or {}
    if not isinstance(defaults, dict) or not set(defaults) <= set(TYPED_DEFAULTS) | {"custom"}:
        return None
    if defaults.get("custom") not in (None, {}):
        return None
    calls = []
    for key, method in TYPED_DEFAULTS.items():
        if key in defaults:
            value = defaults[key]
            numeric = key in ("decimals", "min", "max")
            if numeric and (isinstance(value, bool) or not isinstance(value, int | float)):
                return None
            if not numeric and not isinstance(value, str):
                return None
            calls.append((method, value))
    return calls


def builds(code: str, imports: list[str]) -> bool:
    """Does the panel expression ``code`` build at all (a typed builder may refuse an exported value)? What
    it adds or changes is set back by the importer's exact comparison."""
    from obskit.dashboards.model import to_data

    source = "\n".join(imports) + f"\n\npanel = ({code})\n"
    namespace: dict[str, Any] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            exec(compile(source, "<imported panel>", "exec"), namespace)  # noqa: S102 - our own generated code
        to_data({"panels": [namespace["panel"].build()]})
    except Exception:  # noqa: BLE001 - any failure means: use the generic builder
        return False
    return True
