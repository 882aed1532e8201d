"""`obskit init [DIR]`: scaffold a repository for dashboards, alerts and SLOs as code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from obskit.cli.grammar import exit_codes, format_option
from obskit.cli.lint_output import write
from obskit.cli.output import Format, emit_json

HELP = ("Scaffold a repository: obskit.yaml with example services, the services dashboard generator and its "
        "build output, an example SLO and alert with a promtool test, a GitHub workflow running `obskit check "
        "--format github`, and a pre-commit configuration. Idempotent: existing files are never overwritten "
        "without --force.")
EXITS = exit_codes((0, "ok (also when existing files were left as they were)"), (2, "usage or input error"))


def init(
    directory: Annotated[Path, typer.Argument(help="Repository root to scaffold (created when missing).",
                                              metavar="DIR")] =
    Path("."),
    service: Annotated[list[str] | None, typer.Option("--service", "-s", metavar="NAME",
                                                      help="A service of yours (repeatable; "
                                                      "default: checkout and payments as examples).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that exist with other content.")] = False,
    fmt: Annotated[Format, format_option("text or json.")] = Format.text,
) -> None:
    from obskit.scaffold import Action
    from obskit.scaffold import init as scaffold

    result = scaffold(directory, service, force)
    if fmt is Format.json:
        emit_json(result.to_dict())
        raise typer.Exit(0)
    lines = []
    for item in result.files:
        note = " (exists with other content; --force overwrites)" if item.action is Action.skipped else ""
        lines.append(f"{item.action:<11} {(directory / item.path).as_posix()}{note}\n")
    skipped = sum(f.action is Action.skipped for f in result.files)
    lines.append(f"obskit init: {directory} is ready"
                 + (f"; {skipped} existing file(s) left as they were" if skipped else "")
                 + ". Next: `obskit check`" + ("" if directory == Path(".") else f" in {directory}")
                 + ", then commit the result.\n")
    write("".join(lines))
