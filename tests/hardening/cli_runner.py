"""Run one obskit command in-process (the corpus has hundreds of cases; a subprocess each is too slow).

Everything a command reads from the process is set per run: argv, working directory, environment,
stdout/stderr, the CLI's global state and the registry of secrets to scrub.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _exit_code(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return 1  # sys.exit("message") prints the message and exits 1


def run_cli(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Result:
    from obskit import redaction
    from obskit.cli import main
    from obskit.cli.state import state

    saved_env = dict(os.environ)
    saved_cwd = Path.cwd()
    saved = (sys.argv, sys.stdout, sys.stderr, sys.stdin)
    out, err = io.StringIO(), io.StringIO()
    os.environ.clear()
    os.environ.update({k: v for k, v in saved_env.items() if not k.startswith("OBSKIT_")})
    os.environ.update(env or {})
    os.environ["COLUMNS"] = "200"
    state.config_path, state.debug = None, False
    redaction.clear()
    code = 0
    try:
        os.chdir(cwd)
        sys.argv = ["obskit", *args]
        sys.stdout, sys.stderr, sys.stdin = out, err, io.StringIO("")
        try:
            main()
        except SystemExit as exc:
            code = _exit_code(exc.code)
        except BaseException as exc:  # --debug re-raises: print the traceback as Python would
            import traceback

            sys.stderr.write("".join(traceback.format_exception(exc)))
            code = 1
    finally:
        sys.argv, sys.stdout, sys.stderr, sys.stdin = saved
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        redaction.clear()
    return Result(code, out.getvalue(), err.getvalue())
