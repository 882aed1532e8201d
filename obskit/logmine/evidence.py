"""When a position of a template is variable: the evidence rules shared by the batch and online miners.

A *slot* is one position under one skeleton (the sequence with that position blanked); its values are
the tokens the lines put there. One setting serves every log source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from obskit.logmine.masking import WILDCARD

_PUNCTUATION = "()[]{}<>\"',.;:!?"


@dataclass(frozen=True)
class MergeSetting:
    """One setting for every log source (no per-dataset tuning)."""

    many_values: int = 8  # distinct values under one skeleton from which a position is variable by itself
    shared_values: int = 2  # values a slot must share with another template's varying slot to be variable
    min_constants: float = 0.5  # share of a skeleton's tokens that must stay constant for a merge


def value_of(token: str) -> str:
    """A slot's value as evidence compares it: `alice,` and `(alice)` are the same user as `alice`."""
    return token.strip(_PUNCTUATION) or token


def varies(values: set[str], others: Iterable[set[str]], setting: MergeSetting) -> bool:
    """Whether a slot (one position under one skeleton) holding `values` is a variable.

    A slot is variable when it takes many values, or when at least `shared_values` of its values also fill
    a varying slot of other templates (`others`): entities such as users, hosts or jobs recur across
    templates, while the words of an enumeration ("Primed"/"Halted") vary in one place only.
    """
    if len(values) >= setting.many_values:
        return True
    return any(len(values & other) >= setting.shared_values for other in others)


Slot = tuple[int, tuple[str, ...]]  # (position, skeleton: the sequence with that position blanked)


def independent(a: Slot, b: Slot, values: set[str], frequency: Mapping[str, int]) -> bool:
    """Whether slot `b` is evidence for slot `a` (holding `values`) from another template.

    Slots in sequences of another length are other templates; so are slots at another position unless
    the skeletons agree once both positions are blanked (one template's two slots, as the states in
    `from QUEUED to ACTIVE`). Two slots at the same position differ elsewhere in their skeletons:
    `tunnel raised for member _` and `tunnel dropped for member _` are two templates whose member slot shares
    values, while `tunnel _ for member alice` and `tunnel _ for member bob` are one slot seen with two members.
    As in frequency-based parsers (Brain: Yu et al., IEEE TSC 2023), the rarer tokens are the variables:
    apart at one position, either that position or the slot varies, and `b` counts when all of `a`'s
    values are rarer than the tokens where the two skeletons differ. Apart at several positions the
    skeletons are rather two statements (`Session <*> started by client _`, `Reboot requested by client _`)
    and it is enough that some value is rarer than every differing token; when every value is commoner,
    the differing positions are the variables (`tunnel _ for member alice on gateway a`, `... bob on gateway b`).
    """
    (pa, sa), (pb, sb) = a, b
    if len(sa) != len(sb):
        return True
    if pa != pb:  # `from _ to ACTIVE` and `from QUEUED to _` are one template: its two slots are no evidence
        return any(x != y for i, (x, y) in enumerate(zip(sa, sb, strict=True)) if i not in (pa, pb))
    pairs = [(x, y) for x, y in zip(sa, sb, strict=True) if x != y]
    differ = [value_of(t) for pair in pairs for t in pair if t != WILDCARD]
    if not differ:
        return False
    rarest = min(frequency.get(t, 0) for t in differ)
    if len(pairs) > 1:  # apart at several positions: other statements, unless each value is commoner
        return min(frequency.get(v, 0) for v in values) < rarest
    return max(frequency.get(v, 0) for v in values) < rarest
