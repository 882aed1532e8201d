"""template/syntax: label and annotation templates are valid Prometheus (Go) templates.

Checks that ``{{`` and ``}}`` pair up, that if/range/with blocks are closed by ``end``, that variables
are ``$labels``, ``$value``, ``$externalLabels``, ``$externalURL`` or were assigned with ``:=``, and that
functions exist in Prometheus' template library. A typo such as ``{{ $label.job }}`` fails at
notification time in Prometheus, long after review -- here it fails in CI.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from obskit.alerts.lint.base import Check, LintContext
from obskit.alerts.model import RuleSet
from obskit.lint import Problem, Severity

VARIABLES = {"$labels", "$value", "$externalLabels", "$externalURL", "$"}
KEYWORDS = {"if", "else", "end", "range", "with", "define", "template", "block", "nil", "true", "false", "break",
            "continue"}
OPENERS = {"if", "range", "with", "define", "block"}
FUNCTIONS = {
    # Go text/template builtins
    "and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge",
    "html", "js", "urlquery", "call",
    # Prometheus template functions (docs: configuration/template_reference)
    "query", "first", "label", "value", "strvalue", "sortByLabel", "humanize", "humanize1024", "humanizeDuration",
    "humanizePercentage", "humanizeTimestamp", "toTime", "title", "toUpper", "toLower", "stripPort",
    "stripDomain", "match", "reReplaceAll", "graphLink", "tableLink", "args", "tmpl", "safeHtml", "pathPrefix",
    "externalURL", "parseDuration",
}
ACTION = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)
TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|`[^`]*`|\'(?:\\.|[^\'\\])*\'|\$[a-zA-Z0-9_]*|\.[a-zA-Z0-9_.]*|[a-zA-Z_]\w*|:=|=')


def template_errors(text: str) -> list[tuple[int, str]]:
    """(offset, message) for each problem in one template string."""
    errors: list[tuple[int, str]] = []
    depth: list[tuple[int, str]] = []
    assigned: set[str] = set()
    pos = 0
    for match in ACTION.finditer(text):
        stray = text.find("}}", pos, match.start())
        if stray >= 0:
            errors.append((stray, "'}}' without a matching '{{'"))
        pos = match.end()
        body = match.group(1).strip()
        if body.startswith("/*"):
            continue
        tokens = [(m.start() + match.start(1), m.group(0)) for m in TOKEN.finditer(match.group(1))]
        words = [t for _, t in tokens]
        if words and words[0] in OPENERS:
            depth.append((match.start(), words[0]))
        elif words and words[0] == "end":
            if not depth:
                errors.append((match.start(), "{{ end }} without an open if/range/with"))
            else:
                depth.pop()
        for i, (offset, token) in enumerate(tokens):
            if token.startswith("$"):
                name = token.split(".")[0]
                if i + 1 < len(words) and words[i + 1] in (":=", "="):
                    assigned.add(name)
                elif name not in VARIABLES and name not in assigned:
                    errors.append((offset, f"unknown variable {name} (did you mean $labels or $value?)"))
            elif token[0].isalpha() and token not in KEYWORDS and token not in FUNCTIONS:
                errors.append((offset, f"unknown template function {token!r}"))
    tail = text.find("}}", pos)
    if tail >= 0:
        errors.append((tail, "'}}' without a matching '{{'"))
    opening = text.find("{{", pos)
    if opening >= 0:
        errors.append((opening, "'{{' is never closed with '}}'"))
    for offset, word in depth:
        errors.append((offset, f"{{{{ {word} }}}} is never closed with {{{{ end }}}}"))
    return errors


class TemplateSyntax(Check):
    id = "template/syntax"
    severity = Severity.error
    summary = "label and annotation templates parse ({{ $labels.x }}, {{ $value }})"

    def check(self, ruleset: RuleSet, ctx: LintContext) -> Iterator[Problem]:
        for _group, rule in ruleset.rules():
            sections = [("labels", rule.labels), ("annotations", getattr(rule, "annotations", {}))]
            for section, values in sections:
                for name, text in sorted(values.items()):
                    for _offset, message in template_errors(text):
                        yield self.problem(ruleset, rule, f"{section}.{name}: {message}", f"{section}.{name}")
