"""Second pass of template mining over a batch: learn which positions are variable from the data.

Input: the distinct masked token sequences of a batch (`masking.tokenize`) with their line counts. Two
sequences of the same length that differ at exactly one position are siblings under a *skeleton* (the
sequence with that position blanked). A position is variable under a skeleton when it takes many distinct
values there; a handful of values that each recur is a set of constants ("Pump Primed" / "Pump Halted").
Siblings under a variable skeleton merge (union-find); the merged templates are compared again, so
positions that vary together (`user X from host Y`) are learned in a few rounds. The anchor pass
(`anchors.py`) then groups what has no sibling; sibling rounds and anchor pass run in turn while either
learns something, and a template covered by a learned, more general one joins it (`subsume.py`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping

from obskit.logmine.anchors import group_by_anchors
from obskit.logmine.evidence import MergeSetting, Slot, independent, value_of
from obskit.logmine.masking import WILDCARD
from obskit.logmine.subsume import subsume

ROUNDS = 4
PASSES = 3  # sibling rounds and the anchor pass, in turn, until neither merges
_HOLDERS = 32  # slots remembered per value as evidence
SIBLING_LIMIT = 20_000  # distinct sequences above which the anchor pass runs first, to bound memory


class _LineFrequency(Mapping[str, int]):
    """Lines holding each value (`value_of` of a token), counted on first use: most batches never ask."""

    def __init__(self, sequences: list[tuple[str, ...]], counts: list[int]) -> None:
        self._sequences, self._counts = sequences, counts
        self._table: Counter[str] | None = None

    def _get(self) -> Counter[str]:
        if self._table is None:
            self._table = Counter()
            for seq, n in zip(self._sequences, self._counts, strict=True):
                for value in {value_of(t) for t in seq}:
                    self._table[value] += n
        return self._table

    def __getitem__(self, value: str) -> int:
        return self._get()[value]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _variable_slots(slots: dict[Slot, set[str]], members: list[set[int]], frequency: Mapping[str, int],
                    setting: MergeSetting) -> set[int]:
    """Indexes (in `slots` order) of the variable slots; other templates are slots with no common member.

    Each value remembers at most `_HOLDERS` slots, so the search stays linear however often a value recurs.
    """
    keys = list(slots)
    holders: dict[str, list[int]] = defaultdict(list)
    for b, key in enumerate(keys):
        for value in slots[key]:
            if len(holders[value]) < _HOLDERS:
                holders[value].append(b)
    out = set()
    for b, key in enumerate(keys):
        values = slots[key]
        if len(values) >= setting.many_values:
            out.add(b)
            continue
        shared: Counter[int] = Counter()
        for value in values:
            for o in holders[value]:
                if o != b and members[o].isdisjoint(members[b]) and independent(key, keys[o], values, frequency):
                    shared[o] += 1
                    if shared[o] >= setting.shared_values:
                        break
            else:
                continue
            out.add(b)
            break
    return out


def _siblings(templates: list[tuple[str, ...]], roots: list[int], setting: MergeSetting) -> dict[Slot, list[int]]:
    """The templates under each skeleton (a sequence with one position blanked) that more than one may share."""
    siblings: dict[Slot, list[int]] = defaultdict(list)
    # siblings agree on their first or their second token: a sequence alone with both has none
    heads = Counter((len(templates[r]), i, templates[r][i]) for r in roots for i in (0, 1) if len(templates[r]) > i)
    for r in roots:
        seq = templates[r]
        if len(seq) < 2 or (heads[(len(seq), 0, seq[0])] < 2 and heads[(len(seq), 1, seq[1])] < 2):
            continue  # no sibling can exist (a single token has no constant context anyway)
        constants = len(seq) - seq.count(WILDCARD) - 1  # of each skeleton: one position is blanked
        if constants < 1 or constants < setting.min_constants * len(seq):
            continue
        for p in range(len(seq)):
            # a wildcard position is its own skeleton: a sibling with a word there joins it (below)
            siblings[(p, seq[:p] + (WILDCARD,) + seq[p + 1:])].append(r)
    return siblings


def merge(sequences: list[tuple[str, ...]], counts: list[int],
          setting: MergeSetting | None = None) -> list[tuple[str, ...]]:
    """The template of each input sequence after merging siblings at variable positions."""
    setting = setting or MergeSetting()
    parent = list(range(len(sequences)))
    templates = list(sequences)
    frequency = _LineFrequency(sequences, counts)
    known: set[str] = set()  # values of slots found variable: evidence for the anchor pass
    if len(sequences) > SIBLING_LIMIT:  # fold long-tail columns first: sibling keys grow with len * positions
        _join(parent, group_by_anchors(sequences, counts, known, setting))
        _rebuild(sequences, parent, templates)
    for turn in range(PASSES):  # what the anchor pass learns gives sibling slots new skeletons, and back
        if not _sibling_rounds(sequences, parent, templates, frequency, known, setting) and turn:
            break  # the anchor pass has seen these templates already
        roots, weights = _roots(parent, counts)
        if not _join(parent, group_by_anchors([templates[r] for r in roots], weights, known, setting), roots):
            break
        _rebuild(sequences, parent, templates)
    roots, weights = _roots(parent, counts)
    final = dict(zip(roots, _covered([templates[r] for r in roots], weights, setting), strict=True))
    return [final[_find(parent, i)] for i in range(len(sequences))]


def _roots(parent: list[int], counts: list[int]) -> tuple[list[int], list[int]]:
    """The current templates (their roots, in index order) and the lines of each."""
    weight: Counter[int] = Counter()
    for i, n in enumerate(counts):
        weight[_find(parent, i)] += n
    roots = sorted(weight)
    return roots, [weight[r] for r in roots]


def _join(parent: list[int], merged: list[tuple[str, ...]], items: list[int] | None = None) -> bool:
    """Union the items (indexes into `parent`; all when None) that `merged` gives one template; whether any did."""
    changed = False
    first: dict[tuple[str, ...], int] = {}
    for i, tokens in zip(items if items is not None else range(len(merged)), merged, strict=True):
        root, other = _find(parent, first.setdefault(tokens, i)), _find(parent, i)
        if root != other:
            parent[other] = root
            changed = True
    return changed


def _sibling_rounds(sequences: list[tuple[str, ...]], parent: list[int], templates: list[tuple[str, ...]],
                    frequency: Mapping[str, int], known: set[str], setting: MergeSetting) -> bool:
    """Merge siblings at variable slots, a few rounds (positions that vary together are learned in turn);
    whether any merged."""
    merged = False
    for _ in range(ROUNDS):
        roots = sorted({_find(parent, i) for i in range(len(sequences))})
        changed = False
        siblings = _siblings(templates, roots, setting)
        slots: dict[Slot, set[str]] = {}
        for key, members in siblings.items():
            if len(members) >= 2:
                slots[key] = {value_of(templates[r][key[0]]) for r in members}
        keys = list(slots)
        variable = _variable_slots(slots, [set(siblings[k]) for k in keys], frequency, setting)
        # a position some sibling already holds a variable at (masked, or learned) is variable for all
        variable |= {b for b, key in enumerate(keys) if any(templates[r][key[0]] == WILDCARD for r in siblings[key])}
        for b in sorted(variable):
            known |= slots[keys[b]]
            members = siblings[keys[b]]
            first = _find(parent, members[0])
            for r in members[1:]:
                other = _find(parent, r)
                if other != first:
                    parent[other] = first
                    changed = True
        if not changed:
            break
        merged = True
        _rebuild(sequences, parent, templates)
    return merged


def _covered(templates: list[tuple[str, ...]], weights: list[int], setting: MergeSetting) -> list[tuple[str, ...]]:
    """Each template after joining a more general template that covers it (`subsume`), on distinct templates."""
    index: dict[tuple[str, ...], int] = {}
    distinct: list[tuple[str, ...]] = []
    totals: list[int] = []
    for seq, n in zip(templates, weights, strict=True):
        at = index.setdefault(seq, len(distinct))
        if at == len(distinct):
            distinct.append(seq)
            totals.append(0)
        totals[at] += n
    joined = subsume(distinct, totals, setting)
    return [joined[index[seq]] for seq in templates]


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
