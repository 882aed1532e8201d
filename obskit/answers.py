"""Backend answers are input too: a JSON answer is checked for the shape the caller reads before use.

A proxy's login page (HTML with status 200), a truncated body or a field of the wrong type becomes a
:class:`~obskit.errors.BackendError` (exit 3) that names the backend and what was expected -- never an
AttributeError deep in a check. The body itself is never quoted: proxies echo request headers into it.
"""

from __future__ import annotations

from typing import Any

import httpx

from obskit.errors import BackendError

_SHAPES = {dict: "a JSON object", list: "a JSON list", str: "a string"}


def json_answer(response: httpx.Response, backend: str, what: str, expect: type = dict) -> Any:
    """The decoded JSON of ``response``, which must be an ``expect`` (dict by default)."""
    try:
        value = response.json()
    except ValueError:
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        raise BackendError(f"{backend}: {what}: the answer is not JSON ({kind}); is the URL right, or is a "
                           "proxy or login page answering instead?") from None
    return checked(value, backend, what, expect)


def checked(value: Any, backend: str, what: str, expect: type) -> Any:
    if not isinstance(value, expect) or (expect is int and isinstance(value, bool)):
        raise BackendError(f"{backend}: {what}: unexpected answer: expected {_SHAPES.get(expect, expect.__name__)}, "
                           f"got {type(value).__name__}")
    return value


def field(answer: dict[str, Any], key: str, backend: str, what: str, expect: type, default: Any = None) -> Any:
    """``answer[key]`` checked against ``expect``; a missing key gives ``default`` when one is given."""
    if key not in answer and default is not None:
        return default
    return checked(answer.get(key), backend, f"{what}: {key}", expect)
