"""`obskit logs patterns`: mine log templates from a file or stdin (the miner investigate uses)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from obskit.cli.output import emit_json, show
from obskit.errors import InputError
from obskit.investigate.templates import mine

app = typer.Typer(help="Work with log lines: template mining.", no_args_is_help=True)


class PatternFormat(StrEnum):
    text = "text"
    jsonl = "jsonl"
    json = "json"


def _read(source: str) -> list[str]:
    if source == "-":
        data = sys.stdin.buffer.read()
        name = "stdin"
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{source}: no such file", hint="give a log file, or - to read standard input")
        data = path.read_bytes()
        name = source
    text = data.decode("utf-8", errors="replace")
    if "\x00" in text:
        raise InputError(f"{name}: looks like a binary file (NUL bytes); expected text, one log message per line")
    return text.splitlines()


@app.command("patterns")
def patterns(
    source: Annotated[str, typer.Argument(help="Log file, one message per line; - for stdin.")] = "-",
    fmt: Annotated[PatternFormat, typer.Option("--format", "-f", help="text: templates by count; jsonl: one "
                                                "object per input line, in order; json: templates.")] = (
        PatternFormat.text
    ),
    top: Annotated[int, typer.Option("--top", min=1, help="Templates to list in text output.")] = 50,
) -> None:
    """Group log lines into templates: numbers, ids, IPs, paths, hosts, dates become <*>."""
    lines = _read(source)
    assigned, ranked = mine(lines)
    if fmt is PatternFormat.jsonl:
        out = sys.stdout
        for template in assigned:
            out.write(json.dumps({"template": template.text, "template_id": template.id}, sort_keys=True) + "\n")
        out.flush()
        return
    if fmt is PatternFormat.json:
        emit_json({
            "lines": len(lines),
            "templates": [
                {"count": t.count, "example": t.example, "first_line": t.first_index + 1, "template": t.text,
                 "template_id": t.id}
                for t in ranked
            ],
        })
        return
    table = Table(title=f"{len(ranked)} templates in {len(lines)} lines")
    table.add_column("count", justify="right")
    table.add_column("id", justify="right")
    table.add_column("template", overflow="fold")
    for t in ranked[:top]:
        table.add_row(str(t.count), str(t.id), t.text)
    show(table)
    if len(ranked) > top:
        show(f"... {len(ranked) - top} more templates (use --top or --format json)")
