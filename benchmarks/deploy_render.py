"""Render of charts/obskit-stack with dependencies off (our glue templates + sample build output),
through the Helm v4 SDK. Goal: ≤ 1 s per render. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/deploy_render.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from obskit.deploy import chart, validation  # noqa: E402
from obskit.deploy.stack import StackOptions, render_stack  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "deploy"
RUNS = 10


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        options = StackOptions(profile="prod", dashboards_dir=FIXTURES / "dashboards", rules_dir=FIXTURES / "rules",
                               alertmanager_file=FIXTURES / "alertmanager.yaml")
        start = time.perf_counter()
        stack = render_stack(options, Path(tmp) / "first", validate=False)
        first = time.perf_counter() - start
        renders = []
        for _ in range(RUNS):
            start = time.perf_counter()
            chart.render(stack.user_values, chart_dir=stack.bundle.chart_dir)
            renders.append(time.perf_counter() - start)
        full = []
        for i in range(3):
            start = time.perf_counter()
            render_stack(options, Path(tmp) / f"full{i}")
            full.append(time.perf_counter() - start)
        start = time.perf_counter()
        found = validation.validate(stack.rendering.manifests)
        validate_s = time.perf_counter() - start
    print(f"objects rendered: {len(stack.rendering.manifests)} (prod profile, dependencies not packaged)")
    print(f"first render incl. bundle + SDK load: {first * 1000:.0f} ms")
    print(f"chart render (Helm SDK), {RUNS} runs: median {statistics.median(renders) * 1000:.1f} ms, "
          f"max {max(renders) * 1000:.1f} ms  (goal ≤ 1000 ms)")
    print(f"full dry-run pipeline (bundle + render + checks + kubernetes-validate 1.30–1.37), 3 runs: "
          f"median {statistics.median(full) * 1000:.0f} ms")
    print(f"kubernetes-validate alone, 8 versions: {validate_s * 1000:.0f} ms, violations: {len(found)}")


if __name__ == "__main__":
    main()
