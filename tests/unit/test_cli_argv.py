"""`obskit --debug true` and friends: boolean words after a global flag are folded into it."""

from __future__ import annotations

import pytest

from obskit.cli.argv import normalize


@pytest.mark.parametrize(("args", "expected"), [
    (["--debug", "true", "check"], ["--debug", "check"]),
    (["--debug", "FALSE", "check"], ["check"]),
    (["--debug=yes", "doctor"], ["--debug", "doctor"]),
    (["--debug=0", "doctor"], ["doctor"]),
    (["--debug", "check", "true"], ["--debug", "check", "true"]),  # after the command: its own arguments
    (["-c", "true", "--debug", "1", "check"], ["-c", "true", "--debug", "check"]),  # a config file named true
    (["investigate", "--debug", "true"], ["investigate", "--debug", "true"]),
    (["--debug=maybe", "check"], ["--debug=maybe", "check"]),  # not a boolean: Typer reports it
])
def test_normalize(args: list[str], expected: list[str]) -> None:
    assert normalize(args) == expected
