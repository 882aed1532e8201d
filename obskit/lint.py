"""The lint vocabulary shared by dashboards and alerts checks: problems, severities, renderers.

A check is a small class in its own file (``lint/<name>.py``) with an ``id`` such as
``promql/rate-window``, a ``severity``, ``online`` (needs a Prometheus URL) and a ``check()`` that
yields :class:`Problem` objects. Renderers turn problems into text (with a caret under the column),
JSON or GitHub annotations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


@dataclass(frozen=True)
class Problem:
    check: str  # check id, e.g. "dashboard/uid"
    severity: Severity
    message: str  # says what is wrong and what to do
    file: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    context: str | None = None  # e.g. 'panel "Requests" (id 3)' or 'alert HighErrorRate'
    source_line: str | None = None  # the offending line, for a caret under `column`

    def location(self) -> str:
        loc = self.file
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        data.pop("source_line")
        return data


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.check, p.message))


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity is Severity.error for p in problems)


def render_text(problems: Iterable[Problem]) -> str:
    out: list[str] = []
    for p in sort_problems(problems):
        where = f" [{p.context}]" if p.context else ""
        out.append(f"{p.location()}: {p.severity}: {p.message}{where} ({p.check})")
        if p.source_line is not None:
            out.append(f"    {p.source_line.rstrip()}")
            if p.column is not None:
                out.append("    " + " " * (p.column - 1) + "^")
    return "\n".join(out) + ("\n" if out else "")


def render_json(problems: Iterable[Problem]) -> str:
    """``{"schema_version": "1", "problems": [...]}`` (obskit.envelope)."""
    from obskit.envelope import dumps

    return dumps({"problems": [p.to_dict() for p in sort_problems(problems)]})


def gh_escape(text: str, prop: bool = False) -> str:
    """Escape a GitHub workflow-command message (or, with prop, a property value such as a file name)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(problems: Iterable[Problem]) -> str:
    """GitHub Actions workflow commands: ``::error file=F,line=L,col=C,title=ID::message``."""
    levels = {Severity.error: "error", Severity.warning: "warning", Severity.info: "notice"}
    out = []
    for p in sort_problems(problems):
        props = [f"file={gh_escape(p.file, True)}"]
        if p.line is not None:
            props.append(f"line={p.line}")
        if p.column is not None:
            props.append(f"col={p.column}")
        props.append(f"title={gh_escape(p.check, True)}")
        message = p.message + (f" [{p.context}]" if p.context else "")
        out.append(f"::{levels[p.severity]} {','.join(props)}::{gh_escape(message)}")
    return "\n".join(out) + ("\n" if out else "")
