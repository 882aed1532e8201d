"""Rendering lint results (dashboards, alerts, `obskit check`) as text, JSON or GitHub annotations."""

from __future__ import annotations

import re
import sys
from enum import StrEnum

from obskit.cli.output import scrub
from obskit.lint import Problem, gh_escape, render_github, render_json, render_text

_LOCATED = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<msg>.*)$", re.S)


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def render_problems(problems: list[Problem], fmt: LintFormat) -> str:
    if fmt is LintFormat.json:
        return render_json(problems)
    if fmt is LintFormat.github:
        return render_github(problems)
    return render_text(problems)


def github_annotation(level: str, text: str) -> str:
    """A ``::error file=...,line=...::msg`` line for a "file:line[:col]: message" string."""
    match = _LOCATED.match(text)
    if not match:
        return f"::{level}::{gh_escape(text)}"
    props = f"file={gh_escape(match['file'], True)},line={match['line']}" + (
        f",col={match['col']}" if match["col"] else "")
    return f"::{level} {props}::{gh_escape(match['msg'])}"


def write(text: str, stderr: bool = False) -> None:
    stream = sys.stderr if stderr else sys.stdout
    stream.write(scrub(text))
    stream.flush()
