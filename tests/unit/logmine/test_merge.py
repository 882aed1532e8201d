"""The batch merge: which positions are variable is decided from the data."""

from __future__ import annotations

from obskit.logmine.evidence import MergeSetting, independent, varies
from obskit.logmine.merge import merge

SETTING = MergeSetting()
W = "<*>"


def test_many_values_vary_by_themselves() -> None:
    assert varies({f"v{i}" for i in range(SETTING.many_values)}, [], SETTING)
    assert not varies({f"v{i}" for i in range(SETTING.many_values - 1)}, [], SETTING)


def test_values_shared_with_another_slot_vary() -> None:
    assert varies({"alice", "bob"}, [{"bob", "alice", "carol"}], SETTING)
    assert not varies({"alice", "bob"}, [{"alice", "dave"}], SETTING)


def test_independent_slots() -> None:
    freq = {"alice": 2, "bob": 2, "raised": 4, "dropped": 4, "tunnel": 8, "member": 8}
    user_opened = (3, ("tunnel", "raised", "member", W))
    user_closed = (3, ("tunnel", "dropped", "member", W))
    assert independent(user_opened, user_closed, {"alice", "bob"}, freq)  # members are rarer than the verbs
    state_alice = (1, ("tunnel", W, "member", "alice"))
    state_bob = (1, ("tunnel", W, "member", "bob"))
    assert not independent(state_alice, state_bob, {"raised", "dropped"}, freq)  # verbs are not rarer
    assert independent((1, ("a", W, "b")), (2, ("d", "c", W)), {"x"}, freq)  # another position and template
    # one template's two slots (`from QUEUED to _`, `from _ to ACTIVE`) are no evidence for each other
    assert not independent((3, ("from", "QUEUED", "to", W)), (1, ("from", W, "to", "ACTIVE")), {"x"}, freq)
    assert independent((1, ("a", W)), (1, ("a", W, "b")), {"x"}, freq)  # another length


def test_merge_keeps_enumerations_and_merges_entities() -> None:
    seqs = [("job", "done", "for", u) for u in ("alice", "bob", "carol")]
    seqs += [("login", "by", u) for u in ("alice", "bob", "carol")]
    seqs += [("Pump", s, "now") for s in ("Primed", "Halted")]
    out = merge(seqs, [1] * len(seqs))
    assert set(out[:3]) == {("job", "done", "for", W)}
    assert set(out[3:6]) == {("login", "by", W)}
    assert out[6] == ("Pump", "Primed", "now") and out[7] == ("Pump", "Halted", "now")


def test_merge_needs_constant_context() -> None:
    seqs = [(name, W) for name in "abcdefghij"]  # one constant per message: nothing to anchor a merge
    assert merge(seqs, [1] * len(seqs)) == seqs


def test_states_of_one_template_stay_constants() -> None:
    states = ["QUEUED", "STAGED", "ACTIVE", "PARKED", "DONE", "ABORTED", "HELD", "EXPIRED"]
    seqs = [("batch", W, "moved", "from", a, "to", b) for a, b in zip(states, states[1:], strict=False)]
    assert merge(seqs, [3] * len(seqs)) == seqs


def test_positions_that_vary_together_without_siblings() -> None:
    # every line has its own (user, host, word): no two sequences differ at one position only
    words = [f"{a}{b}{c}" for a in "klmnp" for b in "qrstv" for c in "wxyz"]
    seqs = [("accepted", "key", "for", words[i], "from", words[-1 - i], "on", "node", words[(7 * i) % 100])
            for i in range(60)]
    out = merge(seqs, [1] * len(seqs))
    assert set(out) == {("accepted", "key", "for", W, "from", W, "on", "node", W)}


def test_a_word_where_another_sequence_has_a_variable_joins_it() -> None:
    # host names without digits or a known domain stay words after masking; where other lines of the same
    # shape hold a masked variable at that position, the word is one more value of it
    seqs = [("login", "from", "host", W), ("login", "from", "host", "gateway.lab"), ("logout", "now")]
    out = merge(seqs, [5, 1, 3])
    assert out[0] == out[1] == ("login", "from", "host", W)
    assert out[2] == ("logout", "now")
    # a word beside a word stays (two values are no evidence by themselves)
    words = [("login", "from", "host", "gateway.lab"), ("login", "from", "host", "edge.lab")]
    assert merge(words, [1, 1]) == words


def test_skeletons_apart_at_several_positions_are_other_statements() -> None:
    freq = {"Spool": 45, "Loader": 9, "Drift": 3, "Sweep": 2, "opened": 40, "cleared": 30, "ticket": 40,
            "marks": 30, "were": 30}
    ticket = (4, ("ticket", W, "opened", "by", W))  # `ticket <*> opened by <client>`
    marks = (4, ("marks", "were", "cleared", "by", W))  # `marks were cleared by <client>`
    assert independent(ticket, marks, {"Spool", "Loader", "Drift", "Sweep"}, freq)  # some client is rarer (not all)
    # every value commoner than the differing words: those words are the variables (members, gateways)
    raised_a = (1, ("tunnel", W, "member", "alice", "gateway", "north"))
    raised_b = (1, ("tunnel", W, "member", "bob", "gateway", "south"))
    freq = {"raised": 12, "dropped": 12, "alice": 6, "bob": 6, "north": 8, "south": 8}
    assert not independent(raised_a, raised_b, {"raised", "dropped"}, freq)


def test_a_few_names_shared_by_two_statements_are_a_variable() -> None:
    clients = ["Spool", "Loader", "Drift", "Sweep"]  # fewer than `many_values`, no digits
    seqs = [("ticket", W, "opened", "by", c) for c in clients]
    seqs += [("marks", "were", "cleared", "by", c) for c in clients]
    out = merge(seqs, [30, 20, 6, 3] * 2)
    assert set(out[:4]) == {("ticket", W, "opened", "by", W)}
    assert set(out[4:]) == {("marks", "were", "cleared", "by", W)}
    alone = [("ticket", W, "opened", "by", c) for c in clients]  # in one statement only: an enumeration
    assert merge(alone, [30, 20, 6, 3]) == alone


def test_a_line_whose_variables_all_differ_joins_the_learned_template() -> None:
    members = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"]
    seqs = [("rule", "Amber", "muted", "by", "member", m) for m in members]  # `member` learned: 9 values
    seqs += [("rule", r, "muted", "by", "member", "alice") for r in ("Birch", "Cedar", "Delta", "Ember", "Fjord",
                                                                   "Garnet", "Harbor", "Iris")]  # `rule` learned
    seqs.append(("rule", "Juniper", "muted", "by", "member", "zoltan"))  # both new: no sibling at all
    out = merge(seqs, [1] * len(seqs))
    assert set(out) == {("rule", W, "muted", "by", "member", W)}


def _names(n: int) -> list[str]:
    return [a + b for a in ("tor", "vel", "qua", "mib", "sen") for b in ("ka", "lun", "dro", "pes", "wix")][:n]


def test_a_few_lines_each_with_its_own_name_share_a_template() -> None:
    # five lines, five names never seen twice: too few for `many_values`, but every line brings a new value
    seqs = [("member", m, "joined", "the", "lobby") for m in _names(5)]
    seqs += [("cache", "flushed", "ok")]
    out = merge(seqs, [1] * 5 + [4])
    assert set(out[:5]) == {("member", W, "joined", "the", "lobby")}
    assert out[5] == ("cache", "flushed", "ok")


def test_an_enumeration_that_recurs_stays_constant_in_a_small_group() -> None:
    seqs = [("[pod:", W + "]", "Pump", s, "(Cycle", "Event)") for s in ("Primed", "Halted", "Flushed")]
    assert merge(seqs, [12, 9, 7]) == seqs
    # one word beside a value is too thin a context, however new the words are
    short = [(name, "true") for name in _names(4)]
    assert merge(short, [1] * 4) == short


def test_positions_learned_by_the_anchor_pass_give_sibling_slots_their_values() -> None:
    # every line its own member; eight rooms, each on two or three lines: no room slot has a sibling
    # until the member position is known to vary, then the room slot holds eight values
    rooms = _names(25)[17:25]
    members = _names(25)[:20]
    seqs = [("member", members[i], "joined", "room", rooms[i % 8], "today") for i in range(20)]
    out = merge(seqs, [1] * 20)
    assert set(out) == {("member", W, "joined", "room", W, "today")}
