"""panel/datasource: every query's datasource is known: a datasource variable, a built-in or a known uid."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from obskit.dashboards.lint.base import Check, LintContext
from obskit.dashboards.model import Dashboard, iter_panels
from obskit.dashboards.templating import datasource_ref, variables
from obskit.lint import Problem, Severity

BUILTIN_UIDS = {"grafana", "-- Grafana --", "-- Mixed --", "-- Dashboard --", "__expr__", "-- Expression --"}
MIXED = {"-- Mixed --"}


def _uid(ref: Any) -> str | None:
    if isinstance(ref, dict):
        uid = ref.get("uid")
        return str(uid) if uid is not None else None
    return ref if isinstance(ref, str) else None


class DatasourceCheck(Check):
    id = "panel/datasource"
    description = "each query's datasource is a datasource variable, a built-in, or a known uid"

    def _judge(self, dash: Dashboard, panel: dict[str, Any], ref: Any, ds_vars: set[str],
               all_vars: set[str], known: set[str], where: str) -> Iterator[Problem]:
        uid = _uid(ref)
        if uid is None:
            return
        var = datasource_ref(ref)
        if var is not None:
            if var not in all_vars:
                yield self.problem(dash, f"{where} datasource uses variable ${var}, which is not defined",
                                   panel=panel, needle=uid)
            elif var not in ds_vars:
                yield self.problem(dash, f"{where} datasource uses ${var}, which is not a datasource variable",
                                   panel=panel, needle=uid, severity=Severity.warning)
            return
        if uid in BUILTIN_UIDS or uid in known:
            return
        yield self.problem(dash, f"{where} datasource uid {uid!r} is not known: use a datasource variable "
                           "(e.g. ${datasource}) or declare the uid with --datasource", panel=panel, needle=uid)

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        known = ctx.options.known_datasources
        for dash in ctx.dashboards:
            defined = variables(dash.data)
            all_vars = {v["name"] for v in defined}
            ds_vars = {v["name"] for v in defined if v.get("type") == "datasource"}
            for var in defined:
                if var.get("type") == "query":
                    yield from self._judge(dash, {"title": f"variable {var['name']}", "id": None},
                                           var.get("datasource"), ds_vars, all_vars, known, "variable")
            for panel in iter_panels(dash.data):
                if panel.get("type") == "row":
                    continue
                panel_ds = panel.get("datasource")
                yield from self._judge(dash, panel, panel_ds, ds_vars, all_vars, known, "panel")
                for target in panel.get("targets") or []:
                    if not isinstance(target, dict):
                        continue
                    target_ds = target.get("datasource")
                    if target_ds is None and _uid(panel_ds) in MIXED:
                        yield self.problem(dash, f"query {target.get('refId', '?')} has no datasource in a "
                                           "mixed-datasource panel", panel=panel)
                    elif target_ds is not None and target_ds != panel_ds:
                        yield from self._judge(dash, panel, target_ds, ds_vars, all_vars, known,
                                               f"query {target.get('refId', '?')}")
                if panel_ds is None and panel.get("targets") and not any(
                        isinstance(t, dict) and t.get("datasource") for t in panel["targets"]):
                    yield self.problem(dash, "panel has queries but no datasource (Grafana would use its "
                                       "default); set one, e.g. ${datasource}", panel=panel,
                                       severity=Severity.warning)
