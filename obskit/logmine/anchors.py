"""A pass of batch mining: templates whose variables vary together, found by their frequent tokens.

Sibling slots (`merge.py`) need two sequences that differ at exactly one position; lines such as
`Granted access for <member> from <host> ... on rack <word>` where every line has its own combination
have none. Following the longest-common-pattern idea of Brain (Yu et al., IEEE TSC 2023): in sequences of
one length, count how many lines hold each token at each position; in a template the constant tokens
share one count (the most common count among its tokens) and the variables are rarer. Sequences with the
same anchor (tokens at that count) are compared position by position: a position is variable when its
values are already known to vary elsewhere (sibling slots) or look like an open set (`_open`: many values,
or fewer with many lines holding a value seen once, a test on the counts of the group itself); the other
positions are constants and split the group. A merged template must keep at least half of its tokens, and
two, constant. `merge.py` runs this pass and the sibling rounds in turn, as each learns positions the other
can use.
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
        if len(members) < 3 and not (len(members) == 2 and known and any(
                value_of(t) in known for i in members for t in templates[i])):
            continue  # neither an open set of values nor a known value can be found here
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


def _open(lines: Counter[str], setting: MergeSetting) -> bool:
    """Whether the values of a position, with the lines holding each, look like an open set (names, ids).

    Many values (`many_values`) are a variable by themselves. Fewer are one when the counts say more are
    to come: the share of lines whose value was seen once (n1 / n, Good-Turing's estimate of the chance
    that the next line brings a new value) is at least the mean share of a value seen (1 / k), with two
    such lines and three values at least. The words of an enumeration of statements (`Pump Primed`,
    `Pump Halted`) recur: n1 stays near 0 however many lines there are.
    """
    k = len(lines)
    once = sum(1 for n in lines.values() if n == 1)
    if k >= setting.many_values and 2 * once >= k:
        return True
    return k >= 3 and once >= 2 and once * k >= sum(lines.values())


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
        if len(values & known) >= setting.shared_values or _open(lines, setting):
            variable.add(p)
    if not variable:
        return
    constant = [p for p in range(length) if p not in variable]
    split: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in group:
        split[tuple(templates[i][p] for p in constant)].append(i)
    for key, part in split.items():
        # two constants at least: one word beside a variable is too thin a context (`isOn true`, `ready true`)
        if len(part) < 2 or sum(1 for t in key if t != WILDCARD) < max(2.0, setting.min_constants * length):
            continue
        merged = list(templates[part[0]])
        for p in variable:
            merged[p] = WILDCARD
        for i in part:
            out[i] = tuple(merged)
