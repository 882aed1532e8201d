"""Putting values into query languages and URLs: the one place obskit quotes and escapes.

Every value that comes from outside (a service or pod name, a namespace, a trace id, a label value from
a backend) enters PromQL, Lucene or a URL through these functions, so it can never change the structure
of what it is put into. tests/unit/test_quoting.py checks with hypothesis that a quoted PromQL value
comes back unchanged from the promql-parser package, that a regex literal matches exactly its value, and
that a Lucene phrase and a URL segment read back to the value.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote as _url_quote

_PROMQL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def promql_string(value: str) -> str:
    """A PromQL double-quoted string literal holding exactly ``value`` (Go string escapes, as Prometheus
    reads them: backslash, quote, newline, CR and tab by name, other control characters as ``\\xHH``)."""
    out = []
    for ch in value:
        if ch in _PROMQL_ESCAPES:
            out.append(_PROMQL_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


REGEX_META = frozenset("\\.+*?()|[]{}^$")  # what Go's regexp.QuoteMeta escapes


def regex_literal(value: str) -> str:
    """A regular expression (RE2/Go syntax, as Prometheus uses) matching exactly ``value``: each
    metacharacter gets a backslash, everything else stands for itself. Put it into PromQL with
    ``promql_string`` (``label=~"..."``)."""
    return "".join("\\" + ch if ch in REGEX_META else ch for ch in value)


def alternation(values: Iterable[str]) -> str:
    """A regex matching exactly the given values (Prometheus anchors label regexes at both ends)."""
    chosen = sorted(set(values))
    if not chosen:
        raise ValueError("an alternation needs at least one value")
    return "|".join(regex_literal(v) for v in chosen)


def promql_matchers(matchers: dict[str, str], regex: dict[str, str] | None = None) -> str:
    """``{a="x", b=~"y"}`` from label -> value (equality) and label -> regex maps, labels sorted."""
    parts = [f"{name}={promql_string(value)}" for name, value in sorted(matchers.items())]
    parts += [f"{name}=~{promql_string(value)}" for name, value in sorted((regex or {}).items())]
    return "{" + ", ".join(parts) + "}"


def lucene_phrase(value: str) -> str:
    """A Lucene (and KQL) quoted phrase holding exactly ``value``: backslash and quote escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def url_segment(value: str, safe: str = "") -> str:
    """``value`` percent-encoded for one URL path segment or query value: nothing in it can end the
    segment (``/``), start a query (``?``) or fragment (``#``), or split parameters (``&``, ``=``), unless
    the caller names it ``safe`` (an index pattern keeps ``*`` and ``,``). A whole segment ``.`` or ``..``
    is encoded too (``%2E``): URL parsers remove such dot segments, and the path with them."""
    if any(ch in safe for ch in "/?#&="):
        raise ValueError(f"url_segment: {safe!r} would let a value end its segment")
    if value in (".", ".."):
        return value.replace(".", "%2E")
    return _url_quote(value, safe=safe)
