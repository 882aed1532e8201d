"""Run the `run:` steps of a GitHub workflow job and of the composite action it uses, locally.

Only what our own workflow and action.yml use is understood: `${{ inputs.NAME }}` and
`${{ github.action_path }}` expressions, `env`, `working-directory`, `shell: bash`, `if:` on an input
and `uses:` of actions/checkout (the directory is already the checkout), actions/setup-python (the
Python on PATH stands in; its version input is checked) and the local action. Anything else fails the
test, so a change to the workflow or action that this runner cannot honour is noticed.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_EXPR = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


@dataclass
class StepRun:
    name: str
    returncode: int
    output: str


@dataclass
class Runner:
    workdir: Path  # the checked-out repository
    action_dir: Path  # where `uses: obskit/obskit@...` resolves to (this repository)
    env: dict[str, str] = field(default_factory=dict)
    runs: list[StepRun] = field(default_factory=list)

    def expand(self, text: str, inputs: dict[str, str]) -> str:
        def one(match: re.Match[str]) -> str:
            expr = match.group(1)
            if expr.startswith("inputs."):
                return inputs[expr.removeprefix("inputs.")]
            if expr == "github.action_path":
                return str(self.action_dir)
            raise AssertionError(f"expression the runner does not know: ${{{{ {expr} }}}}")

        return _EXPR.sub(one, str(text))

    def run_job(self, workflow: dict[str, Any], job: str) -> int:
        for step in workflow["jobs"][job]["steps"]:
            code = self.run_step(step, {}, self.workdir)
            if code != 0:
                return code
        return 0

    def run_step(self, step: dict[str, Any], inputs: dict[str, str], cwd: Path) -> int:
        uses = step.get("uses")
        if uses:
            return self.run_uses(uses, {k: self.expand(v, inputs) for k, v in (step.get("with") or {}).items()})
        condition = step.get("if")
        if condition is not None:
            match = re.fullmatch(r"inputs\.([\w-]+) == '([^']*)'", str(condition).strip())
            assert match, f"condition the runner does not know: {condition}"
            if inputs[match.group(1)] != match.group(2):
                return 0
        assert step.get("shell") == "bash", f"step {step.get('name')}: shell must be bash"
        env = {**os.environ, **self.env,
               **{k: self.expand(v, inputs) for k, v in (step.get("env") or {}).items()}}
        directory = cwd / self.expand(step.get("working-directory", "."), inputs)
        script = self.expand(step["run"], inputs)
        done = subprocess.run(["bash", "-e", "-c", script], cwd=directory, env=env, capture_output=True, text=True,
                              timeout=600)
        self.runs.append(StepRun(step.get("name", script[:40]), done.returncode, done.stdout + done.stderr))
        return done.returncode

    def run_uses(self, uses: str, given: dict[str, str]) -> int:
        if uses.startswith("actions/checkout@"):
            return 0
        if uses.startswith("actions/setup-python@"):
            version = tuple(int(p) for p in given["python-version"].split("."))
            assert version >= (3, 11), f"setup-python {version}: obskit needs Python >= 3.11"
            return 0
        assert uses.startswith("obskit/obskit@"), f"an action the runner does not know: {uses}"
        action = yaml.safe_load((self.action_dir / "action.yml").read_text())
        assert action["runs"]["using"] == "composite"
        unknown = set(given) - set(action["inputs"])
        assert not unknown, f"inputs the action does not declare: {unknown}"
        inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
        inputs.update(given)
        for step in action["runs"]["steps"]:
            code = self.run_step(step, inputs, self.workdir)
            if code != 0:
                return code
        return 0
