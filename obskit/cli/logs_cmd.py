"""`obskit logs patterns`: mine log templates from a file or stdin (the miner investigate uses)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from obskit.cli.grammar import exit_codes, format_option
from obskit.cli.output import emit_json, show
from obskit.conventions.log_lines import MessageFields, message_fields
from obskit.errors import InputError
from obskit.logmine.structured import LogLine, extract
from obskit.logmine.templates import Template, mine
from obskit.logmine.variables import example_values

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
    return _lines(text)


def _lines(text: str) -> list[str]:
    """Lines split at newlines only (a CR before one is dropped): one output row per input line, even when
    a message holds a form feed, a vertical tab or a Unicode line separator (which `str.splitlines` splits)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _fields(overrides: list[str] | None) -> MessageFields:
    defaults = message_fields()
    if not overrides:
        return defaults
    bad = [f for f in overrides if not f.strip()]
    if bad:
        raise InputError("--message-field: empty field name", hint="give a key such as msg or log.message")
    return MessageFields(message=tuple(overrides), metadata=defaults.metadata)


def _warn_invalid(lines: list[LogLine]) -> None:
    bad = [i + 1 for i, line in enumerate(lines) if line.error]
    if bad:
        first = lines[bad[0] - 1].error
        show(f"warning: {len(bad)} line(s) start like JSON but do not parse; mined as text "
             f"(line {bad[0]}: {first})", stderr=True)


SAMPLES = 20  # distinct messages per template read back for example values


def _samples(messages: list[str], assigned: list[Template]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for message, template in zip(messages, assigned, strict=True):
        kept = out.setdefault(template.id, [])
        if len(kept) < SAMPLES and message not in kept:
            kept.append(message)
    return out


def _template_json(t: Template, samples: list[str]) -> dict[str, object]:
    return {"count": t.count, "example": t.example, "first_line": t.first_index + 1, "template": t.text,
            "template_id": t.id, "variables": example_values(t.display, samples)}


EXITS = exit_codes((0, "ok (lines that start like JSON but do not parse are mined as text, with a warning)"),
                   (2, "usage or input error (missing or binary file, bad option)"))


@app.command("patterns", epilog=EXITS)
def patterns(
    source: Annotated[str, typer.Argument(help="Log file, one message per line; - for stdin.", metavar="FILE")] = "-",
    fmt: Annotated[PatternFormat, format_option("text: templates by count; jsonl: one "
                                                "object per input line, in order; json: templates with "
                                                "example values of their variables.")] = (
        PatternFormat.text
    ),
    top: Annotated[int, typer.Option("--top", min=1, help="Templates to list in text output.")] = 50,
    message_field: Annotated[list[str] | None, typer.Option(
        "--message-field", metavar="KEY", help="Key holding the message of JSON/logfmt lines (repeatable, "
        "tried in order; dotted keys reach into nested objects). "
        "Default: obskit/conventions/logs/message_fields.yaml.")] = None,
) -> None:
    """Group log lines into templates: numbers, ids, IPs, paths, hosts, dates become <*>, and words that
    the data shows to vary (user and host names, ...). JSON and logfmt lines are mined by their message
    field; level and other fields never enter a template."""
    fields = _fields(message_field)
    lines = [extract(line, fields) for line in _read(source)]
    _warn_invalid(lines)
    messages = [line.message for line in lines]
    assigned, ranked = mine(messages)
    if fmt is PatternFormat.jsonl:
        out = sys.stdout
        for template in assigned:
            out.write(json.dumps({"template": template.text, "template_id": template.id}, sort_keys=True) + "\n")
        out.flush()
        return
    if fmt is PatternFormat.json:
        samples = _samples(messages, assigned)
        emit_json({
            "lines": len(lines),
            "structure": {kind: sum(1 for x in lines if x.structure == kind) for kind in ("json", "logfmt", "text")},
            "templates": [_template_json(t, samples[t.id]) for t in ranked],
        })
        return
    table = Table(title=f"{len(ranked)} templates in {len(lines)} lines")
    table.add_column("count", justify="right")
    table.add_column("id", justify="right")
    table.add_column("template", overflow="fold")
    for t in ranked[:top]:
        table.add_row(str(t.count), str(t.id), Text(t.text))  # a template is not Rich markup: [denied]
    show(table)
    if len(ranked) > top:
        show(f"... {len(ranked) - top} more templates (use --top or --format json)")
