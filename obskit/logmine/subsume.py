"""A pass of batch mining: a template that another, more general template covers joins it.

Sibling slots (`merge.py`) join sequences that differ at one position. A line whose variables all take
values never seen together (`Rule Quorra disabled by user ilse` beside a learned `Rule <*> disabled by
user <*>`) has no sibling, yet the learned template already says those positions vary: it joins that
template. A template covers another of the same length when every constant token of it is the other's
token at that position, and it keeps at least `min_constants` of its tokens constant; of several covering
templates the most specific (most constants), then the one with more lines, wins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from operator import itemgetter

from obskit.logmine.evidence import MergeSetting
from obskit.logmine.masking import WILDCARD

_MAX_SHAPES = 64  # wildcard layouts looked up per token count: the lookup stays linear in the templates


def subsume(templates: Sequence[tuple[str, ...]], weights: Sequence[int],
            setting: MergeSetting) -> list[tuple[str, ...]]:
    """The template of each input template: the most specific other template that covers it, else itself."""
    # per token count, per wildcard layout: (getter of its constant positions, getter of its holes,
    # constants -> index of the template with the most lines)
    general: dict[int, dict[tuple[int, ...], tuple[Callable, Callable, dict[object, int]]]] = defaultdict(dict)
    for i, seq in enumerate(templates):
        holes = tuple(p for p, t in enumerate(seq) if t == WILDCARD)
        constants = len(seq) - len(holes)
        if not holes or constants < 1 or constants < setting.min_constants * len(seq):
            continue
        shapes = general[len(seq)]
        shape = shapes.get(holes)
        if shape is None:
            if len(shapes) >= _MAX_SHAPES:
                continue
            shape = shapes[holes] = (itemgetter(*(p for p in range(len(seq)) if p not in holes)),
                                     itemgetter(*holes), {})
        keyed = shape[2]
        key = shape[0](seq)
        best = keyed.get(key)
        if best is None or weights[i] > weights[best]:
            keyed[key] = i
    out = list(templates)
    for i, seq in enumerate(templates):
        found: tuple[tuple[int, int], int] | None = None
        for holes, (constant, hole, keyed) in general.get(len(seq), {}).items():
            cover = keyed.get(constant(seq))
            if cover is None or cover == i:
                continue
            words = hole(seq)
            if words == WILDCARD or (type(words) is tuple and all(w == WILDCARD for w in words)):
                continue  # no word of this sequence is a variable there: nothing to learn
            rank = (len(seq) - len(holes), weights[cover])
            if found is None or rank > found[0]:
                found = (rank, cover)
        if found is not None:
            out[i] = templates[found[1]]
    return out
