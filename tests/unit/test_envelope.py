"""obskit.envelope.dumps: schema_version once and first, the payload's keys sorted after it."""

from __future__ import annotations

import json

import pytest

from obskit.envelope import SCHEMA_VERSION, dumps


def test_the_version_comes_first_and_the_payload_keys_follow_sorted() -> None:
    text = dumps({"problems": [], "checked": 3})
    assert text == '{\n  "schema_version": "1",\n  "checked": 3,\n  "problems": []\n}\n'


def test_a_payload_carrying_the_same_version_has_it_written_once() -> None:
    text = dumps({"schema_version": SCHEMA_VERSION, "verdict": "ok"})
    assert text.count('"schema_version"') == 1
    assert json.loads(text) == {"schema_version": SCHEMA_VERSION, "verdict": "ok"}


def test_an_empty_payload_is_the_version_alone() -> None:
    assert dumps({}) == '{\n  "schema_version": "1"\n}\n'


def test_a_payload_with_another_version_is_refused() -> None:
    with pytest.raises(ValueError, match="schema_version '2'"):
        dumps({"schema_version": "2", "verdict": "ok"})
