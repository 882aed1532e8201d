"""Second pass of template mining over a batch: learn which positions are variable from the data.

Input: the distinct masked token sequences of a batch (`masking.tokenize`) with their line counts. Two
sequences of the same length that differ at exactly one position are siblings under a *skeleton* (the
sequence with that position blanked). A position is variable under a skeleton when it takes many distinct
values there; a handful of values that each recur is a set of constants ("VM Started" / "VM Paused").
Siblings under a variable skeleton merge (union-find); the merged templates are compared again, so
positions that vary together (`user X from host Y`) are learned in a few rounds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from obskit.investigate.masking import WILDCARD

ROUNDS = 4
_PUNCTUATION = "()[]{}<>\"',.;:!?"


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


def value_of(token: str) -> str:
    """A slot's value as evidence compares it: `alice,` and `(alice)` are the same user as `alice`."""
    return token.strip(_PUNCTUATION) or token


def varies(values: set[str], others: Iterable[set[str]], setting: MergeSetting) -> bool:
    """Whether a slot (one position under one skeleton) holding `values` is a variable.

    A slot is variable when it takes many values, or when at least `shared_values` of its values also fill
    a varying slot of other templates (`others`): entities such as users, hosts or jobs recur across
    templates, while the words of an enumeration ("Started"/"Paused") vary in one place only.
    """
    if len(values) >= setting.many_values:
        return True
    return any(len(values & other) >= setting.shared_values for other in others)


Slot = tuple[int, tuple[str, ...]]  # (position, skeleton: the sequence with that position blanked)


def independent(a: Slot, b: Slot, values: set[str], frequency: Mapping[str, int]) -> bool:
    """Whether slot `b` is evidence for slot `a` (holding `values`) from another template.

    Slots at another position or in sequences of another length are other templates. Two slots at the same
    position differ elsewhere in their skeletons: `session opened for user _` and `session closed for user
    _` are two templates whose user slot shares values, while `session _ for user alice` and `session _ for
    user bob` are one slot seen with two users. As in frequency-based parsers (Brain: Yu et al., IEEE TSC
    2023), the rarer tokens are the variables: `b` counts when `a`'s values are rarer than the tokens where
    the two skeletons differ.
    """
    (pa, sa), (pb, sb) = a, b
    if pa != pb or len(sa) != len(sb):
        return True
    differ = [t for x, y in zip(sa, sb, strict=True) if x != y for t in (x, y) if t != WILDCARD]
    if not differ:
        return False
    return max(frequency.get(v, 0) for v in values) < min(frequency.get(t, 0) for t in differ)


def _variable_slots(slots: dict[Slot, set[str]], members: list[set[int]], frequency: Mapping[str, int],
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
        others = {o for v in values for o in holders[v]
                  if o != b and members[o].isdisjoint(members[b]) and independent(key, keys[o], values, frequency)}
        if varies(values, (slots[keys[o]] for o in sorted(others)), setting):
            out.add(b)
    return out


def merge(sequences: list[tuple[str, ...]], counts: list[int],
          setting: MergeSetting | None = None) -> list[tuple[str, ...]]:
    """The template of each input sequence after merging siblings at variable positions."""
    setting = setting or MergeSetting()
    parent = list(range(len(sequences)))
    templates = list(sequences)
    frequency: Counter[str] = Counter()  # lines holding each token
    for seq, n in zip(sequences, counts, strict=True):
        for token in set(seq):
            frequency[token] += n
    for _ in range(ROUNDS):
        roots = sorted({_find(parent, i) for i in range(len(sequences))})
        changed = False
        siblings: dict[tuple[int, tuple[str, ...]], list[int]] = defaultdict(list)
        lengths = Counter(len(templates[r]) for r in roots)
        for r in roots:
            seq = templates[r]
            if lengths[len(seq)] < 2:
                continue  # no sibling can exist
            constants = len(seq) - seq.count(WILDCARD) - 1  # of each skeleton: one position is blanked
            if constants < 1 or constants < setting.min_constants * len(seq):
                continue
            for p, token in enumerate(seq):
                if token != WILDCARD:
                    siblings[(p, seq[:p] + (WILDCARD,) + seq[p + 1:])].append(r)
        slots: dict[tuple[int, tuple[str, ...]], set[str]] = {}
        for key, members in siblings.items():
            if len(members) >= 2:
                slots[key] = {value_of(templates[r][key[0]]) for r in members}
        keys = list(slots)
        for b in _variable_slots(slots, [set(siblings[k]) for k in keys], frequency, setting):
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
