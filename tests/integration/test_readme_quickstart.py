"""The README's quickstart works as printed: after `make demo` (its store at .demo/obskit.duckdb, the hour
ending now), the `obskit ...` lines of the quickstart block run in that directory, `--local` finding the
demo store by itself. The demo is simulated here at a lower request rate (as tests/integration/
test_investigate_demo.py does) to stay fast; `make demo` itself is the same `obskit demo` command."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from obskit.local.demo import run_scenario


def _quickstart(readme: str) -> list[list[str]]:
    block = readme.split("## Quickstart", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = []
    for line in block.strip().splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "obskit":
            commands.append(words[1:])
    return commands


def test_readme_quickstart_runs_as_printed(tmp_path: Path, repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text()
    assert "make demo" in readme and ". .venv/bin/activate" in readme
    makefile = (repo_root / "Makefile").read_text()
    assert re.search(r"^DEMO_DB\s*\?=\s*\.demo/obskit\.duckdb$", makefile, re.M), "make demo writes elsewhere"
    commands = _quickstart(readme)
    assert len(commands) >= 3, commands
    truth = run_scenario("slow-database", tmp_path / ".demo" / "obskit.duckdb", 1, rate=6.0)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")}
    env.update({"PYTHONPATH": str(repo_root), "COLUMNS": "160", "HOME": str(tmp_path)})
    for args in commands:
        done = subprocess.run([sys.executable, "-m", "obskit", *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300)
        context = f"obskit {shlex.join(args)}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        if args[0] == "investigate":
            assert done.returncode == 1, context  # suspects named
            written = args[args.index("-o") + 1] if "-o" in args else None
            shown = (tmp_path / written).read_text() if written else done.stdout
            assert truth.root_cause.service in shown, context
        else:
            assert done.returncode == 0, context
        assert "Traceback" not in done.stderr and "error:" not in done.stderr, context
    assert (tmp_path / "incident.html").is_file()
