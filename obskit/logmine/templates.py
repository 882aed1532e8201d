"""Log template mining: group log messages that differ only in their variable parts.

One generic setting, no per-source tuning. Each message is
1. masked (`masking.tokenize`): unmistakable variables (numbers, hex ids, UUIDs, IPs, paths, URLs, host
   names, dates, values with units) become the wildcard `<*>`;
2. grouped by its masked token sequence (dict lookups; repeated raw messages and tokens are cached);
3. merged where the data says a position is variable (`evidence`): over the whole batch in `mine()`
   (sibling slots in `merge`, then frequent-token anchors in `anchors`), and online with bounded memory in
   `TemplateMiner.assign()` (sibling slots only; what `investigate` uses).

Evaluated on the Loghub-2k datasets (Zhu et al., "Loghub: A Large Collection of System Log Datasets for
AI-driven Log Analytics", ISSRE 2023) with `benchmarks/logs_patterns.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from obskit.logmine.evidence import MergeSetting, Slot, independent, value_of, varies
from obskit.logmine.masking import WILDCARD, Masker, tokenize
from obskit.logmine.merge import merge

__all__ = ["WILDCARD", "Template", "TemplateMiner", "mine", "tokenize"]

_MESSAGE_CACHE = 100_000  # distinct raw messages remembered for the exact-repeat fast path
MAX_TEMPLATES = 20_000  # online: further shapes share one overflow template, so memory stays bounded
_MAX_SLOTS = 200_000  # online: (position, blanked sequence) entries remembered
OVERFLOW = ("(more", "templates", "than", "the", "online", "limit)")


@dataclass
class Template:
    id: int
    tokens: list[str]
    count: int = 0
    example: str = ""
    first_index: int = 0
    members: list[tuple[str, ...]] = field(default_factory=list, repr=False)  # masked sequences merged here
    shown: list[str] | None = None  # the tokens with units (`took <*> ms`) while all its lines agree on them

    @property
    def display(self) -> list[str]:
        return self.tokens if self.shown is None else self.shown

    @property
    def text(self) -> str:
        return " ".join(self.display) if self.tokens else "(empty)"


@dataclass
class _Slot:
    """One position under one skeleton in the online miner: the templates that fill it and their values."""

    key: Slot
    members: list[Template]
    values: set[str]
    merged: Template | None = None


class TemplateMiner:
    """Online miner; `assign()` returns the template of one message, `templates()` the templates so far.

    A message joins the template of its masked token sequence. A new sequence that differs from earlier
    ones at one position joins them once the data says that position is variable (`evidence.varies`: many
    values there, or values shared with a varying position of other templates); the oldest sibling becomes
    the merged template and keeps its id. A sequence seen before keeps its template, so a line always gets
    the same id (investigate compares two windows mined one after the other). Memory is bounded: caches
    and the slot index stop growing at fixed sizes, and past `MAX_TEMPLATES` new shapes share one overflow
    template. `mine()` does better on a batch, with the statistics of all lines at once.
    """

    def __init__(self, setting: MergeSetting | None = None) -> None:
        self._setting = setting or MergeSetting()
        self._exact: dict[tuple[str, ...], Template] = {}
        self._by_message: dict[str, tuple[str, ...]] = {}  # message -> masked sequence
        self._masker = Masker()
        self._by_key: dict[str, tuple[str, ...]] = {}
        self._templates: list[Template] = []
        self._slots: dict[Slot, _Slot] = {}
        self._holders: dict[str, list[_Slot]] = {}  # value -> varying slots it fills
        self._seen: Counter[str] = Counter()
        self._overflow: Template | None = None

    def assign(self, message: str, index: int = 0) -> Template:
        shown = None
        tokens = self._by_message.get(message)
        if tokens is None:
            key = self._masker.key(message)
            tokens = self._by_key.get(key)
            if tokens is None:
                tokens, shown = self._masker.template(key)  # = of the message: see Masker
                if len(self._by_key) < _MESSAGE_CACHE:
                    self._by_key[key] = tokens
            if len(self._by_message) < _MESSAGE_CACHE:
                self._by_message[message] = tokens
        seen = self._seen
        for value in {value_of(t) for t in tokens}:  # lines holding each value: the rarer are the variables
            if value in seen or len(seen) < _MAX_SLOTS:
                seen[value] += 1
        cluster = self._exact.get(tokens)
        if cluster is None:
            cluster = self._place(tokens, message, index)
            if len(self._exact) < _MESSAGE_CACHE:
                self._exact[tokens] = cluster
                cluster.members.append(tokens)
            if cluster.count == 0 and shown is not None and shown is not tokens:
                cluster.shown = list(shown)
        elif shown is not None and cluster.shown is not None and cluster.shown != list(shown):
            cluster.shown = None  # its lines differ in units: show the pattern
        cluster.count += 1
        return cluster

    def _place(self, tokens: tuple[str, ...], message: str, index: int) -> Template:
        constants = len(tokens) - tokens.count(WILDCARD) - 1
        keys = [] if constants < 1 or constants < self._setting.min_constants * len(tokens) else [
            (p, tokens[:p] + (WILDCARD,) + tokens[p + 1:]) for p, t in enumerate(tokens) if t != WILDCARD]
        if keys:  # a template that already holds a variable where this sequence has a word takes it
            for p, token in enumerate(tokens):
                if token == WILDCARD:  # ... and the other way round: earlier words where this has a variable
                    words = self._slots.get((p, tokens))
                    if words is not None:
                        return words.merged or self._merge(words)
            for _, skeleton in keys:
                holder = self._exact.get(skeleton)
                if holder is not None:
                    return holder
        slots = [self._slots.get(key) for key in keys]
        for slot in slots:
            if slot is not None and slot.merged is not None:
                return slot.merged  # the position is already known to be variable here
        for (p, _), slot in zip(keys, slots, strict=True):
            if slot is not None:
                values = slot.values | {value_of(tokens[p])}
                evidence = self._evidence(slot, values)
                if varies(values, [o.values for o in evidence], self._setting):
                    for other in evidence:  # shared values are evidence both ways
                        if other.merged is None and varies(other.values, [values], self._setting):
                            self._merge(other)
                    return self._merge(slot)
        if len(self._templates) >= MAX_TEMPLATES:
            if self._overflow is None:
                self._overflow = self._new(OVERFLOW, message, index)
            return self._overflow
        cluster = self._new(tokens, message, index)
        for (p, key), slot in zip(keys, slots, strict=True):
            if slot is None:
                if len(self._slots) < _MAX_SLOTS:
                    self._slots[(p, key)] = _Slot((p, key), [cluster], {value_of(tokens[p])})
                continue
            slot.members.append(cluster)
            if len(slot.values) < self._setting.many_values:
                slot.values.add(value_of(tokens[p]))
            if len(self._holders) < _MAX_SLOTS:
                for value in slot.values:
                    holders = self._holders.setdefault(value, [])
                    if slot not in holders and len(holders) < self._setting.many_values:
                        holders.append(slot)
        return cluster

    def _evidence(self, slot: _Slot, values: set[str]) -> list[_Slot]:
        """Varying slots of other templates that share a value with `values`."""
        mine = {id(t) for t in slot.members}
        found: list[_Slot] = []
        for value in values:
            for other in self._holders.get(value, ()):
                if (other is not slot and other not in found and independent(slot.key, other.key, values, self._seen)
                        and mine.isdisjoint(id(t) for t in other.members)):
                    found.append(other)
        return found

    def _merge(self, slot: _Slot) -> Template:
        """Make the slot's position a wildcard: in the template of that shape if there is one, else the oldest.

        Sequences seen before keep their template: a caller comparing two windows mined one after the
        other (investigate: incident window, then baseline) must see the same id for the same line.
        """
        oldest = slot.members[0]
        tokens = list(oldest.tokens)
        tokens[slot.key[0]] = WILDCARD
        target = self._exact.get(tuple(tokens))
        if target is None:
            oldest.tokens = tokens
            oldest.shown = None
            target = oldest
        self._exact[tuple(tokens)] = target
        slot.merged = target
        return target

    def _new(self, tokens: tuple[str, ...], message: str, index: int) -> Template:
        cluster = Template(id=len(self._templates) + 1, tokens=list(tokens), example=message, first_index=index)
        self._templates.append(cluster)
        return cluster

    def templates(self) -> list[Template]:
        return list(self._templates)


def mine(messages: Iterable[str], setting: MergeSetting | None = None) -> tuple[list[Template], list[Template]]:
    """Mine a batch. Returns (per-message template, templates ordered by count desc then first sighting).

    Unlike the online miner, the batch first collects every distinct masked sequence and then merges with
    the statistics of the whole batch, so the result does not depend on the order of the lines.
    """
    masker = Masker()
    by_message: dict[str, int] = {}
    by_key: dict[str, int] = {}
    groups: dict[tuple[str, ...], int] = {}
    sequences: list[tuple[str, ...]] = []
    firsts: list[tuple[int, str]] = []
    line_groups: list[int] = []
    shown_of: list[tuple[str, ...] | None] = []
    remembered, known, key_of, append = by_message.get, by_key.get, masker.key, line_groups.append
    for message in messages:  # the hot loop: two dict lookups per line, one C-level substitution when new
        g = remembered(message)
        if g is None:
            key = key_of(message)
            g = known(key)
            if g is None:
                tokens, shown = masker.template(key)  # = of the message: see Masker
                g = groups.get(tokens)
                if g is None:
                    g = groups[tokens] = len(sequences)
                    sequences.append(tokens)
                    firsts.append((len(line_groups), message))
                    shown_of.append(shown)
                elif shown_of[g] != shown:
                    shown_of[g] = None  # its lines differ in units: show the pattern
                if len(by_key) < _MESSAGE_CACHE:
                    by_key[key] = g
            if len(by_message) < _MESSAGE_CACHE:
                by_message[message] = g
        append(g)
    counts = [0] * len(sequences)
    for g, n in Counter(line_groups).items():
        counts[g] = n
    merged = merge(sequences, counts, setting)
    by_template: dict[tuple[str, ...], Template] = {}
    of_group: list[Template] = []
    for g, tokens in enumerate(merged):
        template = by_template.get(tokens)
        if template is None:
            index, message = firsts[g]
            shown = shown_of[g]
            template = by_template[tokens] = Template(
                id=len(by_template) + 1, tokens=list(tokens), example=message, first_index=index,
                shown=None if shown is None or shown is sequences[g] else list(shown))
        else:
            template.shown = None  # merged from several sequences: show the pattern
        template.count += counts[g]
        template.members.append(sequences[g])
        of_group.append(template)
    assigned = [of_group[g] for g in line_groups]
    ranked = sorted(by_template.values(), key=lambda t: (-t.count, t.first_index))
    return assigned, ranked
