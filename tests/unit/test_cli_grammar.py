"""The one CLI grammar (obskit/cli/grammar.py), checked over every command of the Typer app.

The walk reads the Click tree Typer builds and renders each command's ``--help``: a new command or option
that breaks the grammar fails here, naming the command and the flag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from obskit.cli import app
from obskit.cli.aliases import DEPRECATED, rewrite
from obskit.cli.grammar import FORMAT_SHORT, FORMATS

ROOT = typer.main.get_command(app)
RUNNER = CliRunner()
GLOBAL = {"--help", "--install-completion", "--show-completion"}


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
        yield from _walk(sub, (*path, name))


COMMANDS = list(_walk(ROOT))
IDS = [" ".join(path) or "obskit" for path, _ in COMMANDS]


def _options(command: Any) -> list[Any]:
    return [p for p in command.params if p.param_type_name == "option" and not p.hidden]


def _longs(param: Any) -> list[str]:
    return [o for o in (*param.opts, *param.secondary_opts) if o.startswith("--")]


def _shorts(param: Any) -> list[str]:
    return [o for o in (*param.opts, *param.secondary_opts) if not o.startswith("--")]


def _choices(param: Any) -> list[Any]:
    """The values a choice option takes (Typer's own type descriptor, or Click's Choice type)."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None and descriptor.choices is not None:
        return list(descriptor.choices)
    return list(getattr(getattr(param, "type", None), "choices", None) or [])


def _help(path: tuple[str, ...]) -> str:
    result = RUNNER.invoke(app, [*path, "--help"], env={"COLUMNS": "200"}, terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


def test_walk_finds_every_command() -> None:
    leaves = {" ".join(p) for p, c in COMMANDS if not getattr(c, "commands", None)}
    assert {"investigate", "demo", "check", "dashboards build", "alerts build", "deploy status", "local import",
            "logs patterns", "config show"} <= leaves


def test_a_short_flag_means_one_long_option_everywhere() -> None:
    meaning: dict[str, set[str]] = {}
    for _path, command in COMMANDS:
        for param in _options(command):
            for short in _shorts(param):
                meaning.setdefault(short, set()).add(_longs(param)[0])
    clashes = {short: longs for short, longs in meaning.items() if len(longs) > 1}
    assert not clashes, f"short flags with more than one meaning: {clashes}"
    assert meaning.get(FORMAT_SHORT) == {"--format"}
    assert meaning.get("-o") == {"--output"}
    assert meaning.get("-f") == {"--values"}, "-f is Helm's and kubectl's values/files flag"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_options_follow_the_grammar(path: tuple[str, ...], command: Any) -> None:
    where = " ".join(path) or "obskit"
    for param in _options(command):
        longs = _longs(param)
        assert longs, f"{where}: {param.opts} has no long spelling"
        for name in longs:
            assert re.fullmatch(r"--[a-z][a-z0-9]*(-[a-z0-9]+)*", name), f"{where}: {name} is not kebab-case"
        long = longs[0]
        if {"out", "output"} & set(long[2:].split("-")) and long not in GLOBAL:
            assert long in ("--output", "--output-dir"), f"{where}: {long}: write -o/--output FILE or --output-dir DIR"
        if long == "--output":
            assert _shorts(param) == ["-o"] and param.metavar == "FILE", f"{where}: --output is -o/--output FILE"
        if long == "--output-dir":
            assert not _shorts(param) and param.metavar == "DIR", f"{where}: --output-dir takes a DIR, no short form"
        if long == "--format":
            assert _shorts(param) == [FORMAT_SHORT], f"{where}: --format is {FORMAT_SHORT}/--format"
            choices = [str(getattr(c, "value", c)) for c in _choices(param)]
            assert set(choices) <= set(FORMATS), f"{where}: --format offers {choices}, an output format each"
        if param.is_flag:
            assert param.metavar in (None, ""), f"{where}: switch {long} shows a value placeholder"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_reads_like_the_grammar(path: tuple[str, ...], command: Any) -> None:
    text = _help(path)
    where = " ".join(path) or "obskit"
    assert "<bool>" not in text, f"{where}: a switch shows <bool>"
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert "{" not in usage, f"{where}: usage {usage.strip()!r}"
    for param in command.params:
        if param.param_type_name == "argument":
            assert param.metavar and param.metavar.isupper(), f"{where}: argument {param.name} needs a NAME metavar"
            assert param.metavar in usage, f"{where}: usage lacks {param.metavar}"
    runs = not getattr(command, "commands", None) or getattr(command, "invoke_without_command", False)
    if not runs:  # a group that only holds commands: each of them says what it returns
        assert text.count("Exit codes:") <= 1, f"{where}: one exit-code line at most"
        return
    assert text.count("Exit codes:") == 1, f"{where}: one exit-code line per command"
    codes = re.search(r"Exit codes:(.*)", " ".join(text.split()))
    assert codes and re.search(r"\b0 ", codes.group(1)), f"{where}: the exit-code line names 0"
    assert re.search(r"\b4 internal error", codes.group(1)), f"{where}: the exit-code line names 4"


def _command(path: tuple[str, ...]) -> Any:
    command = ROOT
    for name in path:
        command = command.commands[name]
    return command


@pytest.mark.parametrize("path", sorted(DEPRECATED), ids=[" ".join(p) for p in sorted(DEPRECATED)])
def test_deprecated_spellings_are_hidden_and_lead_to_a_real_option(path: tuple[str, ...]) -> None:
    command = _command(path)
    visible = {o for p in _options(command) for o in (*p.opts, *p.secondary_opts)}
    for old, new in DEPRECATED[path].items():
        assert new in visible, f"{' '.join(path)}: {old} -> {new}, which is no option"
        if old in visible:  # the same spelling may stay only with the same meaning
            owner = next(p for p in _options(command) if old in p.opts)
            assert new in owner.opts, f"{' '.join(path)}: {old} is visible with another meaning"


def test_old_spellings_are_rewritten_with_a_warning() -> None:
    done = rewrite(ROOT, ["-c", "x.yaml", "alerts", "build", "-o", "out", "--format=prometheusrule", "alerts"])
    assert done.args == ["-c", "x.yaml", "alerts", "build", "--output-dir", "out", "--kind=prometheusrule", "alerts"]
    assert len(done.warnings) == 2 and "--output-dir" in done.warnings[0]
    # a value is never rewritten, nor a command that has no old spellings
    assert rewrite(ROOT, ["investigate", "-n", "-f", "svc"]).args == ["investigate", "-n", "-f", "svc"]
    assert rewrite(ROOT, ["deploy", "-f", "v.yaml", "--dry-run"]).args == ["deploy", "-f", "v.yaml", "--dry-run"]
    assert rewrite(ROOT, ["investigate", "svc", "-f", "json"]).args == ["investigate", "svc", "--format", "json"]
