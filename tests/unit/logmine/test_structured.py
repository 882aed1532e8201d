"""Structured log lines: the message field of JSON objects and logfmt lines is what gets mined."""

from __future__ import annotations

import pytest

from obskit.conventions.log_lines import MessageFields, message_fields
from obskit.logmine.structured import extract
from obskit.logmine.templates import mine

FIELDS = message_fields()


@pytest.mark.parametrize(
    ("line", "message", "structure"),
    [
        ('{"level":"error","msg":"payment declined","order":42}', "payment declined", "json"),
        ('  {"message": "disk full", "log.level": "warn"}  ', "disk full", "json"),
        ('{"log": {"message": "nested message"}, "level": "info"}', "nested message", "json"),  # dotted key
        ('{"log.message": "literal dotted key"}', "literal dotted key", "json"),
        ('{"event": 404, "level": "info"}', "404", "json"),  # non-string scalars are messages too
        ('{"msg": true}', "true", "json"),
        ('{"msg": null, "message": "second choice"}', "second choice", "json"),
        ('{"msg": {"a": 1}, "message": "objects are not messages"}', "objects are not messages", "json"),
        ('{"msg": "", "text": "empty is skipped"}', "empty is skipped", "json"),
        # no message field: the other fields, metadata such as level and time left out
        ('{"level": "info", "time": "t", "path": "/x", "status": 200}', "path=/x status=200", "json"),
        # a container runtime wrapping an application's JSON line
        ('{"log": "{\\"level\\":\\"info\\",\\"msg\\":\\"wrapped\\"}\\n", "stream": "stdout"}', "wrapped", "json"),
        ('level=info msg="cache miss for key k1" took=3ms', "cache miss for key k1", "logfmt"),
        ('level=info msg="quoted \\"inner\\" text" x=1', 'quoted "inner" text', "logfmt"),
        ("level=info status=200 path=/x", "status=200 path=/x", "logfmt"),
        ("vault unlocked for operator root by (gid=0)", "vault unlocked for operator root by (gid=0)", "text"),
        ("a=1", "a=1", "text"),  # one pair is not enough to call a line logfmt
        ("[1, 2, 3]", "[1, 2, 3]", "text"),
        ('["json", "array"]', '["json", "array"]', "text"),
    ],
)
def test_message_of_a_line(line: str, message: str, structure: str) -> None:
    got = extract(line, FIELDS)
    assert (got.message, got.structure, got.error) == (message, structure, None)


def test_invalid_json_is_mined_as_text_and_says_why() -> None:
    got = extract('{"level":"info","msg": oops', FIELDS)
    assert got.structure == "text"
    assert got.message == '{"level":"info","msg": oops'
    assert got.error is not None and got.error.startswith("invalid JSON (") and "column 24" in got.error


def test_message_fields_are_overridable() -> None:
    fields = MessageFields(message=("payload.text",), metadata=FIELDS.metadata)
    assert extract('{"msg": "not this", "payload": {"text": "this"}}', fields).message == "this"


def test_level_never_enters_a_template() -> None:
    lines = ['{"level":"error","msg":"payment declined","order":1}',
             '{"level":"info","msg":"payment declined","order":2}',
             '{"level":"info","msg":"order created","order":3}']
    assigned, ranked = mine(extract(line, FIELDS).message for line in lines)
    assert assigned[0] is assigned[1]
    assert [t.text for t in ranked] == ["payment declined", "order created"]
