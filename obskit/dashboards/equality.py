"""When are two dashboards the same? Equal after dropping what Grafana fills in or changes on save.

Used to verify that imported code builds back to the JSON it came from.
"""

from __future__ import annotations

from typing import Any

# Values Grafana (or the SDK) fills in when absent: equal dashboards may differ only by these.
DEFAULTS: dict[str, Any] = {
    "editable": True, "fiscalYearStartMonth": 0, "graphTooltip": 0, "timezone": "browser", "transparent": False,
    "repeatDirection": "h", "collapsed": False, "allowCustomValue": True, "auto": False, "auto_count": 30,
    "auto_min": "10s", "includeAll": False, "multi": False, "skipUrlSync": False, "hide": 0, "liveNow": False,
    "instant": False,
}
VOLATILE = ("id", "version", "iteration", "schemaVersion")  # set by Grafana on save


def normalise(data: Any, top: bool = True) -> Any:
    """Drop volatile keys, default values, empty strings and empty containers, recursively."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if top and key in VOLATILE:
                continue
            if key in DEFAULTS and value == DEFAULTS[key]:
                continue
            value = normalise(value, False)
            if value is None or value == {} or value == [] or value == "":
                continue
            out[key] = value
        if data.get("instant") is True and data.get("range") is False:
            out.pop("range", None)  # a Prometheus query with instant: true runs no range query unless told to
        return out
    if isinstance(data, list):
        return [normalise(item, False) for item in data]
    return data
