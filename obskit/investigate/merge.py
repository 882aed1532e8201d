"""Second pass of template mining over a batch: learn which positions are variable from the data.

Input: the distinct masked token sequences of a batch (`masking.tokenize`) with their line counts. Two
sequences of the same length that differ at exactly one position are siblings under a *skeleton* (the
sequence with that position blanked). A position is variable under a skeleton when it takes many distinct
values there; a handful of values that each recur is a set of constants ("VM Started" / "VM Paused").
Siblings under a variable skeleton merge (union-find); the merged templates are compared again, so
positions that vary together (`user X from host Y`) are learned in a few rounds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from obskit.investigate.masking import WILDCARD

ROUNDS = 4


@dataclass(frozen=True)
class MergeSetting:
    """One setting for every log source (no per-dataset tuning)."""

    many_values: int = 8  # distinct values under one skeleton from which a position is variable by itself
    shared_values: int = 2  # values a slot must share with another template's varying slot to be variable
    min_constants: float = 0.5  # share of a skeleton's tokens that must stay constant for a merge


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def varies(values: set[str], others: Iterable[set[str]], setting: MergeSetting) -> bool:
    """Whether a slot (one position under one skeleton) holding `values` is a variable.

    A slot is variable when it takes many values, or when at least `shared_values` of its values also fill
    a varying slot of other templates (`others`): entities such as users, hosts or jobs recur across
    templates, while the words of an enumeration ("Started"/"Paused") vary in one place only.
    """
    if len(values) >= setting.many_values:
        return True
    return any(len(values & other) >= setting.shared_values for other in others)


def _variable_slots(slots: dict[tuple[int, tuple[str, ...]], set[str]], members: list[set[int]],
                    setting: MergeSetting) -> set[int]:
    """Indexes (in `slots` order) of the variable slots; other templates are slots with no common member."""
    keys = list(slots)
    holders: dict[str, list[int]] = defaultdict(list)
    for b, key in enumerate(keys):
        for value in slots[key]:
            holders[value].append(b)
    out = set()
    for b, key in enumerate(keys):
        values = slots[key]
        others = {o for v in values for o in holders[v] if o != b and members[o].isdisjoint(members[b])}
        if varies(values, (slots[keys[o]] for o in sorted(others)), setting):
            out.add(b)
    return out


def merge(sequences: list[tuple[str, ...]], counts: list[int],
          setting: MergeSetting | None = None) -> list[tuple[str, ...]]:
    """The template of each input sequence after merging siblings at variable positions."""
    setting = setting or MergeSetting()
    parent = list(range(len(sequences)))
    templates = list(sequences)
    for _ in range(ROUNDS):
        roots = sorted({_find(parent, i) for i in range(len(sequences))})
        changed = False
        siblings: dict[tuple[int, tuple[str, ...]], list[int]] = defaultdict(list)
        for r in roots:
            seq = templates[r]
            constants = len(seq) - seq.count(WILDCARD) - 1  # of each skeleton: one position is blanked
            if constants < 1 or constants < setting.min_constants * len(seq):
                continue
            for p, token in enumerate(seq):
                if token != WILDCARD:
                    siblings[(p, seq[:p] + (WILDCARD,) + seq[p + 1:])].append(r)
        slots: dict[tuple[int, tuple[str, ...]], set[str]] = {}
        for key, members in siblings.items():
            if len(members) >= 2:
                slots[key] = {templates[r][key[0]] for r in members}
        keys = list(slots)
        for b in _variable_slots(slots, [set(siblings[k]) for k in keys], setting):
            members = siblings[keys[b]]
            first = _find(parent, members[0])
            for r in members[1:]:
                other = _find(parent, r)
                if other != first:
                    parent[other] = first
                    changed = True
        if not changed:
            break
        _rebuild(sequences, parent, templates)
    return [templates[_find(parent, i)] for i in range(len(sequences))]


def _rebuild(sequences: list[tuple[str, ...]], parent: list[int], templates: list[tuple[str, ...]]) -> None:
    """Each root's template: the common token where all its members agree, the wildcard elsewhere."""
    merged: dict[int, list[str]] = {}
    for i, seq in enumerate(sequences):
        r = _find(parent, i)
        current = merged.get(r)
        if current is None:
            merged[r] = list(seq)
            continue
        for p, token in enumerate(seq):
            if current[p] != token:
                current[p] = WILDCARD
    for r, tokens in merged.items():
        templates[r] = tuple(tokens)
