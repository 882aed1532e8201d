"""The log template miner: first-pass masking, learned variable positions, batch and online mining."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obskit.logmine import templates
from obskit.logmine.masking import Masker
from obskit.logmine.templates import WILDCARD, TemplateMiner, mine, tokenize


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Stored chunk chk_-481 of length 52428800 at /10.4.2.9", "Stored chunk <*> of length <*> at <*>"),
        ("vault unlocked for operator mirela by (gid=0)", "vault unlocked for operator mirela by (gid=<*>)"),
        ("onRefill:1702219933000 8 1 3", "onRefill:<*> <*>"),
        ("peer=quillon.com owner=admin", "peer=<*> owner=admin"),
        ("probe from 10.9.8.7 () on Tue Mar 14 11:02:33 2023", "probe from <*> (<*>) on <*>"),
        ("trace 4bf92f3577b34da6a3ce929d0e0e4736 done", "trace <*> done"),
        ("id 123e4567-e89b-12d3-a456-426614174000 ok", "id <*> ok"),
        ("PUT /store/v2/carts/9 s3://bucket/tmp/y", "PUT <*>"),
        ("task_2023_0311_r_000017_2: Flushed", "<*>: Flushed"),
        ("Pump Primed (Cycle Event)", "Pump Primed (Cycle Event)"),
        ("lookup for relay.north.example.fr timed out", "lookup for <*> timed out"),
        ("opened libz.so and boot.sh", "opened libz.so and boot.sh"),  # one label and two letters: a file
        ("May we proceed", "May we proceed"),
        # a unit belongs to its value, so a template does not split on whether a writer printed one
        ("took 5 ms", "took <*>"),
        ("uptime <1 sec", "uptime <*>"),
        ("cached object 12.5 B, remaining 840.2 KB)", "cached object <*>, remaining <*>)"),
        # a value restated in brackets is a value of its own (no special case folds it into the first)
        ("0 bytes (3.25 KB) uploaded", "<*> (<*>) uploaded"),
        ("0 bytes uploaded", "<*> uploaded"),
        # host:port is one value, whatever the top-level domain
        ("cache.example.store:6380 ready", "<*> ready"),
        # a quoted value of a key is one value, however many words it has
        ('hold wakelock="Sync Adapter", pid=7', "hold wakelock=<*>, pid=<*>"),
        ('hold wakelock="Backup", pid=7', "hold wakelock=<*>, pid=<*>"),
        # a list of repeated value groups folds to one group
        ("nodes n-1 0x1f <ok> n-2 0x2f <ok> n-3 0x3f <ok>", "nodes <*> <ok>"),
    ],
)
def test_tokenize_masks_unmistakable_variables(message: str, expected: str) -> None:
    assert " ".join(tokenize(message)) == expected


def _texts(lines: list[str]) -> list[str]:
    return [t.text for t in mine(lines)[1]]


def test_constants_differ_means_different_templates() -> None:
    assigned, ranked = mine(["Pump Primed x", "Pump Halted x", "Pump Primed x"])
    assert assigned[0] is assigned[2]
    assert assigned[0] is not assigned[1]
    assert [(t.count, t.text) for t in ranked] == [(2, "Pump Primed x"), (1, "Pump Halted x")]


USERS = ["alice", "bob", "carol", "dave"]


def test_digit_free_values_that_recur_across_templates_are_variables() -> None:
    lines = []
    for user in USERS:
        lines += [f"Rejected login {user} from 10.0.0.1", f"auth_check: unknown login {user} [denied]"]
    assert sorted(_texts(lines)) == ["Rejected login <*> from <*>", "auth_check: unknown login <*> [denied]"]


def test_an_enumeration_in_one_template_stays_constant() -> None:
    lines = [f"[pod: {i}] Pump {state} (Cycle Event)" for i in range(40)
             for state in ("Primed", "Halted", "Flushed", "Drained")]
    assert len(_texts(lines)) == 4


def test_many_distinct_words_in_one_slot_are_a_variable() -> None:
    hosts = ["mail.example.xyz", "gw.corp", "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]
    lines = [f"forward lookup for {h} disagrees - SPOOFING SUSPECTED!" for h in hosts]
    assert _texts(lines) == ["forward lookup for <*> disagrees - SPOOFING SUSPECTED!"]


def test_short_messages_keep_their_only_constant() -> None:
    # with one token left a skeleton says nothing: these are different events, not one variable
    lines = [f"{name} {i}" for i in range(3) for name in ("onGaugeMoved", "onRefill", "persistQueueToDisk")]
    assert len(_texts(lines)) == 3


def test_positions_that_vary_together_are_learned() -> None:
    lines = [f"tunnel raised for member {u} on gateway {h}" for u in USERS for h in ("north", "south", "east")]
    lines += [f"tunnel dropped for member {u} on gateway {h}" for u in USERS for h in ("north", "south", "east")]
    assert sorted(_texts(lines)) == ["tunnel dropped for member <*> on gateway <*>",
                                     "tunnel raised for member <*> on gateway <*>"]


def test_units_and_quoted_values_of_any_length_share_a_template() -> None:
    lines = ["relay.bin finish, 0 bytes pushed, 412 bytes pulled, uptime 00:02",
             "relay.bin finish, 0 bytes pushed, 412 bytes pulled, uptime <1 sec",
             'hold lock=1, wakelock="Sync Adapter", pid=2', 'hold lock=3, wakelock="*job* refresh feed now", pid=4']
    assigned, _ = mine(lines)
    assert assigned[0] is assigned[1]
    assert assigned[2] is assigned[3]


def test_ids_are_stable_in_first_seen_order_and_counts_add_up() -> None:
    miner = TemplateMiner()
    lines = ["a 1", "b 2", "a 3", "b 4", "c", "a 5"]
    ids = [miner.assign(line, i).id for i, line in enumerate(lines)]
    assert ids == [1, 2, 1, 2, 3, 1]
    assert sum(t.count for t in miner.templates()) == len(lines)
    assert miner.templates()[0].example == "a 1"
    assigned, ranked = mine(lines)
    assert [t.id for t in assigned] == ids
    assert [t.id for t in ranked] == [1, 2, 3]


def test_batch_result_does_not_depend_on_line_order() -> None:
    lines = [f"Rejected login {u} from 10.0.0.{i}" for i, u in enumerate(USERS)]
    lines += [f"auth_check: unknown login {u} [denied]" for u in USERS]
    assert sorted(_texts(lines)) == sorted(_texts(list(reversed(lines))))


def test_online_miner_learns_variables_and_a_line_keeps_its_id() -> None:
    miner = TemplateMiner()
    lines = []
    for _ in range(3):
        for user in USERS:
            lines += [f"Rejected login {user} from 10.0.0.1", f"auth_check: unknown login {user} [denied]"]
    ids = [miner.assign(line, i).id for i, line in enumerate(lines)]
    by_id = {t.id: t for t in miner.templates()}
    assert set(ids) <= set(by_id)  # every id handed out is still a template
    assert sum(t.count for t in miner.templates()) == len(lines)
    seen: dict[str, int] = {}
    for line, tid in zip(lines, ids, strict=True):  # investigate compares two windows mined one after the other
        assert seen.setdefault(line, tid) == tid
    later = [miner.assign(f"Rejected login {u} from 10.0.0.9").text for u in ("erin", "frank", "grace")]
    assert later == ["Rejected login <*> from <*>"] * 3  # once learned, new users join one template
    assert len(miner.templates()) < 2 * len(USERS)


def test_online_miner_puts_a_word_where_a_template_holds_a_variable() -> None:
    miner = TemplateMiner()
    masked = miner.assign("Resolved db-1.internal.example.com to 10.0.0.4")  # the host masks (digits)
    assert masked.text == "Resolved <*> to <*>"
    assert miner.assign("Resolved gateway.lab to 10.0.0.5") is masked  # no digits, an unknown domain: joins
    # the other way round: words first, then a line with a variable there takes them in
    first = miner.assign("Cache warm for edge.lab slot 12")
    assert first.text == "Cache warm for edge.lab slot <*>"
    joined = miner.assign("Cache warm for node-7.cluster.example.org slot 15")
    assert joined.text == "Cache warm for <*> slot <*>"
    assert miner.assign("Cache warm for other.lab slot 9") is joined


def test_online_miner_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templates, "MAX_TEMPLATES", 5)
    miner = TemplateMiner()
    for i in range(50):
        miner.assign(f"event{chr(97 + i % 26)}{chr(97 + i // 26)} happened")
    assert len(miner.templates()) == 6  # five shapes and the overflow template
    assert miner.templates()[-1].count == 45


def test_empty_message_has_a_template() -> None:
    assigned, _ = mine(["", "   "])
    assert assigned[0] is assigned[1]
    assert assigned[0].text == "(empty)"
    assert WILDCARD not in assigned[0].text


def test_cli_jsonl_one_object_per_line_in_order(repo_root) -> None:
    lines = ('user 1 logged in\nuser 2 logged in\ndisk full on /dev/sda1\n{"level":"info","msg":"user 3 logged in"}\n'
             "\n")
    proc = subprocess.run([sys.executable, "-m", "obskit", "logs", "patterns", "-", "--format", "jsonl"],
                          input=lines, capture_output=True, text=True, cwd=repo_root, check=True)
    rows = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [r["template_id"] for r in rows] == [1, 1, 2, 1, 3]
    assert rows[0]["template"] == "user <*> logged in"
    assert rows[2]["template"] == "disk full on <*>"
    assert rows[4]["template"] == "(empty)"


def test_units_are_shown_while_the_lines_agree_on_them() -> None:
    assert _texts(["request 17 took 20 ms", "request 18 took 31 ms"]) == ["request <*> took <*> ms"]
    assigned, ranked = mine(["uptime <1 sec", "uptime 00:02"])
    assert assigned[0] is assigned[1]
    assert ranked[0].text == "uptime <*>"
    miner = TemplateMiner()
    assert miner.assign("took 5 ms").text == "took <*> ms"
    assert miner.assign("took 00:02").text == "took <*>"


def test_punctuation_does_not_hide_shared_values() -> None:
    lines = []
    for user in USERS:
        lines += [f"login failed for {user}, retrying", f"account ({user}) locked after retries"]
    assert sorted(_texts(lines)) == ["account <*> locked after retries", "login failed for <*> retrying"]


_PIECES = ["user", "id=", "(uid=", "chk_", "x", "Jun", "KB", "ms", "/tmp/", "a.b.com:", 'lock="', '"', ")", ",", ":",
           "-", "_", ".", "=", "[", "]", "0x", "sec", "<"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(st.sampled_from(_PIECES), st.from_regex(r"[0-9][a-z0-9_-]{0,4}", fullmatch=True)),
                         min_size=1, max_size=4).map("".join), min_size=1, max_size=8),
       st.randoms(use_true_random=False))
def test_lines_with_equal_keys_have_equal_templates(tokens: list[str], rnd) -> None:
    """The per-line key folds digit runs: masking must not depend on the value of a digit run."""
    message = " ".join(tokens)
    other = re.sub(r"[0-9][\w-]*", lambda m: str(rnd.randint(0, 99999)) + "abc"[: rnd.randint(0, 3)], message)
    masker = Masker()
    assert masker.key(message) == masker.key(other)
    assert Masker().template(message) == Masker().template(other)


def test_cli_jsonl_one_row_per_newline_only(repo_root) -> None:
    # form feeds, vertical tabs and Unicode line separators inside a message do not split it
    data = "user 1\x0cin\r\nuser 2\u2028in\nuser 3\x0bin\x85x\n"
    proc = subprocess.run([sys.executable, "-m", "obskit", "logs", "patterns", "-", "--format", "jsonl"],
                          input=data.encode(), capture_output=True, cwd=repo_root, check=True)
    rows = [json.loads(x) for x in proc.stdout.decode().split("\n") if x]
    assert len(rows) == 3
