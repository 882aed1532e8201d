"""Dashboard JSON -> readable Python on grafana-foundation-sdk builders that builds back to it.

Panels and rows become ``db.Panel()`` / ``db.Row()`` builder chains; Prometheus queries become
``prometheus.Dataquery()`` chains when that reproduces them exactly, else ``RawQuery({...})``; JSON the
SDK does not model (variables, annotations, links, plugin-specific keys) stays as literals through
``with_json``. :func:`to_python` checks that the code builds back equal after :func:`normalise`.
"""

from __future__ import annotations

import pprint
import warnings
from typing import Any

from obskit.errors import InputError

# Values Grafana (or the SDK) fills in when absent: equal dashboards may differ only by these.
DEFAULTS: dict[str, Any] = {
    "editable": True, "fiscalYearStartMonth": 0, "graphTooltip": 0, "timezone": "browser", "transparent": False,
    "repeatDirection": "h", "collapsed": False, "allowCustomValue": True, "auto": False, "auto_count": 30,
    "auto_min": "10s", "includeAll": False, "multi": False, "skipUrlSync": False, "hide": 0, "liveNow": False,
}
VOLATILE = ("id", "version", "iteration", "schemaVersion")  # set by Grafana on save

# panel JSON key -> (builder method, how to render the value)
PANEL_METHODS = {
    "type": "type", "id": "id", "title": "title", "description": "description", "transparent": "transparent",
    "repeat": "repeat", "repeatDirection": "repeat_direction", "maxPerRow": "max_per_row",
    "maxDataPoints": "max_data_points", "interval": "interval", "timeFrom": "time_from", "timeShift": "time_shift",
    "hideTimeOverride": "hide_time_override", "pluginVersion": "plugin_version", "cacheTimeout": "cache_timeout",
    "options": "options", "fieldConfig": "field_config", "transformations": "transformations",
    "libraryPanel": "library_panel",
}
ROW_METHODS = {"id": "id", "collapsed": "collapsed", "repeat": "repeat"}
DASHBOARD_METHODS = {"uid": "uid", "description": "description", "tags": "tags", "timezone": "timezone",
                     "refresh": "refresh", "weekStart": "week_start", "liveNow": "live_now",
                     "fiscalYearStartMonth": "fiscal_year_start_month"}
FIRST = ["type", "id", "title", "uid", "description", "gridPos", "datasource"]  # generated in this order
PROM_METHODS = {"expr": "expr", "legendFormat": "legend_format", "refId": "ref_id", "interval": "interval",
                "hide": "hide"}


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
        return out
    if isinstance(data, list):
        return [normalise(item, False) for item in data]
    return data


def _lit(value: Any, indent: int) -> str:
    text = pprint.pformat(value, width=max(60, 110 - indent), sort_dicts=True)
    return text.replace("\n", "\n" + " " * indent)


def _ds(value: Any) -> str | None:
    if isinstance(value, dict) and set(value) <= {"type", "uid"} and value:
        args = ", ".join(f"{k}={v!r}" for k, v in (("type_val", value.get("type")), ("uid", value.get("uid")))
                         if v is not None)
        return f"DataSourceRef({args})"
    return None


def _grid(value: Any) -> str | None:
    if isinstance(value, dict) and set(value) == {"h", "w", "x", "y"}:
        return f"GridPos(h={value['h']!r}, w={value['w']!r}, x={value['x']!r}, y={value['y']!r})"
    return None


class _Writer:
    def __init__(self) -> None:
        self.uses_prometheus = False
        self.uses_raw = False
        self.uses_with_json = False

    def target(self, target: Any, indent: int) -> str:
        if isinstance(target, dict) and set(target) <= set(PROM_METHODS) | {"datasource"} and "expr" in target:
            calls = [f".{method}({target[key]!r})" for key, method in PROM_METHODS.items() if key in target]
            ds = _ds(target.get("datasource")) if "datasource" in target else ""
            if ds is not None:
                if ds:
                    calls.append(f".datasource({ds})")
                self.uses_prometheus = True
                one_line = "prometheus.Dataquery()" + "".join(calls)
                if len(one_line) + indent <= 110:
                    return one_line
                return "prometheus.Dataquery()" + "".join(f"\n{' ' * (indent + 4)}{c}" for c in calls)
        self.uses_raw = True
        return f"RawQuery({_lit(target, indent + 9)})"

    def chain(self, head: str, data: dict[str, Any], methods: dict[str, str], indent: int,
              handled: set[str]) -> tuple[list[str], dict[str, Any]]:
        pad = " " * indent
        lines = [head]
        extra: dict[str, Any] = {}
        first = [k for k in FIRST if k in data]
        for key in first + [k for k in data if k not in first]:
            value = data[key]
            if key in handled or (key in DEFAULTS and value == DEFAULTS[key] and key in methods):
                continue
            if key in methods and not (key in ("options", "fieldConfig") and not isinstance(value, dict)):
                lines.append(f"{pad}.{methods[key]}({_lit(value, indent + len(methods[key]) + 2)})")
            elif key == "datasource" and _ds(value):
                lines.append(f"{pad}.datasource({_ds(value)})")
            elif key == "gridPos" and _grid(value):
                lines.append(f"{pad}.grid_pos({_grid(value)})")
            elif key == "targets" and isinstance(value, list) and value:
                items = f",\n{pad}    ".join(self.target(t, indent + 4) for t in value)
                lines.append(f"{pad}.targets([\n{pad}    {items},\n{pad}])")
            else:
                extra[key] = value
        return lines, extra

    def wrap(self, lines: list[str], extra: dict[str, Any], indent: int) -> str:
        body = ("\n").join(lines)
        if not extra:
            return body
        self.uses_with_json = True
        pad = " " * indent
        body = body.replace("\n", "\n    ")
        return f"with_json(\n{pad}    {body},\n{pad}    {_lit(extra, indent + 4)},\n{pad})"

    def panel(self, panel: dict[str, Any], indent: int) -> str:
        if panel.get("type") == "row":
            lines, extra = self.chain(f"db.Row({panel.get('title', '')!r})", panel, ROW_METHODS, indent,
                                      {"type", "title", "panels"})
            for inner in panel.get("panels") or []:
                lines.append(f"{' ' * indent}.with_panel({self.panel(inner, indent + 4)})")
            if "panels" in panel and not isinstance(panel["panels"], list):
                extra["panels"] = panel["panels"]
            return self.wrap(lines, extra, indent)
        lines, extra = self.chain("db.Panel()", panel, PANEL_METHODS, indent, set())
        return self.wrap(lines, extra, indent)


HEADER = '''"""{title}: imported from {source} by `obskit dashboards import`.

Panels use grafana-foundation-sdk builders; JSON the SDK does not model is kept as literals via
with_json(). Edit freely: `obskit dashboards build` writes the JSON, `obskit dashboards check` lints it.
"""

'''


def check_shape(data: Any, source: str) -> None:
    """The parts of the dashboard model the importer walks must have their documented JSON types."""

    def bad(path: str, expected: str) -> InputError:
        return InputError(f"{source}: {path}: expected {expected}")

    if not isinstance(data, dict):
        raise bad("(top level)", "a dashboard object")
    if not isinstance(data.get("title", ""), str):
        raise bad("title", "a string")

    def panels(items: Any, path: str) -> None:
        if not isinstance(items, list):
            raise bad(path, "a list of panel objects")
        for i, panel in enumerate(items):
            where = f"{path}[{i}]"
            if not isinstance(panel, dict):
                raise bad(where, "a panel object")
            for key, kind, expected in (("type", str, "a string"), ("title", str, "a string"),
                                        ("targets", list, "a list of query objects"), ("gridPos", dict, "an object")):
                if key in panel and not isinstance(panel[key], kind):
                    raise bad(f"{where}.{key}", expected)
            if any(not isinstance(t, dict) for t in panel.get("targets") or []):
                raise bad(f"{where}.targets", "a list of query objects")
            if "panels" in panel:
                panels(panel["panels"], f"{where}.panels")

    panels(data.get("panels", []), "panels")


def to_python(data: dict[str, Any], source: str = "a JSON file", verify: bool = True) -> str:
    """Readable Python that builds ``data`` back (checked when ``verify``)."""
    check_shape(data, source)
    writer = _Writer()
    data = {k: v for k, v in data.items() if k not in ("id", "version", "iteration")}
    lines, extra = writer.chain(f"db.Dashboard({data.get('title', '')!r})", data, DASHBOARD_METHODS, 4,
                                {"title", "panels", "time"})
    time = data.get("time")
    if isinstance(time, dict) and set(time) == {"from", "to"}:
        lines.append(f"    .time({time['from']!r}, {time['to']!r})")
    elif "time" in data:
        extra["time"] = time
    for panel in data.get("panels") or []:
        method = "with_row" if panel.get("type") == "row" else "with_panel"
        lines.append(f"    .{method}({writer.panel(panel, 8)})")
    if "panels" in data and not data.get("panels"):
        extra["panels"] = data["panels"]
    body = writer.wrap(lines, extra, 0) if extra else "(\n    " + "\n".join(lines) + "\n)"
    imports = ["from grafana_foundation_sdk.builders import dashboard as db"]
    if writer.uses_prometheus:
        imports.append("from grafana_foundation_sdk.builders import prometheus")
    imports += ["from grafana_foundation_sdk.models.common import DataSourceRef  # noqa: F401",
                "from grafana_foundation_sdk.models.dashboard import GridPos  # noqa: F401", ""]
    names = [n for n, used in (("RawQuery", writer.uses_raw), ("with_json", writer.uses_with_json)) if used]
    if names:
        imports.append(f"from obskit.dashboards.builders.raw import {', '.join(names)}")
    code = HEADER.format(title=data.get("title", "dashboard"), source=source) + "\n".join(imports) + \
        f"\n\ndashboard = {body}\n"
    if verify:
        rebuilt = build_python(code)
        if normalise(rebuilt) != normalise(data):
            raise InputError(f"{source}: the generated Python does not build back to the same dashboard "
                             "(please report this with the JSON)")
    return code


def build_python(code: str) -> dict[str, Any]:
    from obskit.dashboards.model import to_data

    namespace: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        exec(compile(code, "<imported dashboard>", "exec"), namespace)  # noqa: S102 - our own generated code
    return to_data(namespace["dashboard"])
