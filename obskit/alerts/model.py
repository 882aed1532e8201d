"""The rule model: Group, Alert and Record, plus where each one came from.

``*.rules.py`` files build these directly; YAML rule files, PrometheusRule objects and SLO specs are
loaded into the same objects (see :mod:`obskit.alerts.rulefiles` and :mod:`obskit.alerts.slo`), so
lint and emit see one form.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Origin:
    """Where a rule or one of its fields is written: file, 1-based line and column, the line's text."""

    file: str
    line: int | None = None
    column: int | None = None
    text: str | None = None


def _caller_origin() -> Origin | None:
    """The first stack frame outside this module: the line of a ``*.rules.py`` that built the object."""
    frame = sys._getframe(1)
    # skip this module and the dataclass-generated __init__ (compiled from "<string>")
    while frame is not None and (frame.f_code.co_filename == __file__ or frame.f_code.co_filename.startswith("<")):
        frame = frame.f_back
    if frame is None:
        return None
    return Origin(frame.f_code.co_filename, frame.f_lineno)


@dataclass
class Alert:
    name: str
    expr: str
    for_: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    keep_firing_for: str | None = None
    origin: Origin | None = field(default=None, compare=False, repr=False)
    # field name -> origin of its value (expr, for, labels.severity, annotations.summary, ...)
    fields: dict[str, Origin] = field(default_factory=dict, compare=False, repr=False)
    key: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)  # YAML path, when loaded from YAML

    def __post_init__(self) -> None:
        if self.origin is None:
            self.origin = _caller_origin()

    @property
    def kind(self) -> str:
        return "alert"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"alert": self.name, "expr": self.expr}
        if self.for_:
            out["for"] = self.for_
        if self.keep_firing_for:
            out["keep_firing_for"] = self.keep_firing_for
        if self.labels:
            out["labels"] = {k: str(v) for k, v in self.labels.items()}
        if self.annotations:
            out["annotations"] = {k: str(v) for k, v in self.annotations.items()}
        return out


@dataclass
class Record:
    name: str
    expr: str
    labels: dict[str, str] = field(default_factory=dict)
    origin: Origin | None = field(default=None, compare=False, repr=False)
    fields: dict[str, Origin] = field(default_factory=dict, compare=False, repr=False)
    key: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)  # YAML path, when loaded from YAML

    def __post_init__(self) -> None:
        if self.origin is None:
            self.origin = _caller_origin()

    @property
    def kind(self) -> str:
        return "record"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"record": self.name, "expr": self.expr}
        if self.labels:
            out["labels"] = {k: str(v) for k, v in self.labels.items()}
        return out


Rule = Alert | Record


@dataclass
class Group:
    name: str
    rules: list[Rule] = field(default_factory=list)
    interval: str | None = None
    origin: Origin | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.origin is None:
            self.origin = _caller_origin()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.interval:
            out["interval"] = self.interval
        out["rules"] = [rule.to_dict() for rule in self.rules]
        return out


@dataclass
class RuleSet:
    """The groups loaded from one source file, and what kind of file it was."""

    path: str
    kind: str  # "rules-yaml", "prometheusrule", "rules-py", "slo"
    groups: list[Group]
    lines: list[str] = field(default_factory=list, repr=False)  # the source text, for carets
    doc: Any = field(default=None, repr=False)  # the YamlDoc, to map offsets inside an expr to the file

    def rules(self) -> list[tuple[Group, Rule]]:
        return [(group, rule) for group in self.groups for rule in group.rules]

    def alerts(self) -> list[Alert]:
        """The alerting rules of every group, in file order (what most lint checks look at)."""
        return [rule for group in self.groups for rule in group.rules if isinstance(rule, Alert)]

    def where(self, rule: Rule | Group, field_name: str | None = None) -> Origin:
        """Best location for a rule's field: the field's own origin, else the rule's, else the file."""
        fields = getattr(rule, "fields", {})
        origin = fields.get(field_name) if field_name else None
        origin = origin or rule.origin or Origin(self.path)
        # rules-py: the line in the Python file; slo: an OpenSLO query may sit in a referenced SLI file
        if origin.file != self.path and self.kind not in ("rules-py", "slo"):
            origin = Origin(self.path, origin.line, origin.column)
        if origin.text is None and origin.file == self.path and origin.line and 0 < origin.line <= len(self.lines):
            origin = Origin(origin.file, origin.line, origin.column, self.lines[origin.line - 1])
        return origin
