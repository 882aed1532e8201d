"""The parse expressions the rendered Fluentd config declares (CRI line, multi-line start, text signal patterns),
run against container lines written here (JSON, logfmt, plain text, a Java stack trace), and the field map's
spellings resolved on JSON lines. The patterns are read from the rendered ConfigMap, so what is tested is what
Fluentd is given. No Fluentd runs: Ruby's named groups (?<n>...) become Python's (?P<n>...); the field map
allows only syntax both engines read the same (checked below)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from obskit.conventions import stack_fields
from obskit.deploy.wiring import fluentconf

PIPELINE = "obskit-fluentd-pipeline-obskit"
NOT_SHARED = re.compile(r"\\[hHAzZG]|\(\?[<>]?[=!]?[a-z]*-|\+\+|\*\+|\?\+|\\k<|\\g<|\(\?>")


def python(ruby: str) -> re.Pattern[str]:
    assert not NOT_SHARED.search(ruby), f"pattern uses syntax Onigmo and Python read differently: {ruby}"
    return re.compile(re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", ruby))


@pytest.fixture(scope="module")
def declared(rendered) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The patterns as rendered: CRI parse, multi-line start, text parsers (id -> pattern)."""
    cm = next(m for m in rendered("dev").rendering.manifests if m.name == PIPELINE)
    sections = fluentconf.parse_all({k: str(v) for k, v in cm.body["data"].items()})
    tail = next(s for s in sections if s.type == "tail")
    cri = next(c for c in tail.children if c.name == "parse").params["expression"]
    multiline = next(s for s in sections if s.params.get("@id") == "join_multiline").params["multiline_start_regexp"]
    text = {s.params["@id"]: next(c for c in s.children if c.name == "parse").params["expression"]
            for s in sections if s.params.get("@id", "").startswith("text_")}
    return {"cri": python(fluentconf.regexp_literal(cri)), "multiline": python(fluentconf.regexp_literal(multiline)),
            "text": {k: python(fluentconf.regexp_literal(v)) for k, v in text.items()}}


def test_the_rendered_patterns_are_the_field_maps(declared) -> None:  # type: ignore[no-untyped-def]
    fields = stack_fields.load()
    assert declared["cri"].pattern == python(fields.cri).pattern
    assert declared["multiline"].pattern == python(fields.multiline_start).pattern
    assert sorted(declared["text"]) == sorted("text_" + p.id.replace("-", "_") for p in fields.text)


CRI_LINES = [
    ('2025-03-01T10:00:00.123456789Z stdout F {"level":"info","msg":"started"}',
     ("stdout", "F", '{"level":"info","msg":"started"}')),
    ("2025-03-01T10:00:00.5+01:00 stderr P first half of a long line ", ("stderr", "P", "first half of a long line ")),
    ("2025-03-01T10:00:01.000000001Z stdout F ", ("stdout", "F", "")),
    ("2025-03-01T10:00:01.000000001Z stdout F \tat com.shop.Cart.add(Cart.java:42)",
     ("stdout", "F", "\tat com.shop.Cart.add(Cart.java:42)")),
]


@pytest.mark.parametrize("line,expected", CRI_LINES)
def test_cri_lines_split_into_stream_tag_and_text(declared, line: str, expected: tuple[str, str, str]) -> None:  # type: ignore[no-untyped-def]
    m = declared["cri"].match(line)
    assert m and (m["stream"], m["logtag"], m["log"]) == expected
    assert m["time"].startswith("2025-03-01T10:00:0")


def test_a_docker_json_line_is_not_a_cri_line(declared) -> None:  # type: ignore[no-untyped-def]
    assert declared["cri"].match('{"log":"hello\\n","stream":"stdout","time":"2025-03-01T10:00:00Z"}') is None


def records(pattern: re.Pattern[str], lines: list[str]) -> list[str]:
    """Lines grouped as the concat filter's multiline_start_regexp groups them (start line + continuations)."""
    out: list[str] = []
    for line in lines:
        if pattern.search(line) or not out:
            out.append(line)
        else:
            out[-1] += "\n" + line
    return out


def test_a_java_stack_trace_joins_the_line_it_follows(declared) -> None:  # type: ignore[no-untyped-def]
    lines = [
        "2025-03-01 10:00:00.120  INFO 1 --- [main] c.s.OrderService : order 17 accepted",
        "2025-03-01 10:00:00.123 ERROR 1 --- [http-nio-8080-exec-3] c.s.OrderService : order 18 failed",
        "java.lang.IllegalStateException: cart 18 is empty",
        "\tat com.shop.cart.Cart.checkout(Cart.java:88)",
        "\tat com.shop.order.OrderService.place(OrderService.java:41)",
        "Caused by: com.shop.db.StoreException: connection reset",
        "\tat com.shop.db.Store.read(Store.java:12)",
        "\t... 42 more",
        '{"level":"warn","msg":"retrying order 18"}',
        "Exception in thread \"worker-2\" java.lang.OutOfMemoryError: Java heap space",
        "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3512)",
    ]
    got = records(declared["multiline"], lines)
    assert len(got) == 4
    assert got[0].endswith("order 17 accepted")
    assert got[1].startswith("2025-03-01 10:00:00.123 ERROR") and got[1].endswith("\t... 42 more")
    assert got[1].count("\n") == 6
    assert got[2] == '{"level":"warn","msg":"retrying order 18"}'
    assert got[3].startswith("Exception in thread") and got[3].count("\n") == 1


def test_plain_logfmt_and_json_lines_each_start_a_record(declared) -> None:  # type: ignore[no-untyped-def]
    lines = ['level=info msg="listening on :8080"', "GET /health 200 1.2ms", '{"msg":"x"}', "[WARN] disk at 81%"]
    assert records(declared["multiline"], lines) == lines


def signals(declared: dict[str, Any], line: str) -> dict[str, str]:
    """What the text parsers set on a line, in their declared order (a later match overrides)."""
    out: dict[str, str] = {}
    for key in sorted(declared["text"], key=lambda k: list(declared["text"]).index(k)):
        m = declared["text"][key].search(line)
        if m:
            out.update({k: v for k, v in m.groupdict().items() if v is not None})
    return out


TEXT_LINES = [
    ('ts=2025-03-01T10:00:00Z level=error msg="payment declined" trace_id=4bf92f3577b34da6a3ce929d0e0e4736 '
     "span_id=00f067aa0ba902b7",
     {"level": "error", "message": "payment declined", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
      "span_id": "00f067aa0ba902b7"}),
    ("level=warn msg=slow_query duration=2.3s", {"level": "warn", "message": "slow_query"}),
    ("2025-03-01 10:00:00.123 ERROR [orders,4bf92f3577b34da6a3ce929d0e0e4736,00f067aa0ba902b7] 1 --- [main] "
     "c.s.OrderService : order failed",
     {"level": "ERROR", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"}),
    ("2025-03-01T10:00:00.000Z\tinfo\tcart/handler.go:51\tcart updated\t{\"TraceID\": \"4bf92f3577b34da6\"}",
     {"level": "info", "trace_id": "4bf92f3577b34da6"}),
    ("[WARN] 2025-03-01 disk usage 81% TraceID: 4bf92f3577b34da6a3ce929d0e0e4736",
     {"level": "WARN", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}),
    ("GET /cart/items?id=7 200 12ms", {}),
    ("Failed to fetch info from inventory, retrying", {}),  # "info" in prose is not a level
]


@pytest.mark.parametrize("line,expected", TEXT_LINES)
def test_text_and_logfmt_lines_yield_their_signals(declared, line: str, expected: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    assert signals(declared, line) == expected


def resolve(spellings: list[str], app: dict[str, Any]) -> Any:
    """A field map spelling list on a parsed JSON line: first present wins; dotted = literal key or nested path
    (the rule the rendered record_transformer applies, see test_the_normalising_step_tries_every_spelling)."""
    for spelling in spellings:
        for path in ([spelling], spelling.split(".")) if "." in spelling else ([spelling],):
            node: Any = app
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            if node is not None:
                return node
    return None


JSON_LINES = [
    ('{"severity_text":"ERROR","body":"charge failed","trace_id":"4BF92F3577B34DA6A3CE929D0E0E4736",'
     '"span_id":"00f067aa0ba902b7","resource":{"service":{"name":"payments"}}}',  # OTel log record shape
     {"level": "ERROR", "message": "charge failed", "trace_id": "4BF92F3577B34DA6A3CE929D0E0E4736",
      "span_id": "00f067aa0ba902b7", "service": "payments"}),
    ('{"@timestamp":"2025-03-01T10:00:00Z","log.level":"warn","message":"slow","trace.id":"abc123abc123abc1",'
     '"span.id":"def456def456def4","service.name":"cart"}',  # ECS (dotted keys)
     {"level": "warn", "message": "slow", "trace_id": "abc123abc123abc1", "span_id": "def456def456def4",
      "service": "cart"}),
    ('{"@timestamp":"2025-03-01T10:00:00Z","log":{"level":"info"},"message":"ok","trace":{"id":"aa"},'
     '"service":{"name":"orders"}}',  # ECS (nested objects)
     {"level": "info", "message": "ok", "trace_id": "aa", "span_id": None, "service": "orders"}),
    ('{"level":"INFO","logger_name":"c.s.App","message":"started","traceId":"bb","spanId":"cc"}',  # logback encoder
     {"level": "INFO", "message": "started", "trace_id": "bb", "span_id": "cc", "service": None}),
    ('{"level":"error","ts":1740823200.1,"caller":"cart/h.go:9","msg":"boom","trace_id":"dd"}',  # zap production
     {"level": "error", "message": "boom", "trace_id": "dd", "span_id": None, "service": None}),
    ('{"level":"debug","message":"cache hit","time":"2025-03-01T10:00:00Z"}',  # zerolog
     {"level": "debug", "message": "cache hit", "trace_id": None, "span_id": None, "service": None}),
]


@pytest.mark.parametrize("line,expected", JSON_LINES)
def test_json_lines_normalise_through_the_field_map(line: str, expected: dict[str, Any]) -> None:
    app = json.loads(line)
    spellings = stack_fields.load().spellings
    assert {signal: resolve(spellings[signal], app) for signal in expected} == expected


def test_invalid_json_stays_text_and_keeps_its_signals(declared) -> None:  # type: ignore[no-untyped-def]
    line = '{"level":"error","msg":"truncated'  # cut by the runtime before the partial was joined
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)
    assert signals(declared, line) == {"level": "error"}


def test_the_normalising_step_tries_every_spelling(rendered) -> None:  # type: ignore[no-untyped-def]
    cm = next(m for m in rendered("dev").rendering.manifests if m.name == PIPELINE)
    record = next(s for s in fluentconf.parse_all({"f": cm.body["data"]["03_fields.conf"]}) if s.name == "record")
    fields, spellings = stack_fields.load().fields, stack_fields.load().spellings
    for signal in ("message", "level", "trace_id", "span_id", "service"):
        ruby = record.params[fields[signal]]
        assert "}" not in ruby[2:-1]  # record_transformer ends a ${...} placeholder at the first brace
        tries = re.findall(r'record\.dig\("app", ([^)]*)\) rescue nil', ruby)
        expected = []
        for spelling in spellings[signal]:
            expected.append(json.dumps(spelling))
            if "." in spelling:
                expected.append(", ".join(json.dumps(k) for k in spelling.split(".")))
        assert tries == expected  # in the map's order: first present wins
    assert record.params[fields["message"]].endswith('|| record["message"] || record["log"]).to_s}')
