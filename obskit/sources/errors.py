"""The one error a source raises: the backend failed or answered something unusable.

`investigate` catches it per source and lists that source as "not checked: <source>: <reason>".
"""

from __future__ import annotations

from obskit.errors import BackendError


class SourceError(BackendError):
    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
