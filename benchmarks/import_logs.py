"""`obskit local import` of 1 M log records (OTLP JSON Lines, 1,000 records per line): records/s and
peak RSS. The import streams chunks into one transaction per file; DuckDB writes full row groups of
that transaction to the store file (and spills past its memory_limit), so memory stays bounded. Run:

    .venv/bin/python benchmarks/import_logs.py [--records 1000000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from obskit.local.importer import import_file  # noqa: E402
from obskit.local.store import Store  # noqa: E402
from tests.otlp_payloads import logs_request, otlp_json  # noqa: E402

PER_LINE = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    lines = args.records // PER_LINE
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "logs.jsonl"
        line = otlp_json(logs_request(records=PER_LINE))
        with path.open("w") as out:
            for _ in range(lines):
                out.write(line + "\n")
        size = path.stat().st_size / 1e6
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with Store(Path(tmp) / "bench.duckdb") as store:
            t0 = time.perf_counter()
            result = import_file(store, path)
            elapsed = time.perf_counter() - t0
        assert result.stored == lines * PER_LINE
        print(f"imported {result.stored:,} log records ({size:.0f} MB of JSON Lines) in {elapsed:.1f} s: "
              f"{result.stored / elapsed:,.0f} records/s")
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB "
              f"(before the import: {before:.0f} MiB); load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
