"""Third pass of batch mining: templates whose variables vary together, found by their frequent tokens.

Sibling slots (`merge.py`) need two sequences that differ at exactly one position; lines such as
`Accepted password for <user> from <host> ... on node <word>` where every line has its own combination
have none. Following the longest-common-pattern idea of Brain (Yu et al., IEEE TSC 2023): in sequences of
one length, count how many lines hold each token at each position; in a template the constant tokens
share one count (the most common count among its tokens) and the variables are rarer. Sequences with the
same anchor (tokens at that count) are compared position by position: a position is variable when its
values are already known to vary elsewhere (sibling slots) or form a long tail (many values, half of them
seen once); the other positions are constants and split the group. A merged template must keep at least
half of its tokens constant.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from obskit.logmine.evidence import MergeSetting, value_of
from obskit.logmine.masking import WILDCARD


def _anchor(seq: tuple[str, ...], column: list[dict[str, int]]) -> tuple[tuple[int, str], ...]:
    counts = [column[p][t] if t != WILDCARD else 0 for p, t in enumerate(seq)]
    modes: dict[int, int] = {}
    for c in counts:
        if c:
            modes[c] = modes.get(c, 0) + 1
    if not modes:
        return ()
    top = max(modes, key=lambda c: (modes[c], c))  # the most common count; ties: the more frequent
    return tuple((p, t) for p, (t, c) in enumerate(zip(seq, counts, strict=True)) if c == top)


def group_by_anchors(templates: Sequence[tuple[str, ...]], weights: Sequence[int], known: set[str],
                     setting: MergeSetting) -> list[tuple[str, ...]]:
    """The template of each input template after merging those that share an anchor."""
    out = list(templates)
    by_length: dict[int, list[int]] = defaultdict(list)
    for i, seq in enumerate(templates):
        by_length[len(seq)].append(i)
    for length, members in by_length.items():
        if len(members) < 2 or (len(members) < setting.many_values and not (known and any(
                value_of(t) in known for i in members for t in templates[i]))):
            continue  # neither a long tail nor a known value can be found here
        column: list[dict[str, int]] = [{} for _ in range(length)]
        for i in members:
            n = weights[i]
            for cells, token in zip(column, templates[i], strict=True):
                cells[token] = cells.get(token, 0) + n
        groups: dict[tuple[tuple[int, str], ...], list[int]] = defaultdict(list)
        for i in members:
            anchor = _anchor(templates[i], column)
            if anchor:
                groups[anchor].append(i)
        for anchor, group in groups.items():
            if len(group) >= 2:
                _merge_group(templates, weights, group, {p for p, _ in anchor}, known, setting, out)
    return out


def _long_tail(lines: Counter[str], setting: MergeSetting) -> bool:
    """Many values, at least half of them seen on one line only: identifiers and names, not an enumeration.

    Pooled over a whole anchor group, an enumeration (states in `from NEW to RUNNING`) also reaches many
    values, but each of them recurs; the values of a variable have a long tail of single sightings.
    """
    return len(lines) >= setting.many_values and 2 * sum(1 for n in lines.values() if n == 1) >= len(lines)


def _merge_group(templates: Sequence[tuple[str, ...]], weights: Sequence[int], group: list[int],
                 anchored: set[int], known: set[str], setting: MergeSetting, out: list[tuple[str, ...]]) -> None:
    length = len(templates[group[0]])
    variable = set()
    for p in range(length):
        if p in anchored:
            continue
        lines: Counter[str] = Counter()
        for i in group:
            if templates[i][p] != WILDCARD:
                lines[value_of(templates[i][p])] += weights[i]
        values = set(lines)
        if len(values) < 2:
            continue
        if len(values & known) >= setting.shared_values or _long_tail(lines, setting):
            variable.add(p)
    if not variable:
        return
    constant = [p for p in range(length) if p not in variable]
    split: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in group:
        split[tuple(templates[i][p] for p in constant)].append(i)
    for key, part in split.items():
        if len(part) < 2 or sum(1 for t in key if t != WILDCARD) < max(1.0, setting.min_constants * length):
            continue
        merged = list(templates[part[0]])
        for p in variable:
            merged[p] = WILDCARD
        for i in part:
            out[i] = tuple(merged)
