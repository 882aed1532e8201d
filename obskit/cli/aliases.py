"""Spellings the one CLI grammar (``obskit.cli.grammar``) replaced, kept working for one release.

They are hidden from ``--help``: before Typer parses the arguments, an old spelling is rewritten to the new
one and a warning on stderr says what to write instead. Only tokens after the command are looked at, and a
token that is the value of an option is never rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# command path -> {old spelling: new spelling}; remove an entry one release after it was added
DEPRECATED: Mapping[tuple[str, ...], Mapping[str, str]] = {
    ("investigate",): {"-f": "--format"},
    ("demo",): {"-f": "--format", "-s": "--scenario"},
    ("logs", "patterns"): {"-f": "--format"},
    ("local", "import"): {"-f": "--format"},
    ("local", "stats"): {"-f": "--format"},
    ("dashboards", "build"): {"--out": "--output-dir", "--format": "--kind"},
    ("dashboards", "import"): {"--out": "--output"},
    ("alerts", "build"): {"--out": "--output-dir", "-o": "--output-dir", "--format": "--kind", "-f": "--kind"},
    ("alerts", "check"): {"-f": "--format"},
    ("alerts", "test"): {"-f": "--format"},
    ("alerts", "alertmanager"): {"--out": "--output", "--secrets-out": "--secrets-dir"},
    ("doctor",): {"-f": "--format"},
    ("config", "show"): {"-f": "--format"},
}


@dataclass
class Rewritten:
    args: list[str]
    warnings: list[str]


def _command_path(root: Any, args: list[str]) -> tuple[tuple[str, ...], Any, int]:
    """The command words in ``args`` (after the global options), the command they name, and where its own
    arguments start."""
    command, path, i = root, [], 0
    while i < len(args) and getattr(command, "commands", None):
        arg = args[i]
        if arg == "--":
            break
        if arg.startswith("-"):
            i += 1 + _takes_value(command, arg)
            continue
        commands = getattr(command, "commands", None)
        if not commands or arg not in commands:
            break
        command = commands[arg]
        path.append(arg)
        i += 1
    return tuple(path), command, i


def _takes_value(command: Any, arg: str) -> int:
    """1 when ``arg`` is an option of ``command`` that reads the next token as its value."""
    if "=" in arg:
        return 0
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option" and arg in (*param.opts, *param.secondary_opts):
            return 0 if param.is_flag or getattr(param, "count", False) else 1
    return 0


OLD_SPELLINGS = frozenset(old for table in DEPRECATED.values() for old in table)


def may_need_rewriting(args: list[str]) -> bool:
    """Whether any token is spelled like a deprecated option: only then is the command tree worth building."""
    return any(arg.partition("=")[0] in OLD_SPELLINGS for arg in args)


def rewrite(root: Any, args: list[str]) -> Rewritten:
    path, command, start = _command_path(root, args)
    table = DEPRECATED.get(path)
    if not table:
        return Rewritten(list(args), [])
    out, warnings, i = list(args[:start]), [], start
    while i < len(args):
        arg = args[i]
        if arg == "--":
            out += args[i:]
            break
        name, eq, value = arg.partition("=")
        new = table.get(name) if name.startswith("--") or not eq else None
        if new is not None:
            warnings.append(f"warning: `{name}` is deprecated in `obskit {' '.join(path)}`: write `{new}` "
                            "(the old spelling goes in the next release)")
            arg = f"{new}={value}" if eq else new
        out.append(arg)
        skip = _takes_value(command, arg)
        if skip and i + 1 < len(args):
            out.append(args[i + 1])
        i += 1 + skip
    return Rewritten(out, warnings)


def deprecated_spellings() -> Iterable[tuple[tuple[str, ...], str, str]]:
    for path, table in DEPRECATED.items():
        for old, new in table.items():
            yield path, old, new
