"""Adopting obskit: wall time of `obskit init` and of `obskit check --offline` on the fresh scaffold, and the
cost of locating PromQL parse errors with promtool. Medians of --runs runs; prints figures, asserts nothing.

Run: .venv/bin/python benchmarks/adopt_init_check.py [--services 2 --services 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from obskit.promql_errors import locate


def _timed(args: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "obskit", *args], cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, action="append")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for count in args.services or [2, 20]:
        inits, checks, codes = [], [], set()
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                repo = Path(tmp) / "repo"
                services = [arg for i in range(count) for arg in ("--service", f"svc-{i:03d}")]
                seconds, code = _timed(["init", str(repo), *services], Path(tmp))
                inits.append(seconds)
                codes.add(code)
                seconds, code = _timed(["check", "--offline"], repo)
                checks.append(seconds)
                codes.add(code)
        print(f"{count:>3} services: init {statistics.median(inits):.2f} s, check --offline "
              f"{statistics.median(checks):.2f} s (exit codes {sorted(codes)})")
    for failing in (1, 50):
        exprs = [f"sum(rate(metric_{i}_total[5m]) >" for i in range(failing)]
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            found = locate(exprs)
            times.append(time.perf_counter() - start)
        located = len(found or {})
        print(f"parse-error positions via promtool: {failing} failing expressions in "
              f"{statistics.median(times) * 1000:.0f} ms ({located} located)")


if __name__ == "__main__":
    main()
