"""One grammar for every command: the shared option spellings and the per-command exit-code tables.

- the output format is ``--format/-F`` (text, json, markdown, html, github; a command offers the subset it
  renders); ``-f`` stays what Helm and kubectl make it, ``--values`` (deploy);
- "write here" is ``-o/--output FILE`` for one file and ``--output-dir DIR`` for a directory;
- what kind of artefact a build writes is ``--kind`` (dashboards: json|configmap; alerts: rules|prometheusrule);
- a short flag means one long option everywhere (``tests/unit/test_cli_grammar.py`` walks the whole app);
- switches show no value placeholder; arguments are shown as ``SERVICE``, ``PATH...``;
- every command ends its help with one ``Exit codes:`` line that says what *it* returns.

Spellings replaced by this grammar still work for one release: see ``obskit.cli.aliases``.
"""

from __future__ import annotations

from typing import Any

import typer

FORMAT_SHORT = "-F"
FORMATS = ("text", "json", "markdown", "html", "github", "jsonl")  # jsonl: `logs patterns`, one object a line

INTERNAL = (4, "internal error (a bug: rerun with --debug and report it)")


def exit_codes(*rows: tuple[int, str]) -> str:
    """The one exit-code line of a command's help: its own codes, then 4 (every command can hit a bug)."""
    table = dict(sorted({**dict(rows), INTERNAL[0]: INTERNAL[1]}.items()))
    return "Exit codes: " + " · ".join(f"{code} {text}" for code, text in table.items()) + "."


def format_option(help: str) -> Any:
    """``--format/-F``: how a command prints its result (never what kind of file it builds)."""
    return typer.Option("--format", FORMAT_SHORT, help=help)


def output_option(help: str) -> Any:
    """``-o/--output FILE``: the one file a command writes."""
    return typer.Option("--output", "-o", help=help, dir_okay=False, metavar="FILE")


def output_dir_option(help: str) -> Any:
    """``--output-dir DIR``: the directory a command writes its files into."""
    return typer.Option("--output-dir", help=help, file_okay=False, metavar="DIR")


def polish_help() -> None:
    """Help that reads like the grammar: switches show no value placeholder (Typer >= 0.2x prints ``<bool>``
    beside every flag, ``--help`` included, although ``--local true`` is refused); arguments are shown by their
    upper-case name only (``SERVICE``, ``[PATH]...``), not ``{service}`` and a Python type."""
    from typer import core

    option = getattr(core, "TyperOption", None)
    argument = getattr(core, "TyperArgument", None)
    if option is None or argument is None or getattr(option, "_obskit_polished", False):
        return
    display = getattr(option, "display_type_rich", None)
    if display is not None:
        def option_type(self: Any, ctx: Any) -> str | None:
            if getattr(self, "is_flag", False) or getattr(self, "count", False):
                return None
            return display(self, ctx)

        option.display_type_rich = option_type
    if hasattr(argument, "display_type_rich"):
        argument.display_type_rich = lambda self, ctx: None
    if hasattr(argument, "_usage_display_name"):
        def usage_name(self: Any) -> str:
            name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
            return name + ("..." if self.nargs != 1 else "")

        argument._usage_display_name = usage_name
    option._obskit_polished = True
