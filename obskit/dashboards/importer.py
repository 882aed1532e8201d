"""Dashboard JSON -> readable Python on grafana-foundation-sdk builders that builds back to it.

Panels and rows become ``db.Panel()`` / ``db.Row()`` builder chains; Prometheus queries become
``prometheus.Dataquery()`` chains when that reproduces them exactly, else ``RawQuery({...})``; JSON the
SDK does not model (variables, annotations, links, plugin-specific keys) stays as literals through
``with_json``. :func:`to_python` builds the code and compares it with the export: where a builder added a
default or moved a panel, the code sets it back (``import_fixes.py``) until it builds back to exactly the
same JSON (``equality.py``: only the dashboard's ``id`` and ``version`` are not compared).
"""

from __future__ import annotations

import pprint
import warnings
from typing import Any

from obskit.dashboards.equality import differences, exact_form, same
from obskit.dashboards.import_fixes import Fix, Fixes, NodePath, record
from obskit.dashboards.import_panels import builds, methods_of, typed_field_defaults, typed_module
from obskit.errors import InputError

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
                "hide": "hide", "exemplar": "exemplar", "intervalFactor": "interval_factor"}
# typed Prometheus query fields: JSON key -> (builder method, model enum, allowed values)
PROM_ENUMS = {"editorMode": ("editor_mode", "QueryEditorMode", {"builder": "BUILDER", "code": "CODE"}),
              "format": ("format", "PromQueryFormat", {"time_series": "TIME_SERIES", "table": "TABLE",
                                                       "heatmap": "HEATMAP"})}
# (range, instant) as Grafana writes them -> the builder call that sets exactly those two keys; any other
# combination (``range: true`` alone) stays JSON beside the typed calls
PROM_MODES = {(True, False): ".range()", (False, True): ".instant()", (True, True): ".range_and_instant()"}
MAX_ROUNDS = 8  # build, compare, set back; fixes only grow, real dashboards need two or three
# JSON type a builder method takes, by key; a value of another type stays JSON (with_json), exactly as written
METHOD_TYPES: dict[str, tuple[type, ...]] = {
    "id": (int,), "type": (str,), "title": (str,), "uid": (str,), "description": (str,), "transparent": (bool,),
    "repeat": (str,), "repeatDirection": (str,), "maxPerRow": (int,), "maxDataPoints": (int, float),
    "interval": (str,), "timeFrom": (str,), "timeShift": (str,), "hideTimeOverride": (bool,),
    "pluginVersion": (str,), "cacheTimeout": (str,), "options": (dict,), "fieldConfig": (dict,),
    "transformations": (list,), "libraryPanel": (dict,), "tags": (list,), "timezone": (str,), "refresh": (str,),
    "weekStart": (str,), "liveNow": (bool,), "fiscalYearStartMonth": (int,), "collapsed": (bool,),
}


def typed_value(key: str, value: Any) -> bool:
    """Does ``value`` have the type the builder method for ``key`` takes (bool is not an int here)?"""
    types = METHOD_TYPES.get(key, (object,))
    if isinstance(value, bool) and bool not in types:
        return False
    return isinstance(value, types)


PROM_TYPES = {"expr": str, "legendFormat": str, "refId": str, "interval": str, "hide": bool, "exemplar": bool,
              "intervalFactor": int}


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
    def __init__(self, fixes: Fixes) -> None:
        self.fixes = fixes
        self.typed_ok: dict[NodePath, bool] = {}  # typed panel builder usable at this node (decided once)
        self.uses_prometheus = False
        self.uses_raw = False
        self.uses_with_json = False
        self.uses_prometheus_models = False
        self.typed_modules: set[str] = set()

    def fix(self, path: NodePath) -> Fix:
        return self.fixes.get(path) or Fix()

    def _prometheus_calls(self, target: dict[str, Any]) -> tuple[list[str], dict[str, Any]] | None:
        """Typed builder calls that reproduce the query, and the keys kept as JSON beside them; None: the
        query stays a RawQuery (a field the SDK does not model, or a value of another type)."""
        known = set(PROM_METHODS) | set(PROM_ENUMS) | {"datasource", "range", "instant"}
        if "expr" not in target or not set(target) <= known:
            return None
        calls: list[str] = []
        extra: dict[str, Any] = {}
        for key, method in PROM_METHODS.items():
            if key in target:
                if type(target[key]) is not PROM_TYPES[key]:
                    return None
                calls.append(f".{method}({target[key]!r})")
        for key, (method, enum, members) in PROM_ENUMS.items():
            if key in target:
                if not isinstance(target[key], str) or target[key] not in members:
                    return None
                self.uses_prometheus_models = True
                calls.append(f".{method}(prometheus_models.{enum}.{members[target[key]]})")
        if "range" in target or "instant" in target:
            flags = (target.get("range"), target.get("instant"))
            if not all(flag is None or isinstance(flag, bool) for flag in flags):
                return None
            mode = PROM_MODES.get(flags)
            if mode is None:
                extra.update({k: target[k] for k in ("range", "instant") if k in target})
            else:
                calls.append(mode)
        if "datasource" in target:
            ds = _ds(target["datasource"])
            if ds is None:
                return None
            calls.append(f".datasource({ds})")
        return calls, extra

    def target(self, target: dict[str, Any], indent: int, path: NodePath) -> str:
        fix = self.fix(path)
        typed = self._prometheus_calls({k: v for k, v in target.items() if k not in fix.literal})
        if typed is not None and "expr" not in fix.literal:
            calls, extra = typed
            extra.update({k: target[k] for k in fix.literal if k in target})
            self.uses_prometheus = True
            one_line = "prometheus.Dataquery()" + "".join(calls)
            if len(one_line) + indent <= 110 and not (extra or fix.without):
                return one_line
            pad = " " * (indent + 4)
            head = "prometheus.Dataquery()" + "".join(f"\n{pad}{c}" for c in calls)
            return self.wrap([head], extra, indent, fix.without)
        self.uses_raw = True
        return f"RawQuery({_lit(target, indent + 9)})"

    def chain(self, head: str, data: dict[str, Any], methods: dict[str, str], indent: int,
              handled: set[str], path: NodePath, queries: bool = False) -> tuple[list[str], dict[str, Any]]:
        """Builder calls for ``data``'s keys; ``queries``: the builder takes ``.targets([...])`` (panels do;
        rows, on which Grafana writes ``targets`` too, keep them as JSON). Keys the node's fix names are
        written as JSON."""
        pad = " " * indent
        lines = [head]
        extra: dict[str, Any] = {}
        literal = self.fix(path).literal
        first = [k for k in FIRST if k in data]
        for key in first + [k for k in data if k not in first]:
            value = data[key]
            if key in literal:
                extra[key] = value
            elif key in handled:
                continue
            elif key in methods and typed_value(key, value):
                lines.append(f"{pad}.{methods[key]}({_lit(value, indent + len(methods[key]) + 2)})")
            elif key == "datasource" and _ds(value):
                lines.append(f"{pad}.datasource({_ds(value)})")
            elif key == "gridPos" and _grid(value):
                lines.append(f"{pad}.grid_pos({_grid(value)})")
            elif key == "targets" and isinstance(value, list) and queries:
                items = f",\n{pad}    ".join(self.target(t, indent + 4, (*path, "targets", i))
                                             for i, t in enumerate(value))
                lines.append(f"{pad}.targets([\n{pad}    {items},\n{pad}])")
            else:
                extra[key] = value
        return lines, extra

    def wrap(self, lines: list[str], extra: dict[str, Any], indent: int, without: set[str] | None = None) -> str:
        body = ("\n").join(lines)
        if not extra and not without:
            return body
        self.uses_with_json = True
        pad = " " * indent
        body = body.replace("\n", "\n    ")
        parts = [body]
        if extra:
            parts.append(_lit(extra, indent + 4))
        if without:
            parts.append(f"without={sorted(without)!r}")
        inner = f",\n{pad}    ".join(parts)
        return f"with_json(\n{pad}    {inner},\n{pad})"

    def panel(self, panel: dict[str, Any], indent: int, path: NodePath) -> str:
        fix = self.fix(path)
        if panel.get("type") == "row":
            lines, extra = self.chain(f"db.Row({panel.get('title', '')!r})", panel, ROW_METHODS, indent,
                                      {"type", "title", "panels"}, path)
            inner = panel.get("panels")
            if "panels" not in fix.literal:
                if isinstance(inner, list):
                    for i, item in enumerate(inner):
                        lines.append(f"{' ' * indent}.with_panel({self.panel(item, indent + 4, (*path, 'panels', i))})")
                elif "panels" in panel:
                    extra["panels"] = inner
            return self.wrap(lines, extra, indent, fix.without)
        module = typed_module(panel)
        if module is not None and self.typed_ok.get(path, True):  # a typed builder refused here: not again
            flags = {k: v for k, v in vars(self).items() if k.startswith("uses_")}
            code = self.typed_panel(panel, module, indent, path)
            if path not in self.typed_ok:
                self.typed_ok[path] = builds(code, self.imports([module]))
            if self.typed_ok[path]:
                self.typed_modules.add(module)
                return code
            vars(self).update(flags)  # the generic panel below sets what it uses
        lines, extra = self.chain("db.Panel()", panel, PANEL_METHODS, indent, set(), path, queries=True)
        return self.wrap(lines, extra, indent, fix.without)

    def typed_panel(self, panel: dict[str, Any], module: str, indent: int, path: NodePath) -> str:
        fix = self.fix(path)
        lines, extra = self.chain(f"{module}.Panel()", panel, methods_of(module, PANEL_METHODS), indent,
                                  {"type", "options", "fieldConfig"}, path, queries=True)
        if "options" in panel:
            extra["options"] = panel["options"]  # exactly as exported: the builder adds its own defaults
        calls = typed_field_defaults(panel["fieldConfig"]) if "fieldConfig" in panel else []
        if calls is None or "fieldConfig" in fix.literal:
            extra["fieldConfig"] = panel["fieldConfig"]
        else:
            lines += [f"{' ' * indent}.{method}({value!r})" for method, value in calls]
        return self.wrap(lines, extra, indent, fix.without)

    def imports(self, modules: list[str]) -> list[str]:
        """Every import the generated code may need (panels are verified one by one with all of them)."""
        lines = ["from grafana_foundation_sdk.builders import dashboard as db",
                 "from grafana_foundation_sdk.builders import prometheus",
                 "from grafana_foundation_sdk.models import prometheus as prometheus_models",
                 "from grafana_foundation_sdk.models.common import DataSourceRef",
                 "from grafana_foundation_sdk.models.dashboard import GridPos",
                 "from obskit.dashboards.builders.raw import RawQuery, with_json"]
        return lines + [f"from grafana_foundation_sdk.builders import {m}" for m in modules]


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
    """Readable Python that builds back to exactly ``data`` (after the dashboard's ``id``/``version``).

    With ``verify`` (the default) the code is built and compared, and whatever a builder added or moved is
    set back, round after round, until it is exact; without it, the first draft is returned unchecked."""
    check_shape(data, source)
    data = exact_form(data)
    fixes: Fixes = {}
    writer = _Writer(fixes)
    code = _render(data, source, writer)
    if not verify:
        return code
    for _ in range(MAX_ROUNDS):
        try:
            rebuilt = exact_form(build_python(code))
        except Exception as exc:  # noqa: BLE001 - a value the SDK refuses: say which, never a traceback
            raise InputError(f"{source}: the dashboard cannot be written as builder code: {type(exc).__name__}: "
                             f"{exc}") from None
        if same(rebuilt, data):
            return code
        if not record(rebuilt, data, fixes):
            break
        typed_ok = writer.typed_ok
        writer = _Writer(fixes)
        writer.typed_ok = typed_ok
        code = _render(data, source, writer)
    shown = "; ".join(list(differences(rebuilt, data))[:3])
    raise InputError(f"{source}: the generated Python does not build back to the same dashboard ({shown}); "
                     "please report this with the JSON")


def _render(data: dict[str, Any], source: str, writer: _Writer) -> str:
    fix = writer.fix(())
    lines, extra = writer.chain(f"db.Dashboard({data.get('title', '')!r})", data, DASHBOARD_METHODS, 4,
                                {"title", "panels", "time"}, ())
    time = data.get("time")
    if "time" in fix.literal:
        pass  # chain() kept it as JSON
    elif isinstance(time, dict) and set(time) == {"from", "to"}:
        lines.append(f"    .time({time['from']!r}, {time['to']!r})")
    elif "time" in data:
        extra["time"] = time
    if "panels" not in fix.literal:
        for i, panel in enumerate(data.get("panels") or []):
            method = "with_row" if panel.get("type") == "row" else "with_panel"
            lines.append(f"    .{method}({writer.panel(panel, 8, ('panels', i))})")
        if "panels" in data and not data.get("panels"):
            extra["panels"] = data["panels"]
    if extra or fix.without:
        body = writer.wrap(lines, extra, 0, fix.without)
    else:
        body = "(\n    " + "\n".join(lines) + "\n)"
    builders = {"dashboard as db", *writer.typed_modules} | ({"prometheus"} if writer.uses_prometheus else set())
    imports = [f"from grafana_foundation_sdk.builders import {name}" for name in sorted(builders)]
    if writer.uses_prometheus_models:
        imports.append("from grafana_foundation_sdk.models import prometheus as prometheus_models")
    imports += ["from grafana_foundation_sdk.models.common import DataSourceRef  # noqa: F401",
                "from grafana_foundation_sdk.models.dashboard import GridPos  # noqa: F401", ""]
    names = [n for n, used in (("RawQuery", writer.uses_raw), ("with_json", writer.uses_with_json)) if used]
    if names:
        imports.append(f"from obskit.dashboards.builders.raw import {', '.join(names)}")
    return HEADER.format(title=data.get("title", "dashboard"), source=source) + "\n".join(imports) + \
        f"\n\ndashboard = {body}\n"


def build_python(code: str) -> dict[str, Any]:
    from obskit.dashboards.model import to_data

    namespace: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        exec(compile(code, "<imported dashboard>", "exec"), namespace)  # noqa: S102 - our own generated code
    return to_data(namespace["dashboard"])
