"""Secret scrubbing: every known secret value, in every form it can take, is replaced before text leaves.

A credential reaches output in more shapes than its plain value: a Python ``repr`` (``b'Bearer tok\\n'`` in
an httpx error), JSON string escapes, URL encoding (``?token=a%2Fb``), HTML escapes in report.html, the
base64 ``user:password`` of a basic-auth header. :func:`register` records all of them; :func:`scrub`
replaces each with ``***``. Values shorter than :data:`SHORT` characters are replaced only where they stand
alone (not inside a longer word), so a two-letter password is hidden without mangling ordinary text.

:class:`ScrubbingStream` wraps ``sys.stdout``/``sys.stderr`` so that nothing written there — Rich tables,
typer usage errors, a ``--debug`` traceback — can carry a secret.
"""

from __future__ import annotations

import base64
import html
import json
import re
import threading
from typing import Any, TextIO
from urllib.parse import quote, quote_plus

REDACTED = "***"
SHORT = 6  # values shorter than this are matched as whole words only

_lock = threading.Lock()
_forms: set[str] = set()
_pattern: re.Pattern[str] | None = None


def representations(value: str) -> set[str]:
    """The forms a secret can take in text: plain, escaped, JSON, URL-encoded, HTML, bytes repr."""
    forms = {value, value.strip()}
    for item in list(forms):
        if not item:
            continue
        forms.add(repr(item)[1:-1])
        forms.add(item.encode("unicode_escape").decode("ascii"))
        forms.add(repr(item.encode("utf-8"))[2:-1])
        forms.add(json.dumps(item)[1:-1])
        forms.add(json.dumps(item, ensure_ascii=False)[1:-1])
        forms.add(quote(item, safe=""))
        forms.add(quote(item))
        forms.add(quote_plus(item))
        forms.add(html.escape(item))
        forms.add(html.escape(item, quote=False))
    return {form for form in forms if form.strip()}


def _rebuild() -> None:
    global _pattern
    if not _forms:
        _pattern = None
        return
    parts = []
    for form in sorted(_forms, key=lambda f: (-len(f), f)):
        escaped = re.escape(form)
        if len(form) < SHORT:
            # standing alone; %XX (URL encoding) next to it still counts as a boundary
            escaped = (rf"(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{{2}})){escaped}"
                       rf"(?:(?![A-Za-z0-9])|(?=%[0-9A-Fa-f]{{2}}))")
        parts.append(escaped)
    _pattern = re.compile("|".join(parts))


def register(value: str) -> None:
    """Remember a secret value (and all its representations) for scrubbing."""
    if not value or not value.strip():
        return
    with _lock:
        before = len(_forms)
        _forms.update(representations(value))
        if len(_forms) != before:
            _rebuild()


def register_basic_auth(username: str, password: str) -> None:
    """The Authorization header form of basic auth, should a server echo it back into an error."""
    register(password)
    register(base64.b64encode(f"{username}:{password}".encode()).decode("ascii"))


def clear() -> None:
    """Forget every registered secret (tests; one process runs one command)."""
    global _pattern
    with _lock:
        _forms.clear()
        _pattern = None


def scrub(text: str) -> str:
    pattern = _pattern
    if pattern is None or not text:
        return text
    return pattern.sub(REDACTED, text)


class ScrubbingStream:
    """A text stream that scrubs every write; everything else is the wrapped stream's."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    @property
    def wrapped(self) -> TextIO:
        return self._stream

    def write(self, text: str) -> int:
        self._stream.write(scrub(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def install() -> None:
    """Wrap sys.stdout and sys.stderr (idempotent)."""
    import sys

    if not isinstance(sys.stdout, ScrubbingStream):
        sys.stdout = ScrubbingStream(sys.stdout)  # type: ignore[assignment]
    if not isinstance(sys.stderr, ScrubbingStream):
        sys.stderr = ScrubbingStream(sys.stderr)  # type: ignore[assignment]
