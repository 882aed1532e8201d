"""Example values of a template's variable positions, read back from sample messages.

A sample with as many tokens as the template is read token by token; otherwise the template becomes an
anchored pattern (constants literal, each wildcard a lazy group that may span words, as `5 ms`), used
only for templates with few wildcards so matching stays fast. Used for `obskit logs patterns --format
json`; samples that match neither way (folded lists) are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from obskit.logmine.masking import WILDCARD

_MAX_CHARS = 4000  # longer samples are not matched by the pattern: lazy groups on long lines get slow
_MAX_SPANNING = 6  # wildcards up to which a sample with another token count is matched by the pattern


def _pattern(tokens: Sequence[str]) -> re.Pattern[str]:
    parts = [r"(.+?)".join(re.escape(piece) for piece in token.split(WILDCARD)) for token in tokens]
    return re.compile(r"\s*" + r"\s+".join(parts) + r"\s*", re.DOTALL)


def _values(tokens: Sequence[str], sample: str, pattern: re.Pattern[str] | None) -> tuple[str, ...] | None:
    """The wildcards' values in one sample: token by token when the counts agree, else by the pattern."""
    words = sample.split()
    if len(words) == len(tokens):
        out: list[str] = []
        for token, word in zip(tokens, words, strict=True):
            if WILDCARD in token:
                match = _token_pattern(token).fullmatch(word)
                if match is None:
                    return None
                out.extend(match.groups())
            elif token != word:
                return None
        return tuple(out)
    if pattern is None or len(sample) > _MAX_CHARS:
        return None
    match = pattern.fullmatch(sample)
    return None if match is None else match.groups()


def _token_pattern(token: str) -> re.Pattern[str]:
    return re.compile("(.*?)".join(re.escape(piece) for piece in token.split(WILDCARD)), re.DOTALL)


def example_values(tokens: Sequence[str], samples: Sequence[str], limit: int = 3) -> list[dict[str, object]]:
    """For each token holding a wildcard, in order: its index and up to `limit` distinct example values."""
    slots = [i for i, token in enumerate(tokens) if WILDCARD in token]
    if not slots:
        return []
    wildcards = sum(tokens[i].count(WILDCARD) for i in slots)
    pattern = _pattern(tokens) if wildcards <= _MAX_SPANNING else None
    values: list[list[str]] = [[] for _ in range(wildcards)]
    for sample in samples:
        found = _values(tokens, sample, pattern)
        if found is None:
            continue
        for seen, value in zip(values, found, strict=True):
            if value not in seen and len(seen) < limit:
                seen.append(value)
    out: list[dict[str, object]] = []
    group = 0
    for i in slots:
        n = tokens[i].count(WILDCARD)
        out.append({"token": i, "examples": [v for vs in values[group:group + n] for v in vs][:limit]})
        group += n
    return out
