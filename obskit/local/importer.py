"""`obskit local import`: OTLP JSON Lines files (the OpenTelemetry Collector's file exporter format).

Each line is one OTLP/JSON export request ({"resourceSpans": ...}, {"resourceLogs": ...} or
{"resourceMetrics": ...}); `.gz` files are read compressed. A file is imported in one transaction:
a bad line stops the import with its file and line number, and nothing from that file is stored.
"""

from __future__ import annotations

import gzip
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from obskit import safejson
from obskit.errors import InputError
from obskit.local.json_rows import JSON_ROWS
from obskit.local.otlp_codec import PayloadError, from_json_value, sniff_json_line
from obskit.local.rows import ROWS, Batch
from obskit.local.store import Store
from obskit.safejson import JsonInputError

CHUNK_ROWS = 20_000  # rows buffered before they are written (bounds memory on big files)


@dataclass
class ImportResult:
    file: str
    lines: int
    stored: int
    rejected: int
    rejections: dict[str, int] = field(default_factory=dict)  # reason -> records rejected for it

    @property
    def all_rejected(self) -> bool:
        """Records arrived and not one of them could be stored."""
        return self.rejected > 0 and self.stored == 0

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "lines": self.lines, "stored": self.stored, "rejected": self.rejected,
                "rejections": [{"reason": reason, "count": count}
                               for reason, count in sorted(self.rejections.items(), key=lambda r: (-r[1], r[0]))]}


def _open(path: Path) -> IO[bytes]:
    try:
        kind = path.stat().st_mode
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(kind):  # a FIFO would block for ever, a device would never end
        raise InputError(f"{path}: not a regular file; expected an OTLP JSON Lines file (.jsonl or .jsonl.gz)")
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    magic = raw.read(2)
    raw.seek(0)
    return gzip.GzipFile(fileobj=raw) if magic == b"\x1f\x8b" else raw  # type: ignore[return-value]


def _chunks(path: Path, counter: list[int]) -> Iterator[list[Batch]]:
    pending: list[Batch] = []
    rows = 0
    with _open(path) as stream:
        lineno = 0
        try:
            for lineno, raw in enumerate(stream, start=1):  # noqa: B007 - lineno is read after the loop
                counter[0] = lineno
                if not raw.strip():
                    continue
                try:
                    value = safejson.loads(raw)
                    signal = sniff_json_line(value)
                    if signal in JSON_ROWS:
                        batch = JSON_ROWS[signal](value)
                    else:
                        batch = ROWS[signal](from_json_value(signal, value))
                    batch.check_ranges()
                except (ValueError, PayloadError) as exc:
                    reason = str(exc) if isinstance(exc, PayloadError | JsonInputError) else f"invalid JSON: {exc}"
                    raise InputError(f"{path}:{lineno}: {reason}") from None
                pending.append(batch)
                rows += batch.size
                if rows >= CHUNK_ROWS:
                    yield pending
                    pending, rows = [], 0
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}:{lineno + 1}: cannot read: {exc}") from None
    if pending:
        yield pending


def import_file(store: Store, path: Path, progress: Callable[[int], None] | None = None) -> ImportResult:
    counter = [0]
    result = store.ingest_stream(_chunks(path, counter))
    if progress:
        progress(counter[0])
    return ImportResult(str(path), counter[0], result.stored, result.rejected, dict(result.reasons))
