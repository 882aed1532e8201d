"""Load dashboards as code into one form: classic Grafana dashboard JSON (a dict) plus where it came from.

Inputs (grafanalib's conventions, extended):

- ``*.dashboard.py`` with a module-level ``dashboard``;
- any other ``*.py`` exposing ``dashboards`` (a list, for generators);
- ``*.json`` dashboard files.

A dashboard value may be a grafana-foundation-sdk builder (``.build()``), an FSDK model (``.to_json()``),
a grafanalib object (``.to_json_data()``) or a plain dict. A file that cannot be loaded becomes a
:class:`LoadError` naming file and line; the other files are still loaded.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from json.decoder import scanstring
from pathlib import Path
from typing import Any

from obskit import safejson
from obskit.dashboards.positions import JsonPath, Literal, Spot, json_positions, line_column, string_constants, walk
from obskit.dashboards.shape import shape_problem
from obskit.limits import limit
from obskit.safejson import JsonInputError
from obskit.timelimit import Overtime, time_limit

DASHBOARD_SUFFIX = ".dashboard.py"
DEFAULT_DIR = "dashboards"
BUILD_DIR = "generated"  # committed build output lives in dashboards/generated/ and is skipped as input
GENERAL_FOLDER = "General"


@dataclass
class Dashboard:
    """One dashboard: its classic JSON form and the file it came from."""

    file: Path  # source file, as given or discovered (relative when discovered under a relative root)
    name: str  # output stem: foo.dashboard.py -> foo; generator entries -> uid; JSON files -> stem
    data: dict[str, Any]
    kind: str  # "fsdk", "grafanalib", "dict" or "json"
    folder: str = GENERAL_FOLDER  # Grafana folder: the sub-directory of dashboards/, else General
    text: str | None = field(default=None, repr=False)  # source text, for line numbers

    @property
    def uid(self) -> str:
        return str(self.data.get("uid") or "")

    @property
    def title(self) -> str:
        return str(self.data.get("title") or "")

    root: tuple[str, ...] = ()  # where the dashboard sits in its JSON text (("dashboard",) in an API export)

    def locate(self, node: Any = None, *, needle: str | None = None,
               key: str | None = None) -> tuple[int | None, int | None, str | None]:
        """1-based line, column and source line of a finding, from the parsed structure.

        JSON: ``node`` (a dict or list of ``data``) is found by identity, then the value of ``key`` (a member)
        or ``needle`` (the first string value inside it equal to, else containing, the needle), else the
        node's title, else the node itself. Python: the first string literal equal to (else containing)
        the needle, else the node's title, else the uid."""
        if self.text is None:
            return None, None, None
        if self.kind == "json":
            offset = self._json_offset(node, needle, key)
            if offset is None:
                return None, None, None
            line, column = line_column(self.text, offset)
        else:
            found = self._python_literal(node, needle, key)
            if found is None:
                return None, None, None
            line, column = found
        lines = self.text.splitlines()
        return line, column, lines[line - 1] if 0 < line <= len(lines) else None

    def _json_offset(self, node: Any, needle: str | None, key: str | None) -> int | None:
        spots = self._spots
        base = self._paths.get(id(node), ()) if node is not None else ()
        inside = node if node is not None else self.data
        if key is not None and isinstance(inside, dict) and key in inside:
            spot = spots.get((*self.root, *base, key))
            if spot is not None:
                return self._inside_string(spot.value)
        if needle:
            strings = [(path, value) for path, value in walk(inside, base) if isinstance(value, str)]
            for test in (lambda v: v == needle, _contains(needle)):
                for path, _ in (item for item in strings if test(item[1])):
                    if (*self.root, *path) in spots:
                        return self._inside_string(spots[(*self.root, *path)].value, needle)
        for fallback in (("title",), ("uid",), ()):
            if fallback and not (isinstance(inside, dict) and fallback[0] in inside):
                continue
            spot = spots.get((*self.root, *base, *fallback))
            if spot is not None:
                return self._inside_string(spot.value) if fallback or spot.key is None else spot.key
        return None

    def _inside_string(self, offset: int, needle: str | None = None) -> int:
        """A string value's first character (after the quote), or where ``needle`` starts inside it."""
        text = self.text or ""
        if not text.startswith('"', offset):
            return offset
        if needle:
            end = scanstring(text, offset + 1)[1]
            index = text.find(json.dumps(needle, ensure_ascii=False)[1:-1], offset + 1, end)
            if index < 0:
                index = text.find(json.dumps(needle)[1:-1], offset + 1, end)
            if index >= 0:
                return index
        return offset + 1

    def _python_literal(self, node: Any, needle: str | None, key: str | None) -> tuple[int, int] | None:
        literals = self._literals
        inside = node if node is not None else self.data
        member = inside.get(key) if key is not None and isinstance(inside, dict) else None
        title = node.get("title") if isinstance(node, dict) else None
        for wanted in (needle, member if isinstance(member, str) else None, title if isinstance(title, str) else None,
                       self.uid or None):
            if not wanted:
                continue
            for test in (lambda v, w=wanted: v == w, _contains(wanted)):
                for literal in literals:
                    if test(literal.value):
                        return literal.line, literal.column
        return None

    @cached_property
    def _spots(self) -> dict[JsonPath, Spot]:
        return json_positions(self.text or "")

    @cached_property
    def _paths(self) -> dict[int, JsonPath]:
        """id() of every dict and list in ``data`` -> its JSON path (checks hand back the same objects)."""
        return {id(value): path for path, value in walk(self.data) if isinstance(value, dict | list)}

    @cached_property
    def _literals(self) -> list[Literal]:
        return string_constants(self.text or "")


def _contains(needle: str) -> Callable[[str], bool]:
    """Does a string value hold the needle as a whole word (the variable `node` is not in "$nodes")?"""
    pattern = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
    return lambda value: pattern.search(value) is not None


@dataclass
class LoadError:
    file: str
    line: int | None
    message: str
    column: int | None = None

    def __str__(self) -> str:
        loc = self.file + (f":{self.line}" if self.line else "") + (f":{self.column}" if self.column else "")
        return f"{loc}: {self.message}"


@dataclass
class LoadResult:
    dashboards: list[Dashboard] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)


def encode_default(obj: Any) -> Any:
    """JSON encoder hook for grafanalib objects (to_json_data) and FSDK models (to_json)."""
    for attr in ("to_json_data", "to_json"):
        method = getattr(obj, attr, None)
        if callable(method):
            return method()
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def to_data(value: Any) -> dict[str, Any]:
    """Any supported dashboard value -> a plain JSON dict (round-tripped through json for plain types)."""
    if hasattr(value, "build") and callable(value.build) and not hasattr(value, "to_json_data"):
        value = value.build()
    if hasattr(value, "to_json_data"):
        value = value.to_json_data()
    elif hasattr(value, "to_json") and not isinstance(value, dict):
        value = value.to_json()
    if not isinstance(value, dict):
        raise TypeError(f"expected a dashboard (FSDK builder/model, grafanalib Dashboard or dict), "
                        f"got {type(value).__name__}")
    return json.loads(json.dumps(value, default=encode_default))


def kind_of(value: Any) -> str:
    from grafana_foundation_sdk.cog.builder import Builder

    module = type(value).__module__
    if module.startswith("grafana_foundation_sdk") or isinstance(value, Builder):
        return "fsdk"
    if module.startswith("grafanalib"):
        return "grafanalib"
    return "dict"


def discover(paths: list[Path]) -> list[Path]:
    """Dashboard files under the given paths (files are taken as given), sorted, build output skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
            continue
        for candidate in sorted(path.rglob("*")):
            rel = candidate.relative_to(path)
            if not candidate.is_file() or rel.parts[0] == BUILD_DIR or candidate.name.startswith(("_", ".")):
                continue
            if any(part.startswith((".", "__")) for part in rel.parts[:-1]):
                continue
            if candidate.suffix in (".py", ".json"):
                found.append(candidate)
    return found


def folder_for(file: Path, roots: list[Path]) -> str:
    for root in roots:
        if root.is_dir():
            try:
                rel = file.relative_to(root)
            except ValueError:
                continue
            return rel.parts[0] if len(rel.parts) > 1 else GENERAL_FOLDER
    return GENERAL_FOLDER


def _error_line(exc: BaseException, file: Path) -> int | None:
    if isinstance(exc, SyntaxError) and exc.lineno:
        return exc.lineno
    resolved = str(file.resolve())
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == resolved or frame.filename == str(file):
            line = frame.lineno
    return line


def _exec_module(file: Path) -> Any:
    name = "obskit_dashboard_" + "".join(c if c.isalnum() else "_" for c in str(file))
    spec = importlib.util.spec_from_file_location(name, file.resolve())
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    folder = str(file.resolve().parent)
    sys.path.insert(0, folder)  # so a dashboard file can import helpers next to it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # FSDK warns on the classic Dashboard
            spec.loader.exec_module(module)
    except SystemExit as exc:  # a dashboard file must not end the whole run
        raise RuntimeError(f"the file called sys.exit({exc.code!r}); it must only define dashboards") from None
    finally:
        sys.modules.pop(name, None)
        if sys.path and sys.path[0] == folder:
            sys.path.pop(0)
    return module


def _load_python(file: Path, folder: str, text: str) -> Iterator[Dashboard]:
    module = _exec_module(file)
    if file.name.endswith(DASHBOARD_SUFFIX):
        if not hasattr(module, "dashboard"):
            raise LookupError(f"defines no module-level `dashboard` (a {DASHBOARD_SUFFIX} file must set "
                              "`dashboard = ...` to an FSDK builder, grafanalib Dashboard or dict)")
        value = module.dashboard
        yield Dashboard(file, file.name[: -len(DASHBOARD_SUFFIX)], to_data(value), kind_of(value), folder, text)
        return
    if not hasattr(module, "dashboards"):
        return  # a plain helper module next to the dashboards
    values = module.dashboards
    if not isinstance(values, list | tuple):
        raise TypeError(f"`dashboards` must be a list, got {type(values).__name__}")
    for index, value in enumerate(values):
        try:
            data = to_data(value)
        except TypeError as exc:
            raise TypeError(f"dashboards[{index}]: {exc}") from None
        name = str(data.get("uid") or f"{file.stem}-{index}")
        yield Dashboard(file, name, data, kind_of(value), folder, text)


def load_file(file: Path, folder: str = GENERAL_FOLDER) -> list[Dashboard]:
    """Load one file; raises :class:`DashboardFileError` with file:line on any failure."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DashboardFileError(LoadError(str(file), None, f"cannot read: {exc}")) from None
    if file.suffix == ".json":
        try:
            data = safejson.loads(text)
        except JsonInputError as exc:
            raise DashboardFileError(LoadError(str(file), exc.lineno, exc.msg, exc.colno)) from None
        if not isinstance(data, dict):
            raise DashboardFileError(LoadError(str(file), 1, "expected a JSON object (a dashboard)"))
        root: tuple[str, ...] = ()
        if isinstance(data.get("dashboard"), dict):  # Grafana API export {"dashboard": ..., "meta": ...}
            data, root = data["dashboard"], ("dashboard",)
        return _checked_shape([Dashboard(file, file.stem, data, "json", folder, text, root)])
    if file.suffix != ".py":
        raise DashboardFileError(LoadError(str(file), None, "not a dashboard file: expected *.json or *.dashboard.py"))
    seconds = limit("dashboards", "python_seconds")
    try:
        with time_limit(seconds):
            dashboards = list(_load_python(file, folder, text))
    except Overtime as exc:
        raise DashboardFileError(LoadError(str(file), _error_line(exc, file), (
            f"{exc}: a dashboard file must only build dashboards (the limit is dashboards.python_seconds "
            "in obskit/limits.yaml)"))) from None
    except Exception as exc:  # the user's code may raise anything; report it with its line
        line = _error_line(exc, file)
        message = f"{type(exc).__name__}: {exc}" if not isinstance(exc, LookupError) else str(exc)
        if isinstance(exc, SyntaxError):
            message = f"syntax error: {exc.msg}"
        raise DashboardFileError(LoadError(str(file), line, message)) from None
    return _checked_shape(dashboards)


def _checked_shape(dashboards: list[Dashboard]) -> list[Dashboard]:
    """DashboardFileError at the line of the first field whose type obskit cannot read (shape.schema.json)."""
    for dash in dashboards:
        problem = shape_problem(dash.data)
        if problem is not None:
            path, message = problem
            line = column = None
            if dash.kind == "json" and dash.text is not None:
                spot = dash._spots.get((*dash.root, *path))
                if spot is not None:
                    line, column = line_column(dash.text, spot.key if spot.key is not None else spot.value)
            raise DashboardFileError(LoadError(str(dash.file), line, message, column))
    return dashboards


class DashboardFileError(Exception):
    def __init__(self, error: LoadError) -> None:
        super().__init__(str(error))
        self.error = error


def load(paths: list[Path]) -> LoadResult:
    """Load every dashboard under ``paths``; errors are collected, never raised."""
    result = LoadResult()
    roots = [p for p in paths if p.is_dir()]
    for file in discover(paths):
        try:
            result.dashboards.extend(load_file(file, folder_for(file, roots)))
        except DashboardFileError as exc:
            result.errors.append(exc.error)
    by_uid: dict[str, Dashboard] = {}
    for dash in result.dashboards:
        if dash.uid and dash.uid in by_uid and by_uid[dash.uid].file != dash.file:
            other = by_uid[dash.uid]
            line, _, _ = dash.locate(key="uid")
            result.errors.append(LoadError(
                str(dash.file), line, f"duplicate dashboard uid {dash.uid!r}: also used by {other.file}"))
        by_uid.setdefault(dash.uid, dash)
    by_name: dict[str, Dashboard] = {}
    for dash in list(result.dashboards):  # output file and ConfigMap names come from the name, not the folder
        other = by_name.setdefault(dash.name, dash)
        if other.file != dash.file and other.uid != dash.uid:  # the same uid is reported above
            result.dashboards.remove(dash)  # refused: never built, so nothing clashes later at deploy
            result.errors.append(LoadError(
                str(dash.file), None, f"dashboard name {dash.name!r} is also made by {other.file}; output file and "
                "ConfigMap names would clash at deploy: rename one of them"))
    return result


def iter_panels(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, rows included, with the panels nested in collapsed rows."""
    for panel in data.get("panels") or []:
        if not isinstance(panel, dict):
            continue
        yield panel
        for inner in panel.get("panels") or []:
            if isinstance(inner, dict):
                yield inner
    for row in data.get("rows") or []:  # pre-5.0 schema (grafanalib still emits rows)
        if isinstance(row, dict):
            for inner in row.get("panels") or []:
                if isinstance(inner, dict):
                    yield inner


def panel_label(panel: dict[str, Any]) -> str:
    return f'panel "{panel.get("title", "")}" (id {panel.get("id")})'
