"""Figures for `obskit alerts`: SLO generation, emit and lint time for N SLOs. Prints, never asserts.

Run: .venv/bin/python benchmarks/alerts_build.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from obskit.alerts.emit import BuildOptions, build
from obskit.alerts.lint import LintOptions, lint
from obskit.alerts.rulefiles import load_all

SLO = """\
  - name: slo-{i}
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{{job="svc-{i}",code=~"5.."}}[{{{{.window}}}}]))
        total_query: sum(rate(http_requests_total{{job="svc-{i}"}}[{{{{.window}}}}]))
    alerting:
      name: Svc{i}BudgetBurn
      annotations: {{runbook_url: https://example.com/runbooks/slo}}
"""


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        spec = "version: prometheus/v1\nservice: bench\nslos:\n" + "".join(SLO.format(i=i) for i in range(count))
        (root / "slos.yaml").write_text(spec)
        start = time.perf_counter()
        rulesets = load_all([root])
        loaded = time.perf_counter()
        build(rulesets, BuildOptions(out=root / "out"))
        built = time.perf_counter()
        report = lint(rulesets, LintOptions())
        linted = time.perf_counter()
    rules = sum(len(rs.rules()) for rs in rulesets)
    print(f"SLOs: {count}, generated rules: {rules}")
    print(f"parse + generate: {(loaded - start) * 1000:.0f} ms")
    print(f"emit YAML:        {(built - loaded) * 1000:.0f} ms")
    print(f"lint (offline):   {(linted - built) * 1000:.0f} ms ({len(report.problems)} problems)")


if __name__ == "__main__":
    main()
