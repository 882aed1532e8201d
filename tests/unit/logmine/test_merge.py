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
    freq = {"alice": 2, "bob": 2, "opened": 4, "closed": 4, "session": 8, "user": 8}
    user_opened = (3, ("session", "opened", "user", W))
    user_closed = (3, ("session", "closed", "user", W))
    assert independent(user_opened, user_closed, {"alice", "bob"}, freq)  # users are rarer than the verbs
    state_alice = (1, ("session", W, "user", "alice"))
    state_bob = (1, ("session", W, "user", "bob"))
    assert not independent(state_alice, state_bob, {"opened", "closed"}, freq)  # verbs are not rarer
    assert independent((1, ("a", W, "b")), (2, ("d", "c", W)), {"x"}, freq)  # another position and template
    # one template's two slots (`from NEW to _`, `from _ to RUNNING`) are no evidence for each other
    assert not independent((3, ("from", "NEW", "to", W)), (1, ("from", W, "to", "RUNNING")), {"x"}, freq)
    assert independent((1, ("a", W)), (1, ("a", W, "b")), {"x"}, freq)  # another length


def test_merge_keeps_enumerations_and_merges_entities() -> None:
    seqs = [("job", "done", "for", u) for u in ("alice", "bob", "carol")]
    seqs += [("login", "by", u) for u in ("alice", "bob", "carol")]
    seqs += [("VM", s, "now") for s in ("Started", "Paused")]
    out = merge(seqs, [1] * len(seqs))
    assert set(out[:3]) == {("job", "done", "for", W)}
    assert set(out[3:6]) == {("login", "by", W)}
    assert out[6] == ("VM", "Started", "now") and out[7] == ("VM", "Paused", "now")


def test_merge_needs_constant_context() -> None:
    seqs = [(name, W) for name in "abcdefghij"]  # one constant per message: nothing to anchor a merge
    assert merge(seqs, [1] * len(seqs)) == seqs


def test_states_of_one_template_stay_constants() -> None:
    states = ["NEW", "SCHEDULED", "RUNNING", "SUCCEEDED", "FAILED", "KILLED", "ASSIGNED", "UNASSIGNED"]
    seqs = [("task", W, "transitioned", "from", a, "to", b) for a, b in zip(states, states[1:], strict=False)]
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
