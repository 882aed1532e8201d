"""``obskit alerts test``: run promtool unit tests, including tests over PrometheusRule files and SLO specs.

promtool only reads plain rule files (prometheus#5767, #9195). For each test file we rewrite
``rule_files``: plain rule files are passed through by absolute path; PrometheusRule objects, SLO specs
and ``*.rules.py`` are rendered to plain rule files in a temp directory. promtool's output is then mapped
back: temp paths are replaced by the source file they came from.
"""

from __future__ import annotations

import glob
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from obskit.alerts.emit import dump_yaml, rules_document
from obskit.alerts.rulefiles import SloContext, classify, discover, load_source, tree_context
from obskit.alerts.yamlsource import YamlDoc, load_yaml, load_yaml_all
from obskit.errors import BackendError, InputError
from obskit.inputguard import reading

PROMTOOL_TIMEOUT = 300


@dataclass
class TestResult:
    file: str
    passed: bool
    output: str  # promtool's report, with temp paths mapped back to sources
    seconds: float = 0.0

    __test__ = False  # not a pytest class


def promtool_binary() -> str:
    path = shutil.which("promtool")
    if not path:
        raise BackendError("promtool is not installed", hint="install Prometheus' promtool (see .ci/system-deps.sh)")
    return path


def find_tests(paths: list[Path]) -> list[Path]:
    """promtool test files (YAML with ``rule_files``/``tests``) under the paths."""
    found = []
    for path in discover(paths):
        if path.suffix in (".yaml", ".yml") and classify(load_yaml_all(path)[0]) == "promtool-test":
            found.append(path)
    return found


def _prepare(test_file: Path, workdir: Path, ctx: SloContext) -> tuple[Path, dict[str, str]]:
    """Write a runnable copy of the test file; returns it and a {temp path: source path} map.

    Plain single-document rule files are used as they are; everything else (PrometheusRule objects, SLO
    specs, ``*.rules.py``, multi-document files, which Prometheus reads only the first document of) is
    rendered to a plain rule file first."""
    doc = load_yaml(test_file)
    data = dict(doc.data)
    rule_files = data.get("rule_files") or []
    if not isinstance(rule_files, list):
        o = doc.origin(("rule_files",))
        raise InputError(f"{o.file}:{o.line}:{o.column}: rule_files must be a list")
    mapping: dict[str, str] = {}
    resolved: list[str] = []
    for i, entry in enumerate(rule_files):
        pattern = str(entry) if Path(str(entry)).is_absolute() else str(test_file.parent / str(entry))
        matches = sorted(glob.glob(pattern)) or []
        if not matches:
            o = doc.origin(("rule_files", i))
            raise InputError(f"{o.file}:{o.line}:{o.column}: rule file not found: {entry}")
        for match in matches:
            source = Path(match)
            with reading(source, "rule file or SLO spec"):
                ruleset = load_source(source, ctx=ctx)
            if ruleset is None:
                o = doc.origin(("rule_files", i))
                raise InputError(f"{o.file}:{o.line}:{o.column}: {entry} is not a rule file")
            if ruleset.kind == "rules-yaml" and isinstance(ruleset.doc, YamlDoc):
                resolved.append(str(source.resolve()))
                continue
            target = workdir / f"{len(mapping):03d}-{source.name.replace('.py', '')}"
            target = target.with_suffix(".yaml") if target.suffix not in (".yaml", ".yml") else target
            target.write_text(dump_yaml(rules_document(ruleset.groups)), encoding="utf-8")
            mapping[str(target)] = f"{source} (generated rules)"
            resolved.append(str(target))
    data["rule_files"] = resolved
    copy = workdir / test_file.name
    copy.write_text(dump_yaml(data), encoding="utf-8")
    mapping[str(copy)] = str(test_file)
    return copy, mapping


def run_test_file(test_file: Path, windows_dirs: list[Path] | None = None, default_period: str = "30d",
                  ctx: SloContext | None = None) -> TestResult:
    """Run one promtool test file; ``ctx`` (from :func:`tree_context`) lets SLO specs see the whole tree."""
    import time

    ctx = ctx or SloContext(windows_dirs, default_period)
    with tempfile.TemporaryDirectory(prefix="obskit-promtool-") as tmp:
        copy, mapping = _prepare(test_file, Path(tmp), ctx)
        start = time.monotonic()
        try:
            proc = subprocess.run([promtool_binary(), "test", "rules", copy.name], cwd=tmp, capture_output=True,
                                  text=True, timeout=PROMTOOL_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise BackendError(f"promtool test rules {test_file} took longer than {PROMTOOL_TIMEOUT} s") from None
        elapsed = time.monotonic() - start
    output = proc.stdout + proc.stderr
    replacements = {**{Path(t).name: s for t, s in mapping.items()}, **mapping}
    pattern = re.compile("|".join(re.escape(k) for k in sorted(replacements, key=len, reverse=True)))
    output = pattern.sub(lambda m: replacements[m.group(0)], output)
    return TestResult(str(test_file), proc.returncode == 0, output.strip() + "\n", elapsed)


def run_tests(paths: list[Path], windows_dirs: list[Path] | None = None, default_period: str = "30d"
              ) -> list[TestResult]:
    ctx, _ = tree_context(discover(paths), windows_dirs, default_period)
    return [run_test_file(path, ctx=ctx) for path in find_tests(paths)]
