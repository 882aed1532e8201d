"""Build 500 generated service dashboards (FSDK builders -> JSON files) and lint them; print wall times.

Goal: build <= 5 s wall. Run: .venv/bin/python benchmarks/dashboards_build.py [--count 500]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from obskit.conventions import metric_profiles
from obskit.dashboards import emit
from obskit.dashboards.builders import service_dashboard
from obskit.dashboards.lint import LintContext, LintOptions, run_checks
from obskit.dashboards.model import Dashboard, kind_of, to_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    profiles = sorted(metric_profiles())
    start = time.perf_counter()
    dashboards = []
    for i in range(args.count):
        builder = service_dashboard(f"service-{i:04d}", profiles[i % len(profiles)])
        dashboards.append(Dashboard(Path("bench.py"), f"svc-service-{i:04d}", to_data(builder), kind_of(builder)))
    with tempfile.TemporaryDirectory() as out:
        written = emit.write(emit.outputs(dashboards, "json"), Path(out))
        size = sum(p.stat().st_size for p in written)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    problems = run_checks(LintContext(dashboards, LintOptions()))
    lint_s = time.perf_counter() - start
    print(f"dashboards built:  {len(written)} files, {size / 1e6:.1f} MB")
    print(f"build wall time:   {build_s:.2f} s  (goal <= 5 s)")
    print(f"offline lint time: {lint_s:.2f} s  ({len(problems)} problems)")


if __name__ == "__main__":
    main()
