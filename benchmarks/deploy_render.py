"""The full render of the stack: charts/obskit-stack with every pinned upstream subchart (from
$OBSKIT_CHARTS_DIR, else Helm's charts/, else ../shared/upstream-charts), our glue templates and sample
build output, through the Helm v4 SDK; then each stage of the dry run timed on its own.
Prints figures; asserts nothing.

    .venv/bin/python benchmarks/deploy_render.py [profile ...]     (default: dev prod)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from obskit.deploy import chart, chartsource, checks, crdschema, validation, wiring  # noqa: E402
from obskit.deploy.profiles import load_profile  # noqa: E402
from obskit.deploy.stack import StackOptions, render_stack  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "deploy"
MIRROR = ROOT.parent / "shared" / "upstream-charts"
RUNS = 5


def _mirror() -> Path | None:
    if os.environ.get(chartsource.ENV, "").strip():
        return Path(os.environ[chartsource.ENV])
    return None if chartsource.locate(chart.CHART_DIR, None).kind == "helm" else MIRROR


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def bench(profile: str, tmp: Path) -> None:
    options = StackOptions(profile=profile, dashboards_dir=FIXTURES / "dashboards", rules_dir=FIXTURES / "rules",
                           alertmanager_file=FIXTURES / "alertmanager.yaml", charts_dir=_mirror())
    start = time.perf_counter()
    stack = render_stack(options, tmp / f"{profile}-first")
    first = time.perf_counter() - start
    renders = []
    for _ in range(RUNS):
        start = time.perf_counter()
        chart.render(stack.user_values, chart_dir=stack.bundle.chart_dir)
        renders.append(time.perf_counter() - start)
    start = time.perf_counter()
    checks.all_problems(stack.rendering, "obskit", load_profile(profile), full=False)
    own_checks = time.perf_counter() - start
    start = time.perf_counter()
    wiring.run(stack.rendering.manifests, "observability", stack.rendering.values)
    wiring_s = time.perf_counter() - start
    start = time.perf_counter()
    assert stack.source is not None
    schemas = crdschema.schemas(stack.bundle.chart_dir, stack.source)
    crd_load = time.perf_counter() - start
    custom = [m for m in stack.rendering.manifests if (m.api_version, m.kind) in schemas]
    start = time.perf_counter()
    validation.validate(custom, crd_schemas=schemas)
    crd_s = time.perf_counter() - start
    core = [m for m in stack.rendering.manifests if (m.api_version, m.kind) not in schemas]
    start = time.perf_counter()
    validation.validate(core)
    core_s = time.perf_counter() - start
    rendered = {chart.chart_of(m.template).split("/")[0] for m in stack.rendering.manifests} - {"obskit-stack"}
    deps = [d for d in stack.rendering.dependencies if d.name in rendered]
    print(f"{profile}: {len(stack.rendering.manifests)} objects from {len(deps)} subcharts "
          f"({', '.join(f'{d.name} {d.version}' for d in deps)}) + obskit's templates; "
          f"charts from {stack.source.describe()}")
    print(f"  whole dry run (bundle + render + checks + validation), first: {_ms(first)}")
    print(f"  Helm SDK render alone, {RUNS} runs: median {_ms(statistics.median(renders))}, max {_ms(max(renders))}")
    print(f"  obskit's own checks: {_ms(own_checks)}; wiring checks: {_ms(wiring_s)}")
    print(f"  CRD schemas loaded ({len(schemas)} kinds): {_ms(crd_load)}; {len(custom)} custom resources "
          f"validated: {_ms(crd_s)}")
    print(f"  kubernetes-validate strict, {len(core)} objects x {len(validation.KUBERNETES_VERSIONS)} versions: "
          f"{_ms(core_s)}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for profile in sys.argv[1:] or ["dev", "prod"]:
            bench(profile, Path(tmp))


if __name__ == "__main__":
    main()
