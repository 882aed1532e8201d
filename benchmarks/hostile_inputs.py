"""Figures for issue 13 (hardening): how input size and hostility scale. Prints, never asserts.

- `dashboards check` load + lint time for dashboards of 1k, 5k and 20k panels (the grid-overlap check
  and the shape check must stay linear);
- the safe YAML loader on an alias bomb (refused after reading its text) and on a large ordinary file;
- the safe JSON loader's depth/integer pre-check on a large OTLP/JSON line.

Run: .venv/bin/python benchmarks/hostile_inputs.py
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from obskit import safejson, safeyaml
from obskit.dashboards.lint import run_checks
from obskit.dashboards.lint.base import LintContext
from obskit.dashboards.model import load
from obskit.errors import InputError


def dashboard(panels: int) -> dict[str, object]:
    return {"uid": "big", "title": "Big", "panels": [
        {"id": i, "type": "timeseries", "title": f"p{i}", "gridPos": {"x": (i % 2) * 12, "y": (i // 2) * 8, "w": 12,
                                                                      "h": 8},
         "datasource": {"type": "prometheus", "uid": "prometheus"},
         "targets": [{"refId": "A", "expr": f'rate(http_requests_total{{job="j{i}"}}[5m])'}]} for i in range(panels)]}


def alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def main() -> None:
    with TemporaryDirectory() as tmp:
        for panels in (1_000, 5_000, 20_000):
            path = Path(tmp) / f"d{panels}.json"
            path.write_text(json.dumps(dashboard(panels)))
            start = time.perf_counter()
            result = load([path])
            problems = run_checks(LintContext(result.dashboards))
            elapsed = time.perf_counter() - start
            print(f"dashboards check, {panels:>6} panels: {elapsed:6.2f} s ({len(problems)} problems)")
    for levels in (6, 9, 12):
        text = alias_bomb(levels)
        start = time.perf_counter()
        try:
            safeyaml.loads(text, "bomb.yaml")
            outcome = "loaded"
        except InputError as exc:
            outcome = "refused: " + exc.message.split(": ", 2)[-1][:50]
        print(f"alias bomb, {levels:>2} levels ({len(text)} bytes): {time.perf_counter() - start:6.3f} s, {outcome}")
    big = "groups:\n" + "".join(f"  - name: g{i}\n    rules:\n      - record: r{i}\n        expr: up\n"
                                for i in range(20_000))
    start = time.perf_counter()
    safeyaml.loads(big, "big.yaml")
    print(f"safe YAML, 20,000 groups ({len(big) // 1024} KiB): {time.perf_counter() - start:6.2f} s")
    line = json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [
        {"traceId": "01" * 16, "spanId": "02" * 8, "name": f"op{i}", "attributes": [
            {"key": "k", "value": {"stringValue": "v" * 20}}]} for i in range(20_000)]}]}]})
    start = time.perf_counter()
    safejson.check_limits(line)
    checked = time.perf_counter() - start
    start = time.perf_counter()
    json.loads(line)
    plain = time.perf_counter() - start
    print(f"JSON pre-check, {len(line) // 1024} KiB OTLP line: {checked:6.3f} s (json.loads alone {plain:.3f} s)")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB")


if __name__ == "__main__":
    main()
