"""Everything the CLI prints goes through here: Rich for people, JSON for machines, secrets scrubbed.

Secrets never get into output by design; scrubbing known secret values here is the second lock.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Any

from rich.console import Console

from obskit import redaction
from obskit.config import Secret


class Format(StrEnum):
    text = "text"
    json = "json"


def register_secrets(secrets: list[Secret]) -> None:
    """Remember secret values so that no printed text can carry them (see obskit.redaction)."""
    for secret in secrets:
        redaction.register(secret.value)


def scrub(text: str) -> str:
    return redaction.scrub(text)


def _console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, soft_wrap=False, highlight=False, width=None if stream.isatty() else 160)


def show(*renderables: Any, stderr: bool = False) -> None:
    """Render Rich objects (tables, text) to a string, scrub it, then write it."""
    console = _console(stderr)
    with console.capture() as capture:
        console.print(*renderables)
    stream = sys.stderr if stderr else sys.stdout
    stream.write(scrub(capture.get()))
    stream.flush()


def emit_json(data: Any) -> None:
    """Stable JSON for machines: sorted keys, indent 2, trailing newline."""
    text = json.dumps(data, indent=2, sort_keys=True, default=str, ensure_ascii=False)
    sys.stdout.write(scrub(text) + "\n")
    sys.stdout.flush()


def error(message: str, hint: str | None = None) -> None:
    text = f"error: {message}"
    if hint:
        text += f"\nhint: {hint}"
    sys.stderr.write(scrub(text) + "\n")
    sys.stderr.flush()
