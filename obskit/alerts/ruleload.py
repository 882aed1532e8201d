"""What Prometheus' rule loader refuses, found before Prometheus sees the file.

Prometheus (``model/rulefmt``) will not load a rule file when a duration (``for``, ``keep_firing_for``,
a group's ``interval``) is not a Prometheus duration, a label or annotation name is not a valid label
name, a label value is not valid UTF-8, a recording rule's name is not a valid metric name, a recording
rule has ``for``/``keep_firing_for``/``annotations``, or group names repeat within a file. Each problem is
reported with the file, line and column of the offending value; a file with any of them is an input
error (exit 2), like a YAML syntax error. Template syntax, which the loader also parses, is the
``template/syntax`` lint check (it reports all template problems of all rules at once).

Names follow the classic (pre-UTF-8) validation scheme that Prometheus 2.x enforces and 3.x keeps for
rule files written for both.
"""

from __future__ import annotations

import re
from typing import Any

from obskit.alerts.yamlsource import YamlDoc
from obskit.duration import parse_milliseconds
from obskit.errors import InputError

LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def duration_problem(value: Any) -> str | None:
    """Why ``value`` is not a duration Prometheus accepts, or None when it is one (obskit.duration)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return f"expected a duration such as 30s, 5m or 1h, got {type(value).__name__}"
    try:
        parse_milliseconds(str(value))
    except ValueError as exc:
        return str(exc)
    return None


class _Problems:
    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.found: list[tuple[int, int, str]] = []

    def add(self, key: tuple[Any, ...], message: str, *, of_key: bool = False) -> None:
        o = self.doc.origin(key, of_key=of_key)
        self.found.append((o.line or 1, o.column or 1, message))

    def raise_any(self) -> None:
        if not self.found:
            return
        lines = [f"{self.doc.path}:{line}:{col}: {message}" for line, col, message in sorted(self.found)]
        raise InputError("Prometheus would refuse to load this rule file:\n  " + "\n  ".join(lines))


def _check_names(p: _Problems, key: tuple[Any, ...], mapping: Any, what: str, *, labels: bool) -> None:
    if not isinstance(mapping, dict):
        return
    for name, value in mapping.items():
        text = str(name)
        if not LABEL_NAME.match(text) or (labels and text == "__name__"):
            p.add((*key, name), f"invalid {what} name {text!r} (expected [a-zA-Z_][a-zA-Z0-9_]*)", of_key=True)
        if isinstance(value, str) and _has_surrogate(value):
            p.add((*key, name), f"{what} {text!r}: value is not valid UTF-8")


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def check_loadable(doc: YamlDoc, base: tuple[Any, ...] = ()) -> None:
    """Raise InputError listing every problem Prometheus' rule loader would refuse the file for."""
    node = doc.data
    for part in base:
        node = node.get(part) if isinstance(node, dict) else None
    groups = node.get("groups") if isinstance(node, dict) else None
    if not isinstance(groups, list):
        return
    p = _Problems(doc)
    seen: dict[str, int] = {}
    for gi, group in enumerate(groups):
        gkey = (*base, "groups", gi)
        if not isinstance(group, dict):
            continue
        name = group.get("name")
        if isinstance(name, str) and name in seen:
            p.add((*gkey, "name"), f"group name {name!r} is repeated in the same file (first at group {seen[name]})")
        elif isinstance(name, str):
            seen[name] = gi
        if "interval" in group and (problem := duration_problem(group["interval"])):
            p.add((*gkey, "interval"), f"interval: {problem}")
        if "query_offset" in group and (problem := duration_problem(group["query_offset"])):
            p.add((*gkey, "query_offset"), f"query_offset: {problem}")
        if "limit" in group and (isinstance(group["limit"], bool) or not isinstance(group["limit"], int)):
            p.add((*gkey, "limit"), "limit: expected an integer")
        rules = group.get("rules")
        for ri, rule in enumerate(rules if isinstance(rules, list) else []):
            if isinstance(rule, dict):
                _check_rule(p, (*gkey, "rules", ri), rule)
    p.raise_any()


def _check_rule(p: _Problems, key: tuple[Any, ...], rule: dict[str, Any]) -> None:
    for field_name in ("for", "keep_firing_for"):
        if field_name in rule and rule[field_name] is not None:
            if "record" in rule:
                p.add((*key, field_name), f"invalid field {field_name!r} in a recording rule", of_key=True)
            elif problem := duration_problem(rule[field_name]):
                p.add((*key, field_name), f"{field_name}: {problem}")
    if "record" in rule:
        name = rule["record"]
        if not isinstance(name, str) or not METRIC_NAME.match(name):
            p.add((*key, "record"), f"invalid recording rule name {name!r} (expected a metric name, "
                                    "[a-zA-Z_:][a-zA-Z0-9_:]*)")
        if rule.get("annotations"):
            p.add((*key, "annotations"), "invalid field 'annotations' in a recording rule", of_key=True)
    elif "alert" in rule and (not isinstance(rule["alert"], str) or not rule["alert"].strip()):
        p.add((*key, "alert"), "an alerting rule needs a non-empty name")
    _check_names(p, (*key, "labels"), rule.get("labels"), "label", labels=True)
    _check_names(p, (*key, "annotations"), rule.get("annotations"), "annotation", labels=False)
