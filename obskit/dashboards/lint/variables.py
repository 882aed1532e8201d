"""dashboard/variables: variables used are defined, and variables defined are used."""

from __future__ import annotations

from collections.abc import Iterator

from obskit.dashboards.lint.base import Check, LintContext
from obskit.dashboards.model import iter_panels
from obskit.dashboards.templating import references, strings, variables
from obskit.lint import Problem, Severity


class VariablesCheck(Check):
    id = "dashboard/variables"
    description = "every $variable used is defined; every defined variable is used (warning)"

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        for dash in ctx.dashboards:
            defined = {v["name"]: v for v in variables(dash.data)}
            used: set[str] = set()
            for panel in iter_panels(dash.data):
                panel_refs: set[str] = set()
                for text in strings({k: v for k, v in panel.items() if k != "panels"}):
                    panel_refs |= references(text)
                    used |= references(text, builtins=True)
                if panel.get("repeat"):
                    panel_refs.add(str(panel["repeat"]))
                used |= panel_refs
                for name in sorted(panel_refs - set(defined)):
                    yield self.problem(dash, f"${name} is used but not defined in templating.list; "
                                       "add the variable or fix the name", panel=panel, needle=f"${name}")
            for name, var in defined.items():
                refs = set()
                for text in strings({k: v for k, v in var.items() if k not in ("current", "options", "name")}):
                    refs |= references(text)
                    used |= references(text, builtins=True) - {name}
                used |= refs
                for missing in sorted(refs - set(defined)):
                    yield self.problem(dash, f"variable {name!r} uses ${missing}, which is not defined",
                                       node=var, needle=f"${missing}")
            for text in strings([dash.data.get("links"), dash.data.get("annotations"), dash.data.get("title")]):
                used |= references(text, builtins=True)
            for name in defined:
                if name not in used:
                    yield self.problem(dash, f"variable {name!r} is defined but never used; remove it or use it",
                                       node=defined[name], key="name", severity=Severity.warning)
