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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from obskit import safejson
from obskit.dashboards.shape import line_of_path, shape_problem
from obskit.safejson import JsonInputError

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

    def line_of(self, needle: str) -> tuple[int | None, int | None, str | None]:
        """1-based line and column of a string value in the source (JSON- or Python-quoted), if found."""
        if not self.text or not needle:
            return None, None, None
        # whole words only: the variable `node` is not found inside "nodes"
        candidates = dict.fromkeys([json.dumps(needle)[1:-1], needle])
        patterns = [re.compile(rf"(?<!\w){re.escape(c)}(?!\w)") for c in candidates]
        for lineno, line in enumerate(self.text.splitlines(), 1):
            for pattern in patterns:
                match = pattern.search(line)
                if match:
                    return lineno, match.start() + 1, line
        return None, None, None


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
        if isinstance(data.get("dashboard"), dict):  # Grafana API export {"dashboard": ..., "meta": ...}
            data = data["dashboard"]
        return _checked_shape([Dashboard(file, file.stem, data, "json", folder, text)])
    if file.suffix != ".py":
        raise DashboardFileError(LoadError(str(file), None, "not a dashboard file: expected *.json or *.dashboard.py"))
    try:
        dashboards = list(_load_python(file, folder, text))
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
            line, column = line_of_path(dash.text if dash.kind == "json" else None, path)
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
            line, _, _ = dash.line_of(dash.uid)
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
