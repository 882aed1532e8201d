"""Forgiving spellings of the global flags before Typer parses them: `--debug true`, `--debug=false`.

`--debug` is a flag; `obskit --debug true check` used to fail with "No such command 'true'". A boolean
word right after it (or after `=`) is folded into the flag: true/yes/on/1 keep it, false/no/off/0 drop it.
Only tokens before the command are looked at, so a command's own arguments are never touched.
"""

from __future__ import annotations

TRUE = {"true", "yes", "on", "1"}
FALSE = {"false", "no", "off", "0"}
FLAGS = ("--debug",)


def normalize(args: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if name in FLAGS and eq:
            if value.lower() in TRUE:
                out.append(name)
            elif value.lower() not in FALSE:
                out.append(arg)  # Typer reports it
            i += 1
            continue
        if arg in FLAGS and i + 1 < len(args) and args[i + 1].lower() in TRUE | FALSE:
            if args[i + 1].lower() in TRUE:
                out.append(arg)
            i += 2
            continue
        if not arg.startswith("-"):  # the command: everything from here on is its own
            return out + args[i:]
        out.append(arg)
        if arg in ("--config", "-c") and i + 1 < len(args):  # an option with a value
            out.append(args[i + 1])
            i += 1
        i += 1
    return out
