"""First pass of template mining: mask the unmistakable variables of one log message.

A token (whitespace-separated) is a variable when its core carries a digit (numbers, hex ids, UUIDs, IPs with
ports, timestamps), is a path or URL, or a host name. Opening brackets and a key prefix are kept
(`(gid=0)` -> `(gid=<*>)`, `onRefill:12` -> `onRefill:<*>`), and so are closing brackets/punctuation.
Around those values the first pass also reads a few shapes that make one variable out of several tokens:
a unit after a value (`5.2 KB`, `<1 sec`), a quoted value of a key (`wakelock="Sync Adapter"`), a list of
repeated value groups (`a=1 ok b=2 ok ...`), textual dates.
Which of the remaining words are variables is decided from the data (`evidence`, `merge`, `anchors`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from operator import and_, eq

from obskit.conventions.log_lines import masking_vocabulary

WILDCARD = "<*>"
_TOKEN_CACHE = 200_000
_QUOTED_MAX = 16  # tokens a quoted value may span

_KEY = re.compile(r"[A-Za-z_][A-Za-z_.-]*[:=]")
_DIGIT = re.compile(r"\d")
_PATH = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:/)?/[^/]+/")
_HOST = re.compile(  # dotted labels ending in a generic top-level domain, or a country one after 2+ labels
    r"(?:[A-Za-z0-9-]+\.)+(?:com|net|org|edu|gov|mil|io|info|biz|local|internal|lan)"
    r"|(?:[A-Za-z0-9-]+\.){2,}[a-z]{2}"  # (one label and two letters is as often a file: libc.so, run.sh)
)
_EMPTY = frozenset(("()", "[]", "{}"))
_OPEN_CHARS = "([{\"'"
_CLOSE_CHARS = ")]}\"',.;:"
_OPENERS = frozenset(_OPEN_CHARS)
_CLOSERS = frozenset(_CLOSE_CHARS)
_DIGIT_RUN = re.compile(r"[0-9][\w-]*")  # digits don't decide masking, only their presence
_HAS_KEY = re.compile(r"[=:]").search
_PLAIN = re.compile(r"[^\s\"'=]*")  # a one-word quoted value (no nested quotes or keys)
_QUOTE_OPEN = re.compile(r"""^[A-Za-z_][A-Za-z0-9_.-]*[=:](["'])""")

# token classes kept in the per-miner cache (any other cached value is the token's masked form)
_CONSTANT = "\x00constant"
_CALENDAR = "\x00calendar"
_UNIT = "\x00unit"


def _mask_token(token: str) -> str | None:
    """The masked form of a token that holds a variable, or None when the token is a constant."""
    has_digit = _DIGIT.search(token) is not None
    if not has_digit and "/" not in token and "." not in token:
        return None
    start = len(token) - len(token.lstrip(_OPEN_CHARS))
    key = None if "://" in token else _KEY.match(token, start)  # `s3://` is a scheme, not a key
    if key is not None:
        if token[key.end() - 1] == ":" and "." in key.group() and token[key.end():key.end() + 1].isdigit():
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
    vocabulary = masking_vocabulary()
    if token.isalpha():  # most tokens: plain words
        if token in vocabulary.calendar:
            return _CALENDAR
        return _UNIT if token in vocabulary.units else _CONSTANT
    first = token[0]
    if first.isdigit() or (first == "/" and _DIGIT.search(token)):  # cannot hold a key: mask up to the closers
        end = len(token.rstrip(_CLOSE_CHARS))
        return WILDCARD if end == len(token) else WILDCARD + token[end:]
    if token[-1] not in _CLOSERS and first not in _OPENERS and _DIGIT.search(token) and not _HAS_KEY(token):
        return WILDCARD  # a bare value such as 0x1f, chk_-481, v2
    if token in _EMPTY:
        return token[0] + WILDCARD + token[1]
    if token.rstrip(_CLOSE_CHARS) in vocabulary.units:
        return _UNIT
    masked = _mask_token(token)
    return _CONSTANT if masked is None else masked


def _join_quoted(tokens: list[str]) -> list[str]:
    """`key="several words"` becomes one token `key=<*>`: the quoted text is one value."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        opened = _QUOTE_OPEN.match(token)
        i += 1
        if opened is None:
            out.append(token)
            continue
        if token.count(opened.group(1)) > 1:  # key="one-word value"
            body = token[opened.end():]
            value = body[: body.index(opened.group(1))]
            if value and _PLAIN.fullmatch(value) is None:
                out.append(token)
            else:
                out.append(opened.group(0)[:-1] + WILDCARD + body[len(value) + 1:])
            continue
        quote, keep = opened.group(1), _CLOSE_CHARS.replace(opened.group(1), "")
        for j in range(i, min(len(tokens), i + _QUOTED_MAX)):
            if quote in tokens[j]:
                closing = tokens[j]
                if closing.rstrip(keep).endswith(quote):
                    trailing = closing[len(closing.rstrip(_CLOSE_CHARS)):].lstrip(quote)
                    out.append(opened.group(0)[:-1] + WILDCARD + trailing)
                    i = j + 1
                else:
                    out.append(token)
                break
        else:
            out.append(token)
    return out


def tokenize(message: str, cache: dict[str, str] | None = None) -> tuple[str, ...]:
    """The masked token sequence of one message (runs of wildcards collapsed, value groups folded)."""
    return fold(mask(message, {} if cache is None else cache)[0])


class Masker:
    """Masks messages for one miner, with bounded caches.

    `key()` is the cheap per-line step (one C-level substitution): the message with every digit and the
    word characters after it replaced by `0`. Masking depends on whether a token holds a digit and on its
    key prefix and closing punctuation, never on the value, so lines with equal keys have equal templates
    and `template()` (the full first pass) runs once per distinct key.
    """

    def __init__(self) -> None:
        self._kinds: dict[str, str] = {}
        self.key: Callable[[str], str] = partial(_DIGIT_RUN.sub, "0")  # a C-level call per line
        masking_vocabulary()  # fail early on broken conventions data

    def template(self, message: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(pattern, shown) of a message, folded: `shown` keeps the units the pattern folds (see `mask`)."""
        pattern, units = mask(message, self._kinds)
        pattern = fold(pattern)
        return pattern, (fold(mask(message, self._kinds, keep_units=True)[0]) if units else pattern)


def mask(message: str, cache: dict[str, str], keep_units: bool = False) -> tuple[tuple[str, ...], bool]:
    """The masked token sequence before `fold` (miners fold once per distinct sequence, not per line), and
    whether a unit was folded into its value.

    A unit is part of its value in the pattern that groups lines, so `uptime <1 sec` and `uptime 00:02`
    agree; with `keep_units` the units stay as tokens, for people (`took <*> ms`).
    `cache` (token -> class or masked form) makes a repeated token one dict lookup; a miner keeps one.
    """
    tokens = message.split()
    if '="' in message or "='" in message or ':"' in message:
        tokens = _join_quoted(tokens)
    out: list[str] = []
    append = out.append
    bare = False  # the last output token is a bare wildcard
    units = False
    for i, token in enumerate(tokens):
        kind = cache.get(token)
        if kind is None:
            kind = _classify(token)
            if len(cache) < _TOKEN_CACHE:
                cache[token] = kind
        if kind is _CONSTANT:
            append(token)
            bare = False
        elif kind is WILDCARD:
            if not bare:
                append(WILDCARD)
                bare = True
        elif kind[0] != "\x00":  # a masked form such as (uid=<*>)
            append(kind)
            bare = False
        elif kind is _UNIT:
            if out and out[-1].endswith(WILDCARD) and not keep_units:  # "5 KB": the unit belongs to the value
                units = True
                trailing = token[len(token.rstrip(_CLOSE_CHARS)):]
                out[-1] = out[-1] + trailing
            else:
                append(token)
                bare = False
        else:  # a calendar name: part of a timestamp next to a number or another calendar name
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if bare or nxt in masking_vocabulary().calendar or nxt[:1].isdigit():
                if not bare:
                    append(WILDCARD)
                    bare = True
            else:
                append(token)
    return tuple(out), units


def _has_repeat(tokens: tuple[str, ...]) -> bool:
    """Whether some group of 1-3 tokens is directly repeated (checked with C-level maps, no Python loop)."""
    for width in (1, 2, 3):
        same = list(map(eq, tokens, tokens[width:]))  # same[i]: tokens[i] == tokens[i + width]
        runs = same
        for shift in range(1, width):
            runs = list(map(and_, runs, same[shift:]))
        if any(runs):
            return True
    return False


def fold(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Collapse consecutive repeats of a group of up to three tokens that holds a variable (value lists)."""
    if len(tokens) < 4 or len(set(tokens)) == len(tokens) or not _has_repeat(tokens):
        return tokens
    out = list(tokens)
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
