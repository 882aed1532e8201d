"""Load the effective Config: obskit.yaml, then OBSKIT_* environment variables, then flags.

Resolves ``*_env``/``*_file`` secret references, refuses clear-text secrets in the file, and names the
file, line and key path of every problem.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from obskit import safeyaml
from obskit.config.base import REDACTED, SECRET_KEYS, Secret
from obskit.config.schema import Config
from obskit.errors import InputError
from obskit.inputfile import read_input_text
from obskit.limits import limit

DEFAULT_CONFIG_FILE = "obskit.yaml"


@dataclass
class LoadedConfig:
    """The typed config plus where each value came from (dotted key path -> origin)."""

    config: Config
    origins: dict[str, str]
    path: Path | None


# environment variable -> (key path, is_secret, is_list)
ENV_VARS: dict[str, tuple[tuple[str, ...], bool, bool]] = {
    "OBSKIT_PROMETHEUS_URL": (("prometheus", "url"), False, False),
    "OBSKIT_PROMETHEUS_TOKEN": (("prometheus", "auth", "bearer_token"), True, False),
    "OBSKIT_PROMETHEUS_USERNAME": (("prometheus", "auth", "username"), False, False),
    "OBSKIT_PROMETHEUS_PASSWORD": (("prometheus", "auth", "password"), True, False),
    "OBSKIT_ELASTICSEARCH_URL": (("elasticsearch", "urls"), False, True),
    "OBSKIT_ELASTICSEARCH_INDEX": (("elasticsearch", "index"), False, False),
    "OBSKIT_ELASTICSEARCH_API_KEY": (("elasticsearch", "auth", "api_key"), True, False),
    "OBSKIT_ELASTICSEARCH_USERNAME": (("elasticsearch", "auth", "username"), False, False),
    "OBSKIT_ELASTICSEARCH_PASSWORD": (("elasticsearch", "auth", "password"), True, False),
    "OBSKIT_JAEGER_URL": (("jaeger", "url"), False, False),
    "OBSKIT_GRAFANA_URL": (("grafana", "url"), False, False),
    "OBSKIT_GRAFANA_TOKEN": (("grafana", "token"), True, False),
    "OBSKIT_GRAFANA_ORG": (("grafana", "org"), False, False),
    "OBSKIT_KIBANA_URL": (("kibana", "url"), False, False),
    "OBSKIT_KIBANA_USERNAME": (("kibana", "auth", "username"), False, False),
    "OBSKIT_KIBANA_PASSWORD": (("kibana", "auth", "password"), True, False),
    "OBSKIT_KUBE_CONTEXT": (("kubernetes", "context"), False, False),
    "OBSKIT_NAMESPACE": (("kubernetes", "namespace"), False, False),
    "OBSKIT_LOCAL_DB": (("local", "db"), False, False),
}


def _line_map(root: yaml.Node | None) -> dict[tuple[str, ...], int]:
    """Map key paths of a (checked) YAML mapping document to 1-based line numbers."""
    lines: dict[tuple[str, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*path, str(key.value))
                lines[sub] = key.start_mark.line + 1
                walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                sub = (*path, str(i))
                lines[sub] = item.start_mark.line + 1
                walk(item, sub)

    if root is not None:
        walk(root, ())
    return lines


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _set(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = tree
    for part in path[:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            node[part] = nxt
        node = nxt
    node[path[-1]] = value


class _Where:
    """Formats a location prefix ``file:line: key.path`` for error messages."""

    def __init__(self, path: Path | None, lines: dict[tuple[str, ...], int]) -> None:
        self.path = path
        self.lines = lines

    def __call__(self, key: tuple[Any, ...]) -> str:
        key = tuple(str(k) for k in key)
        line = None
        probe = key
        while probe and line is None:
            line = self.lines.get(probe)
            probe = probe[:-1]
        prefix = ""
        if self.path is not None and line is not None:
            prefix = f"{self.path}:{line}: "
        return f"{prefix}{_dotted(key)}"


def _check_keys(tree: Any, path: tuple[str, ...], where: _Where) -> None:
    """Every key of the config is a string (``1: x`` or ``null: x`` is a typo, not a setting)."""
    if isinstance(tree, list):
        for i, item in enumerate(tree):
            _check_keys(item, (*path, str(i)), where)
    elif isinstance(tree, dict):
        for key, value in tree.items():
            if not isinstance(key, str):
                raise InputError(f"{where((*path, str(key)))}: unknown key {key!r}: keys are names such as url or auth")
            _check_keys(value, (*path, key), where)


def _resolve_secrets(
    tree: Any, path: tuple[str, ...], origins: dict[str, str], where: _Where, env: dict[str, str]
) -> None:
    """Replace ``<key>_env`` / ``<key>_file`` references with Secret objects; reject clear text."""
    if isinstance(tree, list):
        for i, item in enumerate(tree):
            _resolve_secrets(item, (*path, str(i)), origins, where, env)
        return
    if not isinstance(tree, dict):
        return
    for key in list(tree):
        value = tree[key]
        sub = (*path, key)
        if key in SECRET_KEYS and not isinstance(value, Secret):
            raise InputError(
                f"{where(sub)}: secrets may not be written in the config file; "
                f"use {key}_env: VARIABLE or {key}_file: PATH"
            )
        base, _, kind = key.rpartition("_")
        if base in SECRET_KEYS and kind in ("env", "file"):
            if not isinstance(value, str) or not value:
                raise InputError(f"{where(sub)}: expected the name of an environment variable or a file path")
            del tree[key]
            if isinstance(tree.get(base), Secret):
                continue  # an OBSKIT_* environment variable already set it and wins
            if kind == "env":
                if value in env:
                    tree[base] = Secret(env[value], f"env {value}")
                else:
                    tree[base] = Secret("", f"env {value}", f"{where(sub)}: environment variable {value} is not set")
            else:
                tree[base] = Secret("", f"file {value}", file=Path(value), where=where(sub))
            origins[_dotted((*path, base))] = tree[base].source
            continue
        _resolve_secrets(value, sub, origins, where, env)


def _format_validation_error(exc: ValidationError, where: _Where) -> str:
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        problems.append(f"{where(tuple(err['loc']))}: {msg}")
    return "invalid configuration:\n  " + "\n  ".join(problems)


def _record_origins(tree: Any, path: tuple[str, ...], origin: str, origins: dict[str, str]) -> None:
    if isinstance(tree, dict):
        for key, value in tree.items():
            _record_origins(value, (*path, key), origin, origins)
    elif isinstance(tree, list) and tree and all(isinstance(i, dict) for i in tree):
        for i, item in enumerate(tree):
            _record_origins(item, (*path, str(i)), origin, origins)
    else:
        origins[_dotted(path)] = origin


def find_config_file(explicit: Path | None, env: dict[str, str] | None = None) -> Path | None:
    """The config file to read: --config, then $OBSKIT_CONFIG, then ./obskit.yaml when present."""
    env = os.environ if env is None else env
    if explicit is not None:
        if not explicit.is_file():
            raise InputError(f"config file not found: {explicit}")
        return explicit
    if env.get("OBSKIT_CONFIG"):
        path = Path(env["OBSKIT_CONFIG"])
        if not path.is_file():
            raise InputError(f"config file not found: {path} (from OBSKIT_CONFIG)")
        return path
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


def load_config(
    path: Path | None = None,
    flags: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
) -> LoadedConfig:
    """Load and validate the effective configuration.

    ``flags`` maps dotted key paths (``prometheus.url``) to values given on the command line;
    ``None`` values are ignored.
    """
    env = dict(os.environ) if env is None else env
    file_path = find_config_file(path, env)
    tree: dict[str, Any] = {}
    origins: dict[str, str] = {}
    lines: dict[tuple[str, ...], int] = {}
    if file_path is not None:
        # size first, before any parsing: a huge file is refused at once, not after seconds of YAML work
        text = read_input_text(file_path, limit("config", "max_bytes"), what="configuration file")
        docs = safeyaml.load_all_nodes(text, str(file_path))
        if len(docs) > 1:
            raise InputError(f"{file_path}: expected one YAML document, found {len(docs)} (separated by ---)")
        root, loaded = docs[0] if docs else (None, None)
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise InputError(f"{file_path}:1: expected a mapping of sections (prometheus:, grafana:, ...)")
        tree = loaded
        lines = _line_map(root)
        _record_origins(tree, (), f"file {file_path}", origins)
    where = _Where(file_path, lines)

    for var, (key, is_secret, is_list) in ENV_VARS.items():
        raw = env.get(var)
        if raw is None:
            continue
        if raw == "":
            if key[-1] in ("url", "urls"):  # an empty URL variable means "none", over the file's value
                _set(tree, key, [] if is_list else None)
                origins[_dotted(key)] = f"env {var} (empty: none)"
            continue
        value: Any = raw
        if is_secret:
            value = Secret(raw, f"env {var}")
        elif is_list:
            value = [part.strip() for part in raw.split(",") if part.strip()]
        _set(tree, key, value)
        origins[_dotted(key)] = f"env {var}"

    _check_keys(tree, (), where)
    _resolve_secrets(tree, (), origins, where, env)

    for dotted, value in (flags or {}).items():
        if value is None:
            continue
        key = tuple(dotted.split("."))
        _set(tree, key, value)
        origins[dotted] = "flag"

    _demo_store(tree, origins)
    try:
        config = Config.model_validate(tree)
    except ValidationError as exc:
        raise InputError(_format_validation_error(exc, where)) from None
    return LoadedConfig(config=config, origins=origins, path=file_path)


DEMO_STORE = Path(".demo") / "obskit.duckdb"  # where `make demo` simulates its incident (see Makefile)


def _demo_store(tree: dict[str, Any], origins: dict[str, str]) -> None:
    """With no local store configured (file, env or flag), the one `make demo` filled in the working
    directory is the store: a newcomer's `obskit investigate checkout --local` finds the demo's data."""
    if "local.db" in origins or not DEMO_STORE.is_file():
        return
    _set(tree, ("local", "db"), DEMO_STORE)
    origins["local.db"] = "the demo store in the working directory (make demo)"


def effective_items(loaded: LoadedConfig) -> list[tuple[str, str, str]]:
    """Flatten the effective config to (key, printable value, source) rows; secrets redacted."""
    rows: list[tuple[str, str, str]] = []

    def walk(obj: Any, path: tuple[str, ...]) -> None:
        if isinstance(obj, Secret):
            problem = obj.problem.rpartition(": ")[2] if obj.problem else obj.file_problem()
            rows.append((_dotted(path), "(missing)" if problem else REDACTED,
                         f"{obj.source}: {problem}" if problem else obj.source))
        elif isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                walk(getattr(obj, name), (*path, name))
        elif isinstance(obj, list) and obj and all(isinstance(i, BaseModel) for i in obj):
            for i, item in enumerate(obj):
                walk(item, (*path, str(i)))
        elif obj is None or obj == [] or obj == {}:
            return
        else:
            dotted = _dotted(path)
            shown = ",".join(map(str, obj)) if isinstance(obj, list) else str(obj)
            if isinstance(obj, dict):
                shown = ",".join(f"{k}={v}" for k, v in sorted(obj.items()))
            rows.append((dotted, shown, loaded.origins.get(dotted, "default")))

    walk(loaded.config, ())
    return rows
