"""Example values of a template's variable positions, read back from sample messages.

A template such as `user <*> logged in from <*>` becomes an anchored pattern (constants literal, each
wildcard a lazy group, whitespace flexible); matching a few of its messages gives the values each
wildcard took. Used for `obskit logs patterns --format json`; samples that do not match (folded lists)
are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from obskit.investigate.masking import WILDCARD

_MAX_CHARS = 4000  # longer samples are skipped: lazy groups on very long lines get slow


def _pattern(tokens: Sequence[str]) -> re.Pattern[str]:
    parts = [r"(.+?)".join(re.escape(piece) for piece in token.split(WILDCARD)) for token in tokens]
    return re.compile(r"\s*" + r"\s+".join(parts) + r"\s*", re.DOTALL)


def example_values(tokens: Sequence[str], samples: Sequence[str], limit: int = 3) -> list[dict[str, object]]:
    """For each token holding a wildcard, in order: its index and up to `limit` distinct example values."""
    slots = [i for i, token in enumerate(tokens) if WILDCARD in token]
    if not slots:
        return []
    pattern = _pattern(tokens)
    values: list[list[str]] = [[] for _ in range(sum(tokens[i].count(WILDCARD) for i in slots))]
    for sample in samples:
        match = pattern.fullmatch(sample) if len(sample) <= _MAX_CHARS else None
        if match is None:
            continue
        for seen, value in zip(values, match.groups(), strict=True):
            if value not in seen and len(seen) < limit:
                seen.append(value)
    out: list[dict[str, object]] = []
    group = 0
    for i in slots:
        n = tokens[i].count(WILDCARD)
        out.append({"token": i, "examples": [v for vs in values[group:group + n] for v in vs][:limit]})
        group += n
    return out
