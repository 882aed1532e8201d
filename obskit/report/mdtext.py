"""Telemetry text placed into Markdown: service names, log lines and span names come from the systems
being investigated, and a ticket must show them, not render them.

- :func:`inline` escapes HTML (``<script>``, ``<img onerror=...>`` become text) and every Markdown
  punctuation character CommonMark lets a backslash escape, so ``[x](javascript:...)``, ``**``, a leading
  ``#`` or a ``|`` that would split a table cell stay literal;
- :func:`code` makes a code span that no backtick run inside the text can close early;
- :func:`cell` is :func:`inline` for a table cell (line breaks become ``<br>``).
"""

from __future__ import annotations

import re

# CommonMark: any ASCII punctuation may be backslash-escaped; these are the ones with meaning
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#!|~])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def _html(text: str) -> str:
    return "".join(_HTML.get(ch, ch) for ch in text)


def inline(text: object) -> str:
    """Text that renders as itself in Markdown (and never as HTML)."""
    value = str(text).replace("\r", "")
    return _MARKDOWN.sub(r"\\\1", _html(value)).replace("\n", " ")


def cell(text: object) -> str:
    """Text for a table cell: escaped, line breaks as <br>."""
    return "<br>".join(inline(line) for line in str(text).replace("\r", "").split("\n"))


def code(text: object) -> str:
    """A code span holding ``text`` literally; ``|`` is escaped for GFM tables (it still shows as ``|``)."""
    value = str(text).replace("\r", "").replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    return f"{fence}{pad}{value.replace('|', chr(92) + '|')}{pad}{fence}"
