"""The log template miner: masking rules and grouping."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from obskit.investigate.templates import WILDCARD, TemplateMiner, mine, tokenize


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Received block blk_-123 of size 67108864 from /10.0.0.1", "Received block <*> of size <*> from <*>"),
        ("session opened for user cyrus by (uid=0)", "session opened for user cyrus by (uid=<*>)"),
        ("onExtend:1514038530000 14 0 4", "onExtend:<*> <*>"),
        ("rhost=zummit.com user=root", "rhost=<*> user=root"),
        ("connection from 1.2.3.4 () at Mon Jun 20 03:40:59 2005", "connection from <*> (<*>) at <*>"),
        ("estimated size 93.0 B, free 317.1 KB)", "estimated size <*>, free <*>)"),
        ("trace 4bf92f3577b34da6a3ce929d0e0e4736 done", "trace <*> done"),
        ("id 123e4567-e89b-12d3-a456-426614174000 ok", "id <*> ok"),
        ("GET /api/v1/items/7 hdfs://nn/tmp/x", "GET <*>"),
        ("attempt_2017_0024_m_000004_1026: Committed", "<*>: Committed"),
        ("VM Started (Lifecycle Event)", "VM Started (Lifecycle Event)"),
        ("May I help", "May I help"),
    ],
)
def test_tokenize_masks_variables(message: str, expected: str) -> None:
    assert " ".join(tokenize(message)) == expected


def test_constants_differ_means_different_templates() -> None:
    assigned, ranked = mine(["VM Started x", "VM Paused x", "VM Started x"])
    assert assigned[0] is assigned[2]
    assert assigned[0] is not assigned[1]
    assert [(t.count, t.text) for t in ranked] == [(2, "VM Started x"), (1, "VM Paused x")]


def test_ids_are_stable_in_first_seen_order_and_counts_add_up() -> None:
    miner = TemplateMiner()
    lines = ["a 1", "b 2", "a 3", "b 4", "c", "a 5"]
    ids = [miner.assign(line, i).id for i, line in enumerate(lines)]
    assert ids == [1, 2, 1, 2, 3, 1]
    assert sum(t.count for t in miner.templates()) == len(lines)
    assert miner.templates()[0].example == "a 1"


def test_empty_message_has_a_template() -> None:
    assigned, _ = mine(["", "   "])
    assert assigned[0] is assigned[1]
    assert assigned[0].text == "(empty)"
    assert WILDCARD not in assigned[0].text


def test_cli_jsonl_one_object_per_line_in_order(repo_root) -> None:
    lines = "user 1 logged in\nuser 2 logged in\ndisk full on /dev/sda1\n"
    proc = subprocess.run([sys.executable, "-m", "obskit", "logs", "patterns", "-", "--format", "jsonl"],
                          input=lines, capture_output=True, text=True, cwd=repo_root, check=True)
    rows = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [r["template_id"] for r in rows] == [1, 1, 2]
    assert rows[0]["template"] == "user <*> logged in"
    assert rows[2]["template"] == "disk full on <*>"
