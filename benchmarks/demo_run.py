"""Wall and CPU time of one demo scenario (1 h of traffic, >= 50 req/s at the frontend). Run:

    .venv/bin/python benchmarks/demo_run.py [--scenario slow-database]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from obskit.local.demo import SCENARIOS, run_scenario  # noqa: E402
from obskit.local.stats import store_stats  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="slow-database", choices=list(SCENARIOS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        wall, cpu = time.perf_counter(), time.process_time()
        run_scenario(args.scenario, db, seed=1)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        stats = store_stats(db)
        with __import__("duckdb").connect(str(db), read_only=True) as con:
            requests = con.execute("SELECT sum(count) FROM metric_points WHERE service = 'frontend' AND "
                                   "name = 'http.server.request.duration'").fetchone()[0]
    print(f"{args.scenario}: {requests:,} frontend requests in 3600 simulated s = {requests / 3600:.1f} req/s")
    print(f"stored: {stats.totals}")
    print(f"wall {wall:.1f} s, CPU {cpu:.1f} s ({os.cpu_count()} cores visible, load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
