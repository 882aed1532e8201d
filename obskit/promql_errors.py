"""Where a PromQL expression fails to parse, as Prometheus' own parser says it: ``1:66: parse error: ...``.

promql-parser (used for the lint) tells that an expression is invalid but not where. promtool does: all
failing expressions of a run go into one temporary rule file, ``promtool check rules`` parses them with
Prometheus' parser, and its ``could not parse expression: LINE:COL: parse error: MSG`` is read back per
rule. Without promtool the caller falls back to promql-parser's message. Used by the promql/syntax checks
of both linters (alerts: the column points at the position; dashboards: after Grafana macros are
substituted, the position is mapped back to the query as written).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

_LINE = re.compile(r'rule (?P<index>\d+), "[^"]*": could not parse expression: (?P<line>\d+):(?P<col>\d+): '
                   r"parse error: (?P<msg>.*)$")
TIMEOUT = 60


@dataclass(frozen=True)
class ParseError:
    line: int  # 1-based, within the expression
    column: int  # 1-based
    message: str  # Prometheus' wording, e.g. "unexpected end of input"

    def offset(self, expr: str) -> int:
        """0-based character offset of the position in ``expr`` (clamped to its length)."""
        lines = expr.split("\n")
        before = sum(len(text) + 1 for text in lines[: self.line - 1])
        return min(before + self.column - 1, len(expr))

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: parse error: {self.message}"


def locate(exprs: list[str]) -> dict[int, ParseError] | None:
    """Prometheus' parse error for each failing expression (by index); None when promtool is not there."""
    promtool = shutil.which("promtool")
    if promtool is None or not exprs:
        return None
    rules = [{"record": f"obskit:parse:check{i}", "expr": expr} for i, expr in enumerate(exprs)]
    with tempfile.TemporaryDirectory(prefix="obskit-parse-") as tmp:
        path = Path(tmp) / "exprs.yaml"
        path.write_text(yaml.safe_dump({"groups": [{"name": "obskit-parse", "rules": rules}]}, sort_keys=True,
                                       allow_unicode=True, width=10_000), encoding="utf-8")
        try:
            done = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True,
                                  timeout=TIMEOUT)
        except (OSError, subprocess.TimeoutExpired):
            return None
    found: dict[int, ParseError] = {}
    for text in (done.stdout + done.stderr).splitlines():
        match = _LINE.search(text)
        if match:
            found[int(match["index"]) - 1] = ParseError(int(match["line"]), int(match["col"]), match["msg"])
    return found
