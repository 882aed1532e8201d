"""Everything the CLI prints goes through here: Rich for people, JSON for machines, secrets scrubbed.

Secrets never get into output by design; scrubbing known secret values here is the second lock.
"""

from __future__ import annotations

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


def emit_json(data: dict[str, Any]) -> None:
    """Stable JSON for machines in the one envelope (obskit.envelope): schema_version first, then the payload's
    keys sorted, indent 2, trailing newline."""
    from obskit.envelope import dumps

    sys.stdout.write(scrub(dumps(data)))
    sys.stdout.flush()


def error(message: str, hint: str | None = None) -> None:
    text = f"error: {message}"
    if hint:
        text += f"\nhint: {hint}"
    sys.stderr.write(scrub(text) + "\n")
    sys.stderr.flush()
