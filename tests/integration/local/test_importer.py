"""`obskit local import`: Collector file-exporter JSON Lines (plain and .gz), all-or-nothing per file."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

from obskit.errors import InputError
from obskit.local.importer import import_file
from obskit.local.store import Store
from tests.otlp_payloads import histogram_request, logs_request, otlp_json, spans_request


def jsonl(*messages) -> str:
    return "".join(otlp_json(m) + "\n" for m in messages)


def test_import_all_three_signals_plain_and_gzip(tmp_path: Path) -> None:
    text = jsonl(spans_request(traces=2), logs_request(records=4),
                 histogram_request("cart", [(2 * 10**18, 10**18, {"http.response.status_code": 200}, [1, 2, 0])],
                                   [0.1, 1.0]))
    plain = tmp_path / "otlp.jsonl"
    plain.write_text(text)
    zipped = tmp_path / "otlp.jsonl.gz"
    zipped.write_bytes(gzip.compress(text.encode()))
    with Store(tmp_path / "s.duckdb") as store:
        first = import_file(store, plain)
        second = import_file(store, zipped)
    assert (first.lines, first.stored, first.rejected) == (3, 4 + 4 + 1, 0)
    assert second.stored == first.stored
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM spans").fetchone() == (8,)
    assert con.execute("SELECT buckets FROM metric_points LIMIT 1").fetchone() == ([1, 2, 0],)
    # ids came through the JSON hex encoding intact: every child points at a parent that exists
    orphans = con.execute("SELECT count(*) FROM spans c WHERE parent_span_id IS NOT NULL AND NOT EXISTS "
                          "(SELECT 1 FROM spans p WHERE p.span_id = c.parent_span_id)").fetchone()
    assert orphans == (0,)


@pytest.mark.parametrize(("line", "reason"), [
    ("{broken", "invalid JSON"),
    ('{"something": []}', "not an OTLP JSON record"),
    ('{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "xyz"}]}]}]}', "not a hex id"),
])
def test_bad_line_names_file_and_line_and_stores_nothing(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(jsonl(spans_request(), logs_request()) + line + "\n")
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(InputError, match=rf"bad\.jsonl:3: .*{reason}"):
            import_file(store, path)
        with store.transaction() as con:
            assert con.execute("SELECT (SELECT count(*) FROM spans) + (SELECT count(*) FROM logs)").fetchone() == (0,)


def test_unreadable_file(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(InputError, match="missing.jsonl: cannot read"):
        import_file(store, tmp_path / "missing.jsonl")
    truncated = tmp_path / "cut.jsonl.gz"
    truncated.write_bytes(gzip.compress(jsonl(spans_request()).encode())[:-12])
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(InputError, match=r"cut\.jsonl\.gz:\d+"):
        import_file(store, truncated)


def test_a_file_bigger_than_a_row_group_is_still_all_or_nothing(tmp_path: Path) -> None:
    """Past 122,880 rows DuckDB writes row groups of the open transaction to the store file (that is
    what keeps a big import's memory bounded); a bad last line must still leave nothing behind."""
    line = otlp_json(logs_request(records=2000))
    path = tmp_path / "big.jsonl"
    path.write_text((line + "\n") * 64 + "{broken\n")
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(InputError, match=r"big\.jsonl:65: invalid JSON"):
            import_file(store, path)
        path.write_text((line + "\n") * 64)
        assert import_file(store, path).stored == 128_000
        store.checkpoint()
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT body) FROM logs").fetchone() == (128_000, 2000)
