"""A reader for Fluentd configuration as rendered into ConfigMaps: sections (`<source>`, `<filter tag>`,
`<label @X>`, nested `<parse>`, `<record>`, ...) with their parameters. Enough to find what the checks need
(inputs by @type, declared metrics, tail paths, record fields); not a Fluentd emulator: nothing is run."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

OPEN = re.compile(r"^<([A-Za-z_][\w]*)(?:\s+([^>]*))?>$")
CLOSE = re.compile(r"^</([A-Za-z_][\w]*)>$")


@dataclass
class Section:
    name: str
    arg: str = ""
    params: dict[str, str] = field(default_factory=dict)
    children: list[Section] = field(default_factory=list)
    where: str = ""  # file (ConfigMap/name key) and line

    @property
    def type(self) -> str:
        return self.params.get("@type", "")

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()


def parse(text: str, where: str = "") -> Section:
    """Sections of one config file; unbalanced tags end at the end of the file (the checks report
    what they look for, not syntax)."""
    root = Section("ROOT", where=where)
    stack = [root]
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        opened, closed = OPEN.match(line), CLOSE.match(line)
        if opened:
            section = Section(opened.group(1), (opened.group(2) or "").strip(), where=f"{where}:{number}")
            stack[-1].children.append(section)
            stack.append(section)
        elif closed:
            if len(stack) > 1:
                stack.pop()
        else:
            key, _, value = line.partition(" ")
            stack[-1].params[key] = value.strip()
    return root


def parse_all(texts: dict[str, str]) -> list[Section]:
    """Every section of every file (ConfigMap key -> text), files in name order."""
    return [s for where, text in sorted(texts.items()) for s in parse(text, where).walk()]


def regexp_literal(value: str) -> str:
    """The pattern of a Fluentd regexp parameter written as /.../ (flags after the slash are not used here)."""
    value = value.strip()
    if value.startswith("/") and value.rfind("/") > 0:
        return value[1:value.rfind("/")]
    return value
