"""First pass of template mining: mask the unmistakable variables of one log message.

A token (whitespace-separated) is a variable when its core carries a digit (numbers, hex ids, UUIDs, IPs with
ports, timestamps), is a path or URL, or a host name. Opening brackets and a key prefix are kept
(`(uid=0)` -> `(uid=<*>)`, `onExtend:12` -> `onExtend:<*>`), and so are closing brackets/punctuation.
Around those values the first pass also reads a few shapes that make one variable out of several tokens:
a unit after a value (`5.2 KB`, `<1 sec`), a value restated in brackets (`1200 (1.2 KB)`), a quoted
value of a key (`tag="View Lock"`), a list of repeated value groups (`a=1 ok b=2 ok ...`), textual dates.
Which of the remaining words are variables is decided from the data (`obskit.investigate.merge`).
"""

from __future__ import annotations

import re

from obskit.conventions.log_lines import masking_vocabulary

WILDCARD = "<*>"
_TOKEN_CACHE = 200_000
_QUOTED_MAX = 16  # tokens a quoted value may span

_KEY = re.compile(r"[A-Za-z_][A-Za-z_.-]*[:=]")
_DIGIT = re.compile(r"\d")
_PATH = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:/)?/[^/]+/")
_HOST = re.compile(  # dotted labels ending in a generic or a two-letter country top-level domain
    r"(?:[A-Za-z0-9-]+\.)+(?:com|net|org|edu|gov|mil|io|info|biz|local|internal|lan|[a-z]{2})"
)
_EMPTY = frozenset(("()", "[]", "{}"))
_OPEN_CHARS = "([{\"'"
_CLOSE_CHARS = ")]}\"',.;:"
_OPENERS = frozenset(_OPEN_CHARS)
_CLOSERS = frozenset(_CLOSE_CHARS)
_HAS_KEY = re.compile(r"[=:]").search
_QUOTE_OPEN = re.compile(r"""^[A-Za-z_][A-Za-z0-9_.-]*[=:](["'])""")

# token classes kept in the per-miner cache (any other cached value is the token's masked form)
_CONSTANT = "\x00constant"
_CALENDAR = "\x00calendar"
_UNIT = "\x00unit"
_QUOTE = "\x00quote"


def _mask_token(token: str) -> str | None:
    """The masked form of a token that holds a variable, or None when the token is a constant."""
    has_digit = _DIGIT.search(token) is not None
    if not has_digit and "/" not in token and "." not in token:
        return None
    start = len(token) - len(token.lstrip(_OPEN_CHARS))
    key = None if "://" in token else _KEY.match(token, start)  # `hdfs://` is a scheme, not a key
    if key is not None:
        if token[key.end() - 1] == ":" and "." in key.group() and token[key.end():].rstrip(_CLOSE_CHARS).isdigit():
            return token[:start] + WILDCARD + token[len(token.rstrip(_CLOSE_CHARS)):]  # host:port
        start = key.end()
    end = len(token.rstrip(_CLOSE_CHARS))
    if end <= start:
        return None
    prefix, core, suffix = token[:start], token[start:end], token[end:]
    if (has_digit and _DIGIT.search(core)) or _PATH.match(core) or _HOST.fullmatch(core):
        return prefix + WILDCARD + suffix
    return None


def _classify(token: str) -> str:
    first = token[0]
    if first.isdigit() or (first == "/" and _DIGIT.search(token)):  # cannot hold a key: mask up to the closers
        end = len(token.rstrip(_CLOSE_CHARS))
        return WILDCARD + token[end:]
    if token[-1] not in _CLOSERS and first not in _OPENERS and _DIGIT.search(token) and not _HAS_KEY(token):
        return WILDCARD  # a bare value such as 0x1f, blk_-123, v2
    if token in _EMPTY:
        return token[0] + WILDCARD + token[1]
    vocabulary = masking_vocabulary()
    if token in vocabulary.calendar:
        return _CALENDAR
    if token.rstrip(_CLOSE_CHARS) in vocabulary.units:
        return _UNIT
    quote = _QUOTE_OPEN.match(token)
    if quote is not None and token.count(quote.group(1)) == 1:
        return _QUOTE
    masked = _mask_token(token)
    return _CONSTANT if masked is None else masked


def _closing_quote(tokens: list[str], i: int, quote: str) -> int:
    """Index of the token that closes the quoted value opened at tokens[i], or i when there is none."""
    for j in range(i + 1, min(len(tokens), i + _QUOTED_MAX)):
        if quote in tokens[j]:
            return j if tokens[j].rstrip(_CLOSE_CHARS.replace(quote, "")).endswith(quote) else i
    return i


def _is_bracketed_value(token: str) -> bool:
    return len(token) >= 5 and token[0] in "([" and token[1:4] == WILDCARD and token[4:].strip(")],;:") == ""


def tokenize(message: str, cache: dict[str, str] | None = None) -> tuple[str, ...]:
    """The masked token sequence of one message (runs of wildcards collapsed, value groups folded).

    `cache` (token -> class or masked form) makes a repeated token one dict lookup; a miner keeps one.
    """
    if cache is None:
        cache = {}
    out: list[str] = []
    append = out.append
    last_var = False  # the previous output token ends in a wildcard
    tokens = message.split()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = cache.get(token)
        if kind is None:
            kind = _classify(token)
            if len(cache) < _TOKEN_CACHE:
                cache[token] = kind
        i += 1
        if kind is _CONSTANT:
            append(token)
            last_var = False
        elif kind is WILDCARD:
            if not (last_var and out[-1] == WILDCARD):
                append(WILDCARD)
            last_var = True
        elif kind is _CALENDAR:
            nxt = tokens[i] if i < len(tokens) else ""
            bare = bool(out) and out[-1] == WILDCARD
            if bare or nxt in masking_vocabulary().calendar or nxt[:1].isdigit():
                if not bare:
                    append(WILDCARD)
                last_var = True
            else:
                append(token)
        elif kind is _UNIT:
            if last_var:  # "5 KB", "(1.2 KB)": the unit belongs to the value before it
                trailing = token[len(token.rstrip(_CLOSE_CHARS)):]
                out[-1] = out[-1] + trailing
                last_var = not trailing
                if trailing and len(out) >= 2 and out[-2] == WILDCARD and _is_bracketed_value(out[-1]):
                    out.pop()  # "1200 (1.2 KB)": a value restated in brackets is one variable with it
                    last_var = True
            else:
                append(token)
        elif kind is _QUOTE:
            opened = _QUOTE_OPEN.match(token)
            assert opened is not None
            end = _closing_quote(tokens, i - 1, opened.group(1))
            if end == i - 1:
                append(token)
                last_var = False
            else:  # key="several words": the quoted text is one value
                closing = tokens[end]
                trailing = closing[len(closing.rstrip(_CLOSE_CHARS)):].lstrip("\"'")
                append(opened.group(0)[:-1] + WILDCARD + trailing)
                i = end + 1
                last_var = not trailing
        elif last_var and out[-1] == WILDCARD and _is_bracketed_value(kind):
            continue  # "1200 (1.2 KB)": a value restated in brackets is one variable with it
        else:
            append(kind)
            last_var = kind.endswith(WILDCARD)
    return _fold_repeats(out) if len(out) >= 4 else tuple(out)


def _fold_repeats(out: list[str]) -> tuple[str, ...]:
    """Collapse consecutive repeats of a group of up to three tokens that holds a variable (value lists)."""
    i = 0
    while i < len(out):
        for width in (1, 2, 3):
            unit = out[i:i + width]
            if len(unit) < width or not any(WILDCARD in t for t in unit):
                continue
            while out[i + width:i + 2 * width] == unit:
                del out[i + width:i + 2 * width]
        i += 1
    return tuple(out)
