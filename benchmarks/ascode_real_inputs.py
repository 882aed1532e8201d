"""Figures for as-code on real-world inputs: how many exported dashboards import (typed) and build back,
and what the rule checks find in a rule collection. Prints, never asserts.

Run: .venv/bin/python benchmarks/ascode_real_inputs.py [--dashboards DIR] [--rules DIR]
DIR holds Grafana dashboard JSON files / Prometheus rule files or PrometheusRule objects (any source: a
chart's rendered output, a grafana.com download, a rules pack); nothing is copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from pathlib import Path

from obskit.alerts.lint import LintOptions, lint
from obskit.alerts.rulefiles import load_all
from obskit.dashboards.equality import same
from obskit.dashboards.importer import build_python, to_python
from obskit.dashboards.inputs import resolve_inputs
from obskit.errors import ObskitError


def dashboards(directory: Path) -> None:
    files = sorted(directory.glob("*.json"))
    ok, failed, counts = 0, [], Counter()
    start = time.perf_counter()
    for path in files:
        try:
            data, _ = resolve_inputs(json.loads(path.read_text()), path.name)
            code = to_python(data, path.name)
            if not same(build_python(code), data):
                raise ObskitError("does not build back to exactly the same JSON")
        except (ObskitError, ValueError) as exc:
            failed.append(f"{path.name}: {exc}")
            continue
        ok += 1
        counts["typed panels"] += len(re.findall(r"\b(?!db\.)[a-z]+\.Panel\(\)", code))
        counts["generic panels"] += code.count("db.Panel()")
        counts["typed queries"] += code.count("prometheus.Dataquery()")
        counts["raw queries"] += code.count("RawQuery(")
        counts["nodes with builder defaults set back"] += code.count("without=[")
    elapsed = time.perf_counter() - start
    print(f"dashboards: {ok}/{len(files)} import and build back exactly in {elapsed:.1f} s; " +
          ", ".join(f"{k}: {v}" for k, v in counts.items()))
    for line in failed:
        print(f"  failed: {line}")


def rules(directory: Path) -> None:
    start = time.perf_counter()
    rulesets = load_all([directory])
    report = lint(rulesets, LintOptions(disable={"alert/runbook-url"}))
    elapsed = time.perf_counter() - start
    total = sum(len(rs.rules()) for rs in rulesets)
    print(f"rules: {len(rulesets)} files, {total} rules, {len(report.problems)} findings in {elapsed:.1f} s")
    for check, count in sorted(Counter(p.check for p in report.problems).items()):
        print(f"  {check}: {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboards", type=Path)
    parser.add_argument("--rules", type=Path)
    args = parser.parse_args()
    if args.dashboards:
        dashboards(args.dashboards)
    if args.rules:
        rules(args.rules)


if __name__ == "__main__":
    main()
